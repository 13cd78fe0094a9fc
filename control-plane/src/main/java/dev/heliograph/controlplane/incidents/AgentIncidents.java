package dev.heliograph.controlplane.incidents;

import dev.heliograph.controlplane.agents.AgentHub;
import dev.heliograph.controlplane.agents.AgentRecord;
import dev.heliograph.controlplane.agents.AgentStatus;
import dev.heliograph.controlplane.alerting.NotificationEvent;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Uuid7;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Incidents of agents that stopped reporting (the reporting rules of the agent status): one
 * {@code agent_not_reporting} incident per silent agent, in the operator org (agents are shared
 * infrastructure), resolved when it reports again or is deleted. The agent's targets never page for
 * it: its region counts neither way while it has no live agent ({@link SilentRegions}).
 *
 * <p>A control plane that was down longer than the reporting threshold finds every agent silent at
 * start; agents reconnect within seconds, so nothing opens during the first {@code grace} after start,
 * and then every agent is audited (again every {@code grace}): open for the silent, resolve for the
 * rest. All work runs on one event loop, one agent at a time.
 */
public final class AgentIncidents implements AgentHub.AgentEvents {
    private static final Logger LOG = LoggerFactory.getLogger(AgentIncidents.class);

    private final Vertx vertx;
    private final Context context;
    private final PgIncidentStore store;
    private final Reconciler reconciler;
    private final Messages messages;
    private final AgentHub hub;
    private final IncidentEngine engine;
    private final Clock clock;
    private final Duration grace;
    private long timer = -1;
    private volatile boolean stopped;
    private final Instant startedAt;
    // Written on the context, read by the API from any thread.
    private final Map<UUID, Tracked> open = new java.util.concurrent.ConcurrentHashMap<>();
    private Future<Void> tail = Future.succeededFuture();
    private volatile Runnable wake = () -> { };

