package dev.heliograph.controlplane.agents;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.agent.protocol.WireJob;
import dev.heliograph.probe.agent.protocol.WireTarget;
import dev.heliograph.probe.agent.protocol.WorkResponse;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.media.Schema;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import dev.heliograph.controlplane.storage.postgres.PgTargetStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's view of its agents: who is registered, who is live, which targets each one
 * checks, their held work polls and the on-demand jobs waiting for them.
 *
 * <p>Every region other than the control plane's own has a versioned target set. Its live agents
 * share it by {@link Rendezvous} hashing; any change of the set or of the live agents raises the
 * region's version and answers the held polls of that region with the new assignment (changes
 * within {@value #NOTIFY_DELAY_MS} ms are answered together). Versions start from the wall clock in
 * ms, so that a version an agent kept from before a control-plane restart is never mistaken for a
 * current one.
 *
 * <p>An agent is live while its last request (a poll, a result batch, a job result) arrived within
 * the reporting threshold ({@code heartbeat × multiplier}); its status is {@code ok} while live, else
 * {@code not_reporting}. The hold of a poll is kept below the threshold, so a healthy agent always
 * polls again in time, while a host that vanished without closing its connection is still found.
 * A timer fires at the next moment an agent would pass the threshold, so its targets move to the
 * others within the threshold; a periodic task ({@code evaluateInterval}) re-checks, writes
 * {@code last_seen}, status and acknowledged sequences to Postgres in one statement, and deletes
 * agents silent for {@code autoDeleteAfter} (when set). A poll updates memory only.
 *
 * <p>Threading: all state is confined to the hub's context (one event loop; the agent server runs
 * on it too). Methods that may be called from elsewhere hop onto it and say so.
 */
public final class AgentHub implements AgentConnections {
    private static final Logger LOG = LoggerFactory.getLogger(AgentHub.class);
    static final long NOTIFY_DELAY_MS = 100;

    /**
     * Hub timings.
     *
     * @param threshold        silence after which an agent is not reporting
     * @param autoDeleteAfter  silence after which an agent is deleted; zero = never
     * @param onDemandTimeout  how long a job waits for its result
     */
    public record Settings(RegionId localRegion, Duration pollHold, Duration threshold, Duration evaluateInterval,
                           Duration autoDeleteAfter, Duration onDemandTimeout) {
    }

    /** What a work poll gets: work, nothing new (204), or a drain (503 with Retry-After). */
    public sealed interface PollAnswer {
        /** 200 with {@code work}. */
        record Work(WorkResponse work) implements PollAnswer {
        }

        /** 204: nothing new within the hold. */
        record NoWork() implements PollAnswer {
        }

        /** 503: the poll was closed by a drain; come back after Retry-After. */
        record Drained() implements PollAnswer {
        }

        /** 401: the agent was deleted while its poll was held. */
        record Revoked() implements PollAnswer {
        }
    }

    /** An agent as listed by the API. */
    public record AgentView(UUID id, String name, String region, String version,
                            @Schema(allowableValues = {"ok", "not_reporting"}) String status, Instant lastSeen,
                            Instant registeredAt, int assignedTargets, long droppedResults) {
    }

    private final Vertx vertx;
    private final Context context;
    private final AgentStore store;
    private final Clock clock;
    private final Settings settings;
    private final Map<UUID, AgentState> agents = new HashMap<>();
    private final Map<RegionId, RegionState> regions = new HashMap<>();
    private final Map<TargetId, Target> targets = new HashMap<>();
    private final Map<String, Job> jobs = new HashMap<>();
    private final Set<RegionId> dirty = new HashSet<>();
    // Written on the hub's context, read by the drain from any thread.
    private final Set<UUID> holding = ConcurrentHashMap.newKeySet();
    // Agents (id → signing key) for request authentication from any thread.
    private final Map<UUID, Credentials> credentials = new ConcurrentHashMap<>();
    // When each agent's poll was last closed by a drain, so that a paced drain reaches every agent.
    private final Map<UUID, Long> lastDrained = new ConcurrentHashMap<>();
    private final AtomicLong statusChanges = new AtomicLong();
    private final AtomicLong autoDeleted = new AtomicLong();
    private volatile int okCount;
    private volatile int notReportingCount;
    private long notifyTimer = -1;
    private long expiryTimer = -1;
    private boolean expiryPending;
    private long evaluateTimer = -1;
    private boolean syncRunning;

