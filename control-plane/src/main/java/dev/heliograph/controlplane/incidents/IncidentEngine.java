package dev.heliograph.controlplane.incidents;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides incidents from results as they arrive (fed by the result pipeline, never by polling
 * ClickHouse) and stores each decision with its notifications in one PostgreSQL transaction.
 *
 * <p>One writer per target: every input of a target (its results, re-evaluations, acknowledge and
 * resolve from the API) is handled in order, and the next batch of a target waits until the previous
 * one is stored ({@link TargetSlot}). All state lives on this verticle's event loop; {@link #offer} and
 * the notifications from the registry, the hub and the maintenance schedule are thread-safe and hop
 * onto it. Only targets with something to remember (a failure streak, an incident, recent changes)
 * have a slot; a result that cannot change a clean target costs one map look-up. With several
 * control planes, each would own a partition of the targets and feed this engine only their results;
 * nothing here assumes it sees other targets.
 *
 * <p>A failed write (PostgreSQL away) keeps the target's inputs and retries them after a backoff of 1
 * s doubling to 32 s with jitter; a write refused for good (a constraint) starts the target again from
 * what is stored. Inputs beyond {@value #MAX_PENDING} waiting for one target are dropped, oldest first,
 * and counted; an API caller among them gets an error.
 */
public final class IncidentEngine extends VerticleBase implements dev.heliograph.controlplane.registry.TargetRegistry.TargetListener {
    private static final Logger LOG = LoggerFactory.getLogger(IncidentEngine.class);
    /** Most inputs kept waiting for one target. */
    static final int MAX_PENDING = 1000;
    private static final int BATCH = 500;
    private static final Duration SWEEP = Duration.ofSeconds(30);
    /** Backoff of a failed write: 1 s doubling to 32 s, each ±50 % (so targets do not retry in step after an outage). */
    private static final io.github.resilience4j.core.IntervalFunction BACKOFF =
            io.github.resilience4j.core.IntervalFunction.ofExponentialRandomBackoff(1_000L, 2.0, 0.5);

    /**
     * What the engine asks of the rest of the control plane.
     *
     * @param refreshRouting re-reads the notification policies and alert channels (after a write refused
     *                       because a channel it routed to was deleted meanwhile)
     */
    public record Wiring(SilentRegions silentRegions, BiPredicate<Target, java.time.Instant> muted, Confirmations confirmations,
                         Runnable notificationsWritten, java.util.function.Supplier<Future<Void>> refreshRouting) {
    }

    private final PgIncidentStore store;
    private final IncidentPlanner planner;
    private final Clock clock;
    private final Wiring wiring;
    private final ConcurrentLinkedQueue<CheckResult> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final EngineCounters counters = new EngineCounters();
    // Event-loop state (the index's target() may be read from any thread):
    private final EngineIndex index = new EngineIndex();
    private final Map<TargetId, TargetSlot> slots = new HashMap<>();
    private PgIncidentStore.Loaded loaded;
    private long sweepTimer = -1;

    public IncidentEngine(PgIncidentStore store, IncidentPlanner planner, Clock clock, Wiring wiring) {
        this.store = store;
        this.planner = planner;
        this.clock = clock;
        this.wiring = wiring;
    }

    /** Loads the stored target states and active incidents, so a restart neither forgets an outage nor alerts twice. */
    @Override
    public Future<?> start() {
        return store.load().map(state -> {
            loaded = state;
            state.slotStates(clock.instant()).forEach((id, restored) -> slot(id).state = restored);
            slots.values().forEach(slot -> index.index(null, slot.state));
            sweepTimer = vertx.setPeriodic(SWEEP.toMillis(), id -> sweep());
            LOG.info("incident engine started: {} targets with state, {} active incidents", state.health().size(), state.incidents().size());
            return null;
        });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(sweepTimer);
        return Future.succeededFuture();
    }

    /** The enabled target {@code id} as the engine knows it, or {@code null}; thread-safe. */
    public Target target(TargetId id) {
        return index.target(id);
    }

    /** Agent incidents loaded at start (for {@link AgentIncidents}). */
    public List<Tracked> loadedAgentIncidents() {
        return loaded == null ? List.of() : loaded.incidents().stream().filter(t -> t.incident().agentId() != null).toList();
    }

    /**
     * Registers {@code heliograph_incidents_open{kind}}, {@code heliograph_incident_decisions_total},
     * {@code heliograph_incident_writes_failed_total} and {@code heliograph_incident_inputs_dropped_total}.
     */
    public void bindTo(MeterRegistry registry) {
        counters.bindTo(registry, index.openByKind());
    }

    // ---- inputs ----

    /** A result arrived (any thread, never blocks). */
    public void offer(CheckResult result) {
        inbox.add(result);
        if (drainScheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> drain());
        }
    }

    /** A target was created or changed (any thread): disabled ones end their incidents ({@code target paused}). */
    @Override
    public void apply(Target target) {
        context.runOnContext(v -> {
            if (!target.enabled()) {
                forget(target.id(), "target paused");
                return;
            }
            index.remember(target);
            TargetSlot slot = slots.get(target.id());
            if (slot != null) {
                enqueue(slot, new Input.Reevaluate());
            }
        });
    }

    /** A target was deleted (any thread). */
    @Override
    public void remove(TargetId id) {
        context.runOnContext(v -> forget(id, "target deleted"));
    }

    /** The full set of enabled targets, re-read (any thread). */
    @Override
    public void sync(Collection<Target> all) {
        List<Target> copy = List.copyOf(all);
        context.runOnContext(v -> {
            Set<TargetId> seen = new HashSet<>();
            for (Target target : copy) {
                seen.add(target.id());
                Target before = index.remember(target);
                TargetSlot slot = slots.get(target.id());
                if (slot != null && before != null && before.version() != target.version()) {
                    enqueue(slot, new Input.Reevaluate());
                }
            }
            index.targetIds().stream().filter(id -> !seen.contains(id)).forEach(id -> forget(id, "target deleted or paused"));
            new ArrayList<>(slots.keySet()).stream().filter(id -> !seen.contains(id)).forEach(id -> forget(id, "target deleted or paused"));
        });
    }

    /** Targets of {@code org} (every org when {@code null}) decide again: a maintenance window started or ended, regions went silent. */
    public void reevaluate(OrgId org) {
        context.runOnContext(v -> slots.values().forEach(slot -> {
            Target target = index.target(slot.id);
            if (target != null && (org == null || target.orgId().equals(org))) {
                enqueue(slot, new Input.Reevaluate());
            }
        }));
    }

    /**
     * Acknowledges an active incident of a target; fails with {@link IncidentPlanner.IncidentGone} when
     * no target of this engine has it active (resolved, or an agent incident).
     */
    public Future<Incident> acknowledge(UUID incident, String by, String note) {
        Promise<Incident> answer = Promise.promise();
        context.runOnContext(v -> route(incident, answer, new Input.Acknowledge(incident, by, note, answer)));
        return answer.future();
    }

    /** Resolves an active incident of a target by hand; fails like {@link #acknowledge}. */
    public Future<Incident> resolve(UUID incident, String by, String note) {
        Promise<Incident> answer = Promise.promise();
        context.runOnContext(v -> route(incident, answer, new Input.Resolve(incident, by, note, answer)));
        return answer.future();
    }

    private void route(UUID incident, Promise<Incident> answer, Input input) {
        TargetId target = index.incidentTarget(incident);
        TargetSlot slot = target == null ? null : slots.get(target);
        if (slot == null) {
            answer.fail(new IncidentPlanner.IncidentGone(incident));
        } else {
            enqueue(slot, input);
        }
    }

    private void drain() {
        drainScheduled.set(false);
        CheckResult result;
        while ((result = inbox.poll()) != null) {
            Target target = index.target(result.targetId());
            if (target == null) {
                continue; // deleted, paused, or not ours
            }
            TargetSlot slot = slots.get(result.targetId());
            if (slot == null && (result.status() == Status.UP || !DecisionRules.countable(result))) {
                continue; // cannot change a clean target
            }
            enqueue(slot == null ? slot(result.targetId()) : slot, new Input.Result(result));
        }
    }

    private void forget(TargetId id, String why) {
        index.forget(id);
        TargetSlot slot = slots.get(id);
        if (slot != null) {
            enqueue(slot, new Input.Removed(why));
        }
    }

    private void enqueue(TargetSlot slot, Input input) {
        if (slot.pending.size() >= MAX_PENDING) {
            Input.refuse(slot.pending.pollFirst(), new IllegalStateException("the incident engine has too much waiting for this target; try again"));
            counters.dropped.incrementAndGet();
        }
        slot.pending.addLast(input);
        if (!slot.busy && slot.retryTimer == -1) {
            process(slot);
        }
    }

    // ---- deciding and storing ----

    private void process(TargetSlot slot) {
        if (slot.pending.isEmpty()) {
            release(slot);
            return;
        }
        Target target = index.target(slot.id);
        List<Input> inputs = new ArrayList<>();
        while (!slot.pending.isEmpty() && inputs.size() < BATCH) {
            inputs.add(slot.pending.pollFirst());
        }
        if (target == null) {
            // Only a removal makes sense now; answers fail, results are dropped.
            inputs.removeIf(input -> !(input instanceof Input.Removed) && !(input instanceof Input.Acknowledge)
                    && !(input instanceof Input.Resolve));
            if (inputs.isEmpty()) {
                release(slot);
                return;
            }
            target = slot.lastTarget != null ? slot.lastTarget : Orphans.target(slot.state);
            if (target == null) {
                inputs.forEach(input -> Input.refuse(input, null));
                slot.state = new SlotState(TargetHealth.clean(clock.instant()), null, null, null);
                // Nothing to resolve: forget the stored state too, or a restart would bring it back.
                store.commit(List.of(new Op.DeleteHealth(slot.id))).onFailure(error -> LOG.warn(
                        "forgetting the stored state of removed target {} failed: {}", slot.id, error.getMessage()));
                release(slot);
                return;
            }
        }
        slot.lastTarget = target;
        IncidentPlanner.Step step = planner.plan(slot.state, target, inputs, context(target));
        if (step.ops().isEmpty()) {
            done(slot, step, Map.of());
            return;
        }
        slot.busy = true;
        store.commit(step.ops()).onComplete(stored -> {
            slot.busy = false;
            if (stored.succeeded()) {
                slot.failures = 0;
                slot.refusals = 0;
                counters.decisions.incrementAndGet();
                done(slot, step, stored.result());
                wiring.notificationsWritten().run();
            } else {
                retry(slot, inputs, stored.cause());
            }
        });
    }

    private void done(TargetSlot slot, IncidentPlanner.Step step, Map<UUID, Map<UUID, Subscription>> left) {
        SlotState before = slot.state;
        SlotState after = step.state();
        if (after.problem() != null && left.containsKey(after.problem().incident().id())) {
            after = new SlotState(after.health(), new Tracked(after.problem().incident(), left.get(after.problem().incident().id())),
                    after.config(), after.last());
        }
        slot.state = after;
        index.index(before, after);
        step.answers().forEach(answer -> {
            if (answer.failure() != null) {
                answer.promise().tryFail(answer.failure());
            } else {
                answer.promise().tryComplete(answer.incident());
            }
        });
        Target target = slot.lastTarget;
        for (Effect effect : step.effects()) {
            switch (effect) {
                case Effect.Confirm confirm -> wiring.confirmations().request(target, confirm.failing(),
                        wiring.silentRegions().of(target.regions()));
                case Effect.ParentDown down -> children(target).forEach(child -> enqueue(child, new Input.ParentDown(down.incident())));
                case Effect.ParentUp ignored -> children(target).forEach(child -> enqueue(child, new Input.Reevaluate()));
            }
        }
        process(slot);
    }

    private void retry(TargetSlot slot, List<Input> inputs, Throwable cause) {
        counters.failedWrites.incrementAndGet();
        if (PgIncidentStore.refused(cause)) {
            restore(slot, inputs, cause);
            return;
        }
        slot.putBack(inputs);
        slot.failures++;
        long delay = BACKOFF.apply(Math.min(slot.failures, 6));
        if (slot.failures == 1 || slot.failures % 10 == 0) {
            LOG.warn("storing the incident state of target {} failed (attempt {}), retrying in {} ms: {}", slot.id, slot.failures, delay,
                    cause.getMessage());
        }
        slot.retryTimer = vertx.setTimer(delay, id -> {
            slot.retryTimer = -1;
            process(slot);
        });
    }

    /**
     * The database refused the write for good (an integrity constraint: a channel deleted meanwhile, or
     * the same decision stored already by a commit whose answer was lost). Retrying the same plan would
     * fail forever; instead the target starts again from what is stored, with the routing read again,
     * and its inputs are planned once more from there. Refused twice in a row, the inputs are dropped
     * (and counted).
     */
    private void restore(TargetSlot slot, List<Input> inputs, Throwable cause) {
        slot.refusals++;
        LOG.warn("the database refused the incident state of target {} ({}); reading it back and deciding again{}", slot.id,
                cause.getMessage(), slot.refusals > 1 ? ", without the inputs that were refused twice" : "");
        slot.busy = true;
        Future<PgIncidentStore.Loaded> stored = store.loadTarget(slot.id);
        Future.join(stored, wiring.refreshRouting().get()).onComplete(read -> {
            slot.busy = false;
            if (stored.failed()) {
                retry(slot, inputs, stored.cause());
                return;
            }
            SlotState before = slot.state;
            SlotState after = stored.result().slotStates(clock.instant()).getOrDefault(slot.id,
                    new SlotState(TargetHealth.clean(clock.instant()), null, null, null));
            slot.state = new SlotState(after.health(), after.problem(), after.config(),
                    after.problem() != null ? after.problem().incident() : before.last());
            index.index(before, slot.state);
            if (slot.refusals > 1) {
                slot.refusals = 0;
                counters.dropped.addAndGet(inputs.size());
                inputs.forEach(input -> Input.refuse(input, new IllegalStateException("the database refused this change: "
                        + cause.getMessage())));
            } else {
                slot.putBack(inputs);
            }
            process(slot);
        });
    }

    /** Drops a slot that has nothing left to remember or do. */
    private void release(TargetSlot slot) {
        if (slot.idle()) {
            slots.remove(slot.id);
        }
    }

    private IncidentPlanner.Context context(Target target) {
        java.time.Instant now = clock.instant();
        UUID parentDown = null;
        if (target.rules().parent() != null) {
            TargetId parentId = index.byKey(target.orgId(), target.rules().parent());
            TargetSlot parent = parentId == null ? null : slots.get(parentId);
            Tracked problem = parent == null ? null : parent.state.problem();
            if (problem != null && problem.incident().kind() == IncidentKind.DOWN) {
                parentDown = problem.incident().id();
            }
        }
        return new IncidentPlanner.Context(now, wiring.silentRegions().of(target.regions()), wiring.muted().test(target, now), parentDown,
                index::activeDown);
    }

    /** Slots of targets of {@code parent}'s org that name it as their parent. */
    private List<TargetSlot> children(Target parent) {
        return index.children(parent, slots.keySet()).stream().map(slots::get).toList();
    }

    /** Regular upkeep: flap windows that passed, recent changes to forget. */
    private void sweep() {
        slots.values().forEach(slot -> {
            if (slot.state.health().flapping() || !slot.state.health().transitions().isEmpty()) {
                enqueue(slot, new Input.Reevaluate());
            }
        });
    }

    private TargetSlot slot(TargetId id) {
        return slots.computeIfAbsent(id, key -> new TargetSlot(key, new SlotState(TargetHealth.clean(clock.instant()), null, null, null)));
    }
}