    /** @param loaded the active agent incidents read at start */
    public AgentIncidents(Vertx vertx, PgIncidentStore store, Reconciler reconciler, Messages messages, AgentHub hub, IncidentEngine engine,
                          Clock clock, Duration grace, List<Tracked> loaded) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.store = store;
        this.reconciler = reconciler;
        this.messages = messages;
        this.hub = hub;
        this.engine = engine;
        this.clock = clock;
        this.grace = grace;
        this.startedAt = clock.instant();
        loaded.forEach(tracked -> open.put(tracked.incident().agentId(), tracked));
    }

    /** Listens to the hub and audits every agent once the start-up grace has passed, then every grace period. */
    public void start() {
        hub.listen(this);
        timer = vertx.setPeriodic(Math.max(1, grace.toMillis()), Math.max(1_000, grace.toMillis()), id -> audit());
    }

    /** Stops auditing and ignores the hub's news from now on. */
    public void stop() {
        stopped = true;
        vertx.cancelTimer(timer);
    }

    /** The incident ids open now, by agent (for the API; a copy). */
    public Map<UUID, UUID> openIncidents() {
        Map<UUID, UUID> ids = new HashMap<>();
        open.forEach((agent, tracked) -> ids.put(tracked.incident().id(), agent));
        return ids;
    }

    @Override
    public void statusChanged(AgentRecord agent, AgentStatus status, Instant lastSeen) {
        if (stopped || clock.instant().isBefore(startedAt.plus(grace))) {
            return; // the audit at the end of the grace decides
        }
        serially(() -> status == AgentStatus.NOT_REPORTING ? opened(agent.id(), agent.name(), agent.region().value(), lastSeen)
                : resolved(agent.id(), "reporting again"));
    }

    @Override
    public void deleted(AgentRecord agent) {
        serially(() -> resolved(agent.id(), "agent deleted"));
    }

    @Override
    public void liveRegionsChanged(Set<RegionId> live) {
        if (!stopped) {
            engine.reevaluate(null);
        }
    }

    /** Resolves an open agent incident by hand; fails with {@link IncidentPlanner.IncidentGone} when it is not open here. */
    public Future<Incident> resolve(UUID incidentId, String by, String note) {
        return serially(() -> {
            UUID agent = openIncidents().get(incidentId);
            if (agent == null) {
                return Future.failedFuture(new IncidentPlanner.IncidentGone(incidentId));
            }
            Tracked tracked = open.get(agent);
            Incident resolved = tracked.incident().resolved(clock.instant(), by, note);
            return close(agent, tracked, resolved).map(resolved);
        });
    }

    /** Acknowledges an open agent incident; fails like {@link #resolve}. */
    public Future<Incident> acknowledge(UUID incidentId, String by, String note) {
        return serially(() -> {
            UUID agent = openIncidents().get(incidentId);
            if (agent == null) {
                return Future.failedFuture(new IncidentPlanner.IncidentGone(incidentId));
            }
            Tracked tracked = open.get(agent);
            if (!Incident.OPEN.equals(tracked.incident().state())) {
                return Future.succeededFuture(tracked.incident());
            }
            Incident acknowledged = tracked.incident().acknowledged(clock.instant(), by);
            List<Op> ops = List.of(new Op.UpdateIncident(acknowledged), new Op.Timeline(acknowledged.id(), clock.instant(), "acknowledged",
                    "acknowledged by " + by + (note == null || note.isBlank() ? "" : ": " + note), Map.of()));
            return store.commit(ops).map(v -> {
                open.put(agent, new Tracked(acknowledged, tracked.subscriptions()));
                return acknowledged;
            });
        });
    }

    private void audit() {
        if (stopped || clock.instant().isBefore(startedAt.plus(grace))) {
            return;
        }
        hub.list().onSuccess(views -> serially(() -> {
            Map<UUID, AgentHub.AgentView> byId = new HashMap<>();
            views.forEach(view -> byId.put(view.id(), view));
            Future<Void> chain = Future.succeededFuture();
            for (AgentHub.AgentView view : views) {
                chain = chain.compose(v -> AgentStatus.NOT_REPORTING.wire().equals(view.status())
                        ? opened(view.id(), view.name(), view.region(), view.lastSeen()) : resolved(view.id(), "reporting again"));
            }
            for (UUID agent : new ArrayList<>(open.keySet())) {
                if (!byId.containsKey(agent)) {
                    chain = chain.compose(v -> resolved(agent, "agent deleted"));
                }
            }
            return chain;
        }));
    }

    private Future<Void> opened(UUID agentId, String name, String region, Instant lastSeen) {
        if (open.containsKey(agentId)) {
            return Future.succeededFuture();
        }
        Instant now = clock.instant();
        Incident incident = new Incident(Uuid7.at(now.toEpochMilli()), OrgId.DEFAULT, IncidentKind.AGENT_NOT_REPORTING, Incident.OPEN,
                "agent " + name + " in region " + region + " is not reporting", null, null, name, agentId,
                region, List.of(), List.of(), null, lastSeen, now, null, null, null, null, null);
        List<Op> ops = new ArrayList<>();
        ops.add(new Op.InsertIncident(incident));
        ops.add(new Op.Timeline(incident.id(), now, "opened", "not heard from since " + lastSeen, Map.of("last_seen", lastSeen.toString())));
        Reconciler.Outcome outcome = reconciler.reconcile(new Tracked(incident, Map.of()), false, null, now,
                event -> messages.about(event, incident, null, null, Set.of(), now));
        ops.addAll(outcome.ops());
        LOG.info("agent {} ({}, region {}) is not reporting: incident {} opened", agentId, name, region, incident.id());
        return store.commit(ops).map(v -> {
            open.put(agentId, outcome.tracked());
            engineWoken();
            return null;
        });
    }

    private Future<Void> resolved(UUID agent, String why) {
        Tracked tracked = open.get(agent);
        if (tracked == null) {
            return Future.succeededFuture();
        }
        return close(agent, tracked, tracked.incident().resolved(clock.instant(), IncidentPlanner.SYSTEM, why));
    }

    private Future<Void> close(UUID agent, Tracked tracked, Incident resolved) {
        Instant now = clock.instant();
        List<Op> ops = new ArrayList<>();
        ops.add(new Op.UpdateIncident(resolved));
        ops.add(new Op.Timeline(resolved.id(), now, "resolved", "resolved by " + resolved.resolvedBy()
                + (resolved.resolutionNote() == null ? "" : ": " + resolved.resolutionNote()), Map.of()));
        Reconciler.Outcome outcome = reconciler.reconcile(new Tracked(resolved, tracked.subscriptions()), false, null, now,
                event -> messages.about(event, resolved, null, null, Set.of(), now));
        ops.addAll(outcome.ops());
        return store.commit(ops).map(v -> {
            open.remove(agent);
            engineWoken();
            return null;
        });
    }

    /** Called after notifications were written (wakes the senders). */
    public void onWritten(Runnable written) {
        this.wake = written;
    }

    private void engineWoken() {
        wake.run();
    }

    /** Runs {@code work} on the context after every earlier piece of work ended. */
    private <T> Future<T> serially(java.util.function.Supplier<Future<T>> work) {
        io.vertx.core.Promise<T> result = io.vertx.core.Promise.promise();
        context.runOnContext(v -> {
            Future<T> next = tail.transform(previous -> {
                try {
                    return work.get();
                } catch (RuntimeException e) {
                    return Future.failedFuture(e);
                }
            });
            tail = next.<Void>mapEmpty().otherwiseEmpty();
            next.onComplete(result);
            next.onFailure(error -> {
                if (!(error instanceof IncidentPlanner.IncidentGone)) {
                    LOG.warn("agent incident work failed: {}", error.getMessage());
                }
            });
        });
        return result.future();
    }
}