    /**
     * Told about agents' status and the regions with a live agent, on the hub's context; must not block
     * (the incident engine hops onto its own context).
     */
    public interface AgentEvents {
        /** An agent's status changed ({@code ok} ↔ {@code not_reporting}); {@code lastSeen} is when it was last heard from. */
        void statusChanged(AgentRecord agent, AgentStatus status, Instant lastSeen);

        /** An agent was deleted (by an operator or after a long silence). */
        void deleted(AgentRecord agent);

        /** The set of regions with at least one live agent changed to {@code live}. */
        void liveRegionsChanged(Set<RegionId> live);
    }

    private volatile AgentEvents events = new AgentEvents() {
        @Override
        public void statusChanged(AgentRecord agent, AgentStatus status, Instant lastSeen) {
        }

        @Override
        public void deleted(AgentRecord agent) {
        }

        @Override
        public void liveRegionsChanged(Set<RegionId> live) {
        }
    };
    private volatile Set<RegionId> liveRegions = Set.of();

    /** Sends agent events to {@code listener} from now on (one listener). */
    public void listen(AgentEvents listener) {
        this.events = listener;
    }

    /** The regions with at least one live agent now; thread-safe. */
    public Set<RegionId> liveRegions() {
        return liveRegions;
    }

    /** An agent's key and region, for authenticating its requests. */
    public record Credentials(UUID id, RegionId region, byte[] signingKey) {
    }

    private AgentHub(Vertx vertx, Context context, AgentStore store, Clock clock, Settings settings) {
        this.vertx = vertx;
        this.context = context;
        this.store = store;
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * Loads the registered agents and starts the hub on {@code context} (the agent server's), with
     * its periodic evaluation. Agents count as not live until they poll.
     */
    public static Future<AgentHub> start(Vertx vertx, Context context, AgentStore store, Clock clock, Settings settings) {
        AgentHub hub = new AgentHub(vertx, context, store, clock, settings);
        return store.agents().compose(records -> hub.on(() -> {
            records.forEach(hub::add);
            hub.evaluateLiveness();
            hub.recount();
            hub.evaluateTimer = hub.vertx.setPeriodic(settings.evaluateInterval().toMillis(), id -> hub.evaluate());
            return hub;
        }));
    }

    /** Stops the timers; held polls are answered with no work. */
    public Future<Void> stop() {
        return on(() -> {
            vertx.cancelTimer(evaluateTimer);
            vertx.cancelTimer(expiryTimer);
            vertx.cancelTimer(notifyTimer);
            agents.values().forEach(agent -> answer(agent, new PollAnswer.NoWork()));
            return rows();
        }).compose(rows -> store.sync(rows).recover(error -> {
            LOG.warn("writing agent status to postgres at stop failed: {}", error.getMessage());
            return Future.succeededFuture();
        }));
    }

    /**
     * Registers meters: {@code heliograph_agents{status}} (agents by status),
     * {@code heliograph_agent_status_changes_total} and {@code heliograph_agents_auto_deleted_total}.
     */
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("heliograph.agents", this, hub -> hub.okCount).tag("status", "ok")
                .description("Registered agents by status").register(registry);
        Gauge.builder("heliograph.agents", this, hub -> hub.notReportingCount).tag("status", "not_reporting")
                .description("Registered agents by status").register(registry);
        FunctionCounter.builder("heliograph.agent.status.changes", statusChanges, AtomicLong::get)
                .description("Agent status changes (ok <-> not_reporting)").register(registry);
        FunctionCounter.builder("heliograph.agents.auto.deleted", autoDeleted, AtomicLong::get)
                .description("Agents deleted after a long silence").register(registry);
    }

    // ---- targets (called by the TargetRegistry, from any thread, in order) ----

    /** A target was created or changed. */
    public void apply(Target target) {
        context.runOnContext(v -> {
            place(target);
            scheduleNotify();
        });
    }

    /** A target was deleted. */
    public void remove(TargetId id) {
        context.runOnContext(v -> {
            unplace(id);
            scheduleNotify();
        });
    }

    /** The full target set, re-read from Postgres: makes the hub's equal to it. */
    public void sync(Collection<Target> all) {
        List<Target> copy = List.copyOf(all);
        context.runOnContext(v -> {
            Set<TargetId> seen = new HashSet<>();
            for (Target target : copy) {
                seen.add(target.id());
                place(target);
            }
            new ArrayList<>(targets.keySet()).stream().filter(id -> !seen.contains(id)).forEach(this::unplace);
            scheduleNotify();
        });
    }

    private void place(Target target) {
        Target old = targets.put(target.id(), target);
        if (old != null && old.version() > target.version()) {
            targets.put(target.id(), old); // a stale copy from a re-read that overtook a write
            return;
        }
        Set<RegionId> now = remoteRegions(target);
        Set<RegionId> before = old == null ? Set.of() : remoteRegions(old);
        for (RegionId region : before) {
            if (!now.contains(region)) {
                RegionState state = regions.get(region);
                if (state != null && state.targets.remove(target.id()) != null) {
                    dirty.add(region);
                }
            }
        }
        for (RegionId region : now) {
            Target previous = regions.computeIfAbsent(region, RegionState::new).targets.put(target.id(), target);
            if (previous == null || previous.version() != target.version()) {
                dirty.add(region);
            }
        }
    }

    private void unplace(TargetId id) {
        Target old = targets.remove(id);
        if (old == null) {
            return;
        }
        for (RegionId region : remoteRegions(old)) {
            RegionState state = regions.get(region);
            if (state != null && state.targets.remove(id) != null) {
                dirty.add(region);
            }
        }
    }

    /**
     * Org and regions of an enabled target the hub holds; empty for others (look them up in
     * Postgres). Call on the hub's context.
     */
    public Optional<PgTargetStore.Placement> placement(TargetId id) {
        Target target = targets.get(id);
        return target == null ? Optional.empty() : Optional.of(new PgTargetStore.Placement(target.orgId(), target.regions()));
    }

    /**
     * {@code error} with the secret values of target {@code id}'s spec replaced by {@code ***}, when the
     * hub holds that target (agents redact their own results; this is the second line). Call on the
     * hub's context.
     */
    public String redact(TargetId id, String error) {
        Target target = targets.get(id);
        return target == null ? error : target.spec().redact(error);
    }

    private Set<RegionId> remoteRegions(Target target) {
        if (!target.enabled()) {
            return Set.of();
        }
        Set<RegionId> remote = new HashSet<>(target.regions());
        remote.remove(settings.localRegion());
        return remote;
    }

    // ---- agents ----

    /** The credentials of a registered agent; thread-safe. Empty for unknown or deleted agents. */
    public Optional<Credentials> credentials(UUID agentId) {
        return Optional.ofNullable(credentials.get(agentId));
    }

    /** A new agent registered; it becomes live at its first poll. */
    public Future<Void> registered(AgentRecord record) {
        return on(() -> {
            add(record);
            recount();
            LOG.info("agent {} ({}) registered in region {}", record.id(), record.name(), record.region());
            return null;
        });
    }

    /** Deletes an agent: its key stops working at once and its targets move to the others. */
    public Future<Boolean> delete(UUID agentId) {
        return store.deleteAgent(agentId).compose(existed -> on(() -> {
            AgentState agent = agents.get(agentId);
            if (agent != null) {
                forget(agent);
                LOG.info("agent {} ({}) deleted; its key is revoked", agentId, agent.record.name());
            }
            return existed;
        }));
    }

    /** Every registered agent with its status now, by region then name. */
    public Future<List<AgentView>> list() {
        return on(() -> {
            long now = clock.millis();
            List<AgentView> views = new ArrayList<>();
            for (AgentState agent : agents.values()) {
                views.add(new AgentView(agent.record.id(), agent.record.name(), agent.record.region().value(),
                        agent.record.version(), agent.status.wire(), Instant.ofEpochMilli(agent.lastSeenMs),
                        agent.record.registeredAt(), assignment(agent).size(), agent.droppedTotal));
            }
            views.sort(Comparator.comparing(AgentView::region).thenComparing(AgentView::name)
                    .thenComparing(AgentView::id));
            return views;
        });
    }

    /** Live agents of {@code region} now. */
    public Future<Integer> liveAgents(RegionId region) {
        return on(() -> live(region).size());
    }

    private void add(AgentRecord record) {
        AgentState agent = new AgentState(record);
        agents.put(record.id(), agent);
        credentials.put(record.id(), new Credentials(record.id(), record.region(), record.signingKey()));
    }

    private void forget(AgentState agent) {
        credentials.remove(agent.record.id());
        lastDrained.remove(agent.record.id());
        agents.remove(agent.record.id());
        answer(agent, new PollAnswer.Revoked());
        events.deleted(agent.record);
        if (agent.live) {
            dirty.add(agent.record.region());
            scheduleNotify();
        }
        recount();
    }

    // ---- work polls ----

    /**
     * A work poll of {@code agentId} that has seen region version {@code knownVersion}: answers at
     * once with a queued job or a newer assignment, else holds until one comes or the hold ends.
     * Must be called on the hub's context (the agent server's handlers are).
     */
    public Future<PollAnswer> poll(UUID agentId, long knownVersion) {
        AgentState agent = agents.get(agentId);
        if (agent == null) {
            return Future.succeededFuture(new PollAnswer.Revoked());
        }
        answer(agent, new PollAnswer.NoWork()); // a newer poll supersedes a held one
        seen(agent);
        Promise<PollAnswer> promise = Promise.promise();
        agent.poll = new HeldPoll(knownVersion, promise);
        holding.add(agentId);
        if (!agent.live) {
            evaluateLiveness();
        }
        // A new assignment first: queued jobs wait for the next poll, which follows at once.
        offerAssignment(agent);
        if (agent.poll != null && agent.poll.promise == promise) {
            dispatchJobs(regionOf(agent));
        }
        if (agent.poll != null && agent.poll.promise == promise) {
            agent.poll.timer = vertx.setTimer(settings.pollHold().toMillis(), id -> {
                if (agent.poll != null && agent.poll.promise == promise) {
                    answer(agent, new PollAnswer.NoWork());
                }
            });
        }
        return promise.future();
    }

    /** The agent's held poll ended without an answer (its connection closed). */
    public void pollClosed(UUID agentId, Future<PollAnswer> poll) {
        AgentState agent = agents.get(agentId);
        if (agent != null && agent.poll != null && agent.poll.promise.future() == poll) {
            answer(agent, new PollAnswer.NoWork());
        }
    }

    /** The agent sent something other than a poll (results, a job result): a heartbeat. */
    public void heard(UUID agentId) {
        AgentState agent = agents.get(agentId);
        if (agent != null) {
            seen(agent);
            if (!agent.live) {
                evaluateLiveness();
            }
        }
    }

    @Override
    public int connected() {
        return holding.size();
    }

    /** Closes the held poll of the agent drained longest ago (never drained first). */
    @Override
    public boolean disconnectOne() {
        while (true) {
            UUID pick = null;
            long pickDrained = Long.MAX_VALUE;
            for (UUID id : holding) {
                long drained = lastDrained.getOrDefault(id, Long.MIN_VALUE);
                if (pick == null || drained < pickDrained) {
                    pick = id;
                    pickDrained = drained;
                }
            }
            if (pick == null) {
                return false;
            }
            if (holding.remove(pick)) {
                UUID id = pick;
                lastDrained.put(id, System.nanoTime());
                context.runOnContext(v -> {
                    AgentState agent = agents.get(id);
                    if (agent != null) {
                        answer(agent, new PollAnswer.Drained());
                    }
                });
                return true;
            }
        }
    }

    private void offerAssignment(AgentState agent) {
        RegionState region = regionOf(agent);
        if (agent.poll != null && agent.poll.knownVersion != region.version) {
            List<Target> assigned = assignment(agent);
            answer(agent, new PollAnswer.Work(WorkResponse.assignment(region.version,
                    assigned.stream().map(WireTarget::of).toList())));
        }
    }

    private void answer(AgentState agent, PollAnswer answer) {
        HeldPoll poll = agent.poll;
        if (poll == null) {
            return;
        }
        agent.poll = null;
        holding.remove(agent.record.id());
        vertx.cancelTimer(poll.timer);
        poll.promise.tryComplete(answer);
    }

    private void seen(AgentState agent) {
        agent.lastSeenMs = Math.max(agent.lastSeenMs, clock.millis());
        scheduleExpiry();
    }

    // ---- assignment ----

    private RegionState regionOf(AgentState agent) {
        return regions.computeIfAbsent(agent.record.region(), RegionState::new);
    }

    private List<UUID> live(RegionId region) {
        List<UUID> live = new ArrayList<>();
        agents.values().forEach(agent -> {
            if (agent.live && agent.record.region().equals(region)) {
                live.add(agent.record.id());
            }
        });
        return live;
    }

    /** The targets {@code agent} checks now: its share of the region's set, none while not live. */
    private List<Target> assignment(AgentState agent) {
        RegionState region = regionOf(agent);
        if (region.cacheVersion != region.version) {
            List<UUID> live = live(region.id);
            Map<UUID, List<Target>> shares = new HashMap<>();
            live.forEach(id -> shares.put(id, new ArrayList<>()));
            for (Target target : region.targets.values()) {
                UUID owner = Rendezvous.owner(target.id(), live);
                if (owner != null) {
                    shares.get(owner).add(target);
                }
            }
            region.shares = shares;
            region.cacheVersion = region.version;
        }
        return region.shares.getOrDefault(agent.record.id(), List.of());
    }

    private void scheduleNotify() {
        if (dirty.isEmpty() || notifyTimer != -1) {
            return;
        }
        notifyTimer = vertx.setTimer(NOTIFY_DELAY_MS, id -> {
            notifyTimer = -1;
            notifyDirty();
        });
    }

    private void notifyDirty() {
        List<RegionId> changed = new ArrayList<>(dirty);
        dirty.clear();
        for (RegionId id : changed) {
            RegionState region = regions.computeIfAbsent(id, RegionState::new);
            region.version = Math.max(region.version + 1, clock.millis());
            for (AgentState agent : new ArrayList<>(agents.values())) {
                if (agent.record.region().equals(id)) {
                    offerAssignment(agent);
                }
            }
        }
    }

    // ---- liveness and status ----

    /** Recomputes who is live; a change of a region's live agents re-assigns its targets. */
    private void evaluateLiveness() {
        long now = clock.millis();
        long threshold = settings.threshold().toMillis();
        boolean changed = false;
        for (AgentState agent : agents.values()) {
            boolean live = now - agent.lastSeenMs <= threshold;
            if (live != agent.live) {
                agent.live = live;
                dirty.add(agent.record.region());
                changed = true;
            }
            AgentStatus status = live ? AgentStatus.OK : AgentStatus.NOT_REPORTING;
            if (status != agent.status) {
                LOG.info("agent {} ({}, region {}) is now {} (last seen {})", agent.record.id(), agent.record.name(),
                        agent.record.region(), status.wire(), Instant.ofEpochMilli(agent.lastSeenMs));
                agent.status = status;
                statusChanges.incrementAndGet();
                events.statusChanged(agent.record, status, Instant.ofEpochMilli(agent.lastSeenMs));
            }
        }
        if (changed) {
            recount();
            notifyDirty(); // at once: a silent agent's targets must move within the threshold
        }
        scheduleExpiry();
    }

    /**
     * One timer at the moment the next live agent would pass the threshold; worked out once per
     * event-loop turn however many agents were heard in it.
     */
    private void scheduleExpiry() {
        if (expiryPending) {
            return;
        }
        expiryPending = true;
        context.runOnContext(v -> {
            expiryPending = false;
            armExpiry();
        });
    }

    private void armExpiry() {
        long next = Long.MAX_VALUE;
        for (AgentState agent : agents.values()) {
            if (agent.live) {
                next = Math.min(next, agent.lastSeenMs + settings.threshold().toMillis() + 1);
            }
        }
        vertx.cancelTimer(expiryTimer);
        expiryTimer = -1;
        if (next != Long.MAX_VALUE) {
            expiryTimer = vertx.setTimer(Math.max(1, next - clock.millis()), id -> {
                expiryTimer = -1;
                evaluateLiveness();
            });
        }
    }

    private void recount() {
        int ok = 0;
        Set<RegionId> live = new HashSet<>();
        for (AgentState agent : agents.values()) {
            if (agent.live) {
                ok++;
                live.add(agent.record.region());
            }
        }
        okCount = ok;
        notReportingCount = agents.size() - ok;
        if (!live.equals(liveRegions)) {
            liveRegions = Set.copyOf(live);
            events.liveRegionsChanged(liveRegions);
        }
    }

    /** The periodic task: liveness, write-back to Postgres, auto-delete. */
    private void evaluate() {
        evaluateLiveness();
        long autoDelete = settings.autoDeleteAfter().toMillis();
        if (autoDelete > 0) {
            long now = clock.millis();
            for (AgentState agent : new ArrayList<>(agents.values())) {
                if (!agent.live && now - agent.lastSeenMs > autoDelete) {
                    UUID id = agent.record.id();
                    store.deleteAgent(id).onSuccess(existed -> context.runOnContext(v -> {
                        AgentState gone = agents.get(id);
                        if (gone != null) {
                            forget(gone);
                            autoDeleted.incrementAndGet();
                            LOG.info("agent {} ({}) deleted: silent since {}", id, gone.record.name(),
                                    Instant.ofEpochMilli(gone.lastSeenMs));
                        }
                    })).onFailure(error -> LOG.warn("auto-delete of agent {} failed: {}", id, error.getMessage()));
                }
            }
        }
        syncToStore();
    }

    private Future<Void> syncToStore() {
        return on(() -> {
            return syncRunning ? null : rows();
        }).compose(rows -> {
            if (rows == null) {
                return Future.succeededFuture();
            }
            syncRunning = true;
            return store.sync(rows)
                    .onFailure(error -> LOG.warn("writing agent status to postgres failed: {}", error.getMessage()))
                    .eventually(() -> on(() -> {
                        syncRunning = false;
                        return null;
                    }));
        });
    }

    private List<AgentStore.AgentSync> rows() {
        List<AgentStore.AgentSync> rows = new ArrayList<>();
        agents.values().forEach(agent -> rows.add(new AgentStore.AgentSync(agent.record.id(),
                Instant.ofEpochMilli(agent.lastSeenMs), agent.status, agent.ackedSeq)));
        return rows;
    }

    // ---- results ----

    /**
     * Marks a result batch of the agent as being stored; {@code false} when one already is (one
     * batch per agent at a time, so a resend never queues behind a slow first attempt). Call on the
     * hub's context; pair with {@link #endBatch}.
     */
    public boolean beginBatch(UUID agentId) {
        AgentState agent = agents.get(agentId);
        if (agent == null || agent.storingBatch) {
            return false;
        }
        agent.storingBatch = true;
        return true;
    }

    /** The agent's batch is settled (stored or failed). Call on the hub's context. */
    public void endBatch(UUID agentId) {
        AgentState agent = agents.get(agentId);
        if (agent != null) {
            agent.storingBatch = false;
        }
    }

    /**
     * The agent reported {@code cumulative} results dropped at its full write-ahead log since it
     * started; returns the increase since its last report (a smaller number means it restarted).
     * Call on the hub's context.
     */
    public Optional<Long> reportedDrops(UUID agentId, long cumulative) {
        AgentState agent = agents.get(agentId);
        if (agent == null || cumulative == agent.reportedDrops) {
            return Optional.empty();
        }
        long increase = cumulative > agent.reportedDrops ? cumulative - agent.reportedDrops : cumulative;
        agent.reportedDrops = cumulative;
        agent.droppedTotal += increase;
        return increase > 0 ? Optional.of(increase) : Optional.empty();
    }

    /**
     * The highest result sequence acknowledged to the agent, and whether the hub has read it from
     * Postgres in this process's life (before that, a batch may have been stored but not
     * acknowledged by a previous process, so ClickHouse is asked).
     */
    public record Ledger(long ackedSeq, boolean verified) {
    }

    /** The agent's ledger; empty for an unknown agent. Call on the hub's context. */
    public Optional<Ledger> ledger(UUID agentId) {
        AgentState agent = agents.get(agentId);
        return agent == null ? Optional.empty() : Optional.of(new Ledger(agent.ackedSeq, agent.verified));
    }

    /** Results up to {@code seq} of the agent are stored. Call on the hub's context. */
    public void acknowledged(UUID agentId, long seq) {
        AgentState agent = agents.get(agentId);
        if (agent != null) {
            agent.ackedSeq = Math.max(agent.ackedSeq, seq);
            agent.verified = true;
        }
    }

    /** The org of a known target (any region), for checking an agent's results. Call on the hub's context. */
    public Optional<OrgId> orgOf(TargetId target) {
        Target known = targets.get(target);
        return known == null ? Optional.empty() : Optional.of(known.orgId());
    }

    // ---- on-demand jobs ----

    /** Why an on-demand job did not produce a result. */
    public static final class JobFailure extends RuntimeException {
        /** {@code PROBE_UNAVAILABLE} or {@code PROBE_TIMEOUT}. */
        public final String code;

        JobFailure(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    /**
     * Runs {@code target} once on an agent of {@code region}, over a held poll, and returns its
     * result. Fails with {@link JobFailure} {@code PROBE_UNAVAILABLE} when the region has no live
     * agent, {@code PROBE_TIMEOUT} when no result came within the on-demand timeout. Thread-safe.
     */
    public Future<CheckResult> runOnce(Target target, RegionId region) {
        return on(() -> {
            List<UUID> live = live(region);
            if (live.isEmpty()) {
                throw new JobFailure("PROBE_UNAVAILABLE", "no live agent serves region " + region);
            }
            Job job = new Job(UUID.randomUUID().toString(), target, Promise.promise());
            jobs.put(job.id, job);
            RegionState state = regions.computeIfAbsent(region, RegionState::new);
            state.jobs.add(job);
            job.timer = vertx.setTimer(settings.onDemandTimeout().toMillis(), id -> {
                state.jobs.remove(job);
                jobs.remove(job.id);
                job.result.tryFail(new JobFailure("PROBE_TIMEOUT", "no result from region " + region + " within "
                        + settings.onDemandTimeout().toSeconds() + " s"));
            });
            dispatchJobs(state);
            return job.result.future();
        }).compose(result -> result);
    }

    /**
     * The result of job {@code jobId} from {@code agentId} (its error redacted with the job's spec);
     * {@code false} when there is no such job
     * waiting for this agent (timed out, or sent elsewhere). Call on the hub's context.
     */
    public boolean jobDone(UUID agentId, String jobId, CheckResult result) {
        Job job = jobs.get(jobId);
        if (job == null || !agentId.equals(job.agent)) {
            return false;
        }
        jobs.remove(jobId);
        vertx.cancelTimer(job.timer);
        // The agent redacts its results; the job's own spec is the second line.
        return job.result.tryComplete(result.withError(job.target.spec().redact(result.error())));
    }

    /** Hands queued jobs to agents of the region that hold a poll; {@code true} when any was handed out. */
    private boolean dispatchJobs(RegionState region) {
        boolean any = false;
        Iterator<Job> it = region.jobs.iterator();
        while (it.hasNext()) {
            Job job = it.next();
            List<UUID> live = live(region.id);
            UUID owner = Rendezvous.owner(job.target.id(), live);
            AgentState taker = owner == null ? null : agents.get(owner);
            if (taker == null || taker.poll == null) {
                taker = agents.values().stream()
                        .filter(a -> a.record.region().equals(region.id) && a.poll != null)
                        .findFirst().orElse(null);
            }
            if (taker == null) {
                return any;
            }
            it.remove();
            job.agent = taker.record.id();
            answer(taker, new PollAnswer.Work(WorkResponse.job(new WireJob(job.id, WireTarget.of(job.target)))));
            any = true;
        }
        return any;
    }

    // ---- plumbing ----

    /** Runs {@code work} on the hub's context; its exceptions fail the future. */
    private <T> Future<T> on(Supplier<T> work) {
        if (Vertx.currentContext() == context) {
            try {
                return Future.succeededFuture(work.get());
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        }
        Promise<T> promise = Promise.promise();
        context.runOnContext(v -> {
            try {
                promise.complete(work.get());
            } catch (RuntimeException e) {
                promise.fail(e);
            }
        });
        return promise.future();
    }

    /** Completes with {@code future}'s outcome on the hub's context. */
    public <T> Future<T> back(Future<T> future) {
        Promise<T> promise = Promise.promise();
        future.onComplete(done -> context.runOnContext(v -> promise.handle(done)));
        return promise.future();
    }

    private static final class AgentState {
        final AgentRecord record;
        long lastSeenMs;
        AgentStatus status;
        boolean live;
        HeldPoll poll;
        long ackedSeq;
        boolean verified;
        boolean storingBatch;
        long reportedDrops;
        long droppedTotal;

        AgentState(AgentRecord record) {
            this.record = record;
            this.lastSeenMs = record.lastSeen().toEpochMilli();
            this.status = record.status();
            this.ackedSeq = record.lastBatchSeq();
        }
    }

    private static final class HeldPoll {
        final long knownVersion;
        final Promise<PollAnswer> promise;
        long timer = -1;

        HeldPoll(long knownVersion, Promise<PollAnswer> promise) {
            this.knownVersion = knownVersion;
            this.promise = promise;
        }
    }

    private final class RegionState {
        final RegionId id;
        final Map<TargetId, Target> targets = new LinkedHashMap<>();
        final Deque<Job> jobs = new ArrayDeque<>();
        long version = clock.millis();
        long cacheVersion = -1;
        Map<UUID, List<Target>> shares = Map.of();

        RegionState(RegionId id) {
            this.id = id;
        }
    }

    private static final class Job {
        final String id;
        final Target target;
        final Promise<CheckResult> result;
        UUID agent;
        long timer = -1;

        Job(String id, Target target, Promise<CheckResult> result) {
            this.id = id;
            this.target = target;
            this.result = result;
        }
    }
}
