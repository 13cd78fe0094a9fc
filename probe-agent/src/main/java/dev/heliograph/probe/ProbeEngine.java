package dev.heliograph.probe;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.EngineSettings.BreakerSettings;
import dev.heliograph.probe.check.Check;
import dev.heliograph.probe.check.CheckExecutors;
import dev.heliograph.probe.check.Fault;
import dev.heliograph.probe.check.HttpCheckExecutor;
import dev.heliograph.probe.check.Outcome;
import dev.heliograph.probe.check.TcpCheckExecutor;
import dev.heliograph.probe.net.AddressGuard;
import dev.heliograph.probe.net.NameResolver;
import dev.heliograph.probe.pool.CheckGate;
import dev.heliograph.probe.pool.HostBreakers;
import dev.heliograph.probe.pool.HostBulkheads;
import dev.heliograph.probe.pool.WorkerPool;
import dev.heliograph.probe.schedule.CheckScheduler;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probe engine of one region: scheduler → circuit breaker → bulkhead → worker pool → check
 * executor → result sink. The control plane runs one in-process for its own region; an agent runs
 * one for its region.
 *
 * <p>Targets come in through {@link #apply}, {@link #remove} and {@link #sync}; only enabled
 * targets checked from this engine's region are scheduled. Every check ends as one result handed
 * to the sink: its verdict when it ran; {@code "circuit_open"} (with the target's last verdict)
 * when its host's breaker is open; {@code degraded} {@code "throttled: host concurrency cap"} when
 * its tenant already runs {@code maxChecksPerHost} checks of that host and port; {@code error}
 * {@code "pool saturated"} when it waited {@code maxQueueWait} for a pool slot in vain (see
 * {@link CheckGate}). Limits, allow-list, jitter, breaker and bulkhead settings change live through
 * {@link #reconfigure}. Meters are described on {@code EngineMetrics}.
 */
public final class ProbeEngine {
    /**
     * Most per-host circuit breakers kept; beyond it the least used are dropped (and come back
     * closed). About 1.8 KB each with a 20-check window, so at most about 40 MB.
     */
    static final long MAX_BREAKERS = 20_000;
    /** Most per-tenant host bulkheads kept; about 0.7 KB each, so at most about 35 MB. */
    static final long MAX_BULKHEADS = 50_000;
    /** Most last verdicts kept for circuit-open results (one per target, about 100 bytes each). */
    static final long MAX_VERDICTS = 200_000;
    /** A breaker or bulkhead not used this long is dropped. */
    static final Duration IDLE_AFTER = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(ProbeEngine.class);

    private final Vertx vertx;
    private final Clock clock;
    private final ResultSink sink;
    private final WorkerPool pool;
    private final AtomicReference<AddressGuard> guard;
    private final CheckExecutors executors;
    private final EngineMetrics metrics;
    private final CheckGate gate;
    private volatile EngineSettings settings;
    private CheckScheduler scheduler;

    private ProbeEngine(Vertx vertx, EngineSettings settings, Clock clock, ResultSink sink, MeterRegistry registry) {
        this.vertx = vertx;
        this.settings = settings;
        this.clock = clock;
        this.sink = sink;
        // Everything that validates settings comes first, so a refused value leaves nothing open.
        this.pool = new WorkerPool(vertx, settings.maxConcurrentChecks(), settings.maxQueueWait());
        this.guard = new AtomicReference<>(new AddressGuard(settings.allowedCidrs()));
        HostBreakers breakers = breakers(settings.breaker());
        HostBulkheads bulkheads = bulkheads(settings.maxChecksPerHost());
        this.metrics = new EngineMetrics(registry, settings.region(), pool, this::currentBreakers);
        this.gate = new CheckGate(pool, breakers, bulkheads, MAX_VERDICTS, settings.agentId(), clock, metrics::throttled);
        NameResolver resolver = new NameResolver(vertx, settings.dnsTimeout(), settings.dnsMinTtl(),
                settings.dnsMaxTtl(), 100_000);
        this.executors = new CheckExecutors(
                new HttpCheckExecutor(vertx, resolver, guard::get, settings.agentId(), clock),
                new TcpCheckExecutor(vertx, resolver, guard::get, settings.agentId(), clock));
    }

    /**
     * Starts an engine with no targets; completes once its scheduler lanes run. Its meters are
     * registered in {@code registry} (one engine per registry: a second one's gauges are ignored).
     * Fails with {@link IllegalArgumentException} for settings out of range (for example a breaker
     * failure rate outside 1..100 or fewer than 1 pool slot).
     */
    public static Future<ProbeEngine> start(Vertx vertx, EngineSettings settings, Clock clock, ResultSink sink,
                                            MeterRegistry registry) {
        ProbeEngine engine;
        try {
            engine = new ProbeEngine(vertx, settings, clock, sink, registry);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        return CheckScheduler.start(vertx, settings.region(), settings.maxJitter(), settings.firstTickWindow(), clock,
                        settings.lanes(), engine::dispatch)
                .map(scheduler -> {
                    engine.scheduler = scheduler;
                    LOG.info("probe engine started in region {}: {} lanes, {} transport", settings.region().value(), settings.lanes(),
                            vertx.isNativeTransportEnabled() ? "native epoll" : "JDK NIO");
                    return engine;
                });
    }

    /** Schedules, reschedules or unschedules {@code target} according to its current state. */
    public void apply(Target target) {
        if (schedulable(target)) {
            scheduler.upsert(target);
        } else {
            scheduler.remove(target.id());
        }
    }

    /** Stops checking {@code id} and forgets its last verdict. */
    public void remove(TargetId id) {
        scheduler.remove(id);
        gate.forget(id);
    }

    /** Makes the schedule equal to the schedulable subset of {@code targets}. */
    public Future<Void> sync(Collection<Target> targets) {
        return scheduler.sync(targets.stream().filter(this::schedulable).toList());
    }

    /**
     * Runs one check now, outside the schedule, through the same breaker, bulkhead and pool; used for
     * on-demand checks. Never fails: a probe failure (a bug in an executor) is logged and becomes an
     * {@code error} result {@code "probe failure: <exception>"}. The result is counted in the meters
     * and seen by the schedule's retry rule (a failing on-demand check of a scheduled target is
     * re-checked sooner, see {@code ScheduleLane}), but not handed to the sink.
     */
    public Future<CheckResult> runNow(Check check) {
        return gate.submit(check, () -> execute(check))
                .recover(failure -> {
                    LOG.error("probe failed on target {}", check.target().id(), failure);
                    String error = "probe failure: " + failure.getClass().getSimpleName();
                    return Future.succeededFuture(Outcome.error(new Fault(Failure.INTERNAL, error), PhaseTimings.NONE)
                            .toResult(check, settings.agentId(), clock.instant()));
                })
                .onSuccess(result -> {
                    metrics.counted(result);
                    scheduler.observed(result);
                });
    }

    /**
     * Applies the live part of {@code next} without a restart and without dropping checks in flight:
     * pool size (shrinking lets running checks finish), longest queue wait (for checks submitted from
     * now on), jitter (from each target's next tick), allowed networks (from the next connection),
     * breaker and bulkhead settings (when changed, new breakers and bulkheads replace all current
     * ones, closed and empty; checks in flight release against the old ones). Region, agent id,
     * lanes, DNS settings and the first-tick window are not live: they keep their old values.
     *
     * @return the names of the settings that changed but need a restart (e.g. {@code "lanes"});
     *         empty when everything applied
     * @throws IllegalArgumentException when a live value is out of range; then nothing changed
     */
    public synchronized List<String> reconfigure(EngineSettings next) {
        EngineSettings current = settings;
        requireLiveValuesValid(next);
        AddressGuard nextGuard = new AddressGuard(next.allowedCidrs());
        HostBreakers nextBreakers = next.breaker().equals(current.breaker()) ? null : breakers(next.breaker());
        HostBulkheads nextBulkheads = next.maxChecksPerHost() == current.maxChecksPerHost() ? null
                : bulkheads(next.maxChecksPerHost());
        pool.resize(next.maxConcurrentChecks());
        pool.maxWait(next.maxQueueWait());
        scheduler.maxJitter(next.maxJitter());
        guard.set(nextGuard);
        if (nextBreakers != null) {
            gate.breakers(nextBreakers);
        }
        if (nextBulkheads != null) {
            gate.bulkheads(nextBulkheads);
        }
        settings = new EngineSettings(current.region(), current.agentId(), next.maxConcurrentChecks(),
                next.maxQueueWait(), next.maxJitter(), current.lanes(), next.allowedCidrs(), current.dnsTimeout(),
                current.dnsMinTtl(), current.dnsMaxTtl(), next.breaker(), next.maxChecksPerHost(),
                current.firstTickWindow());
        List<String> restartRequired = restartRequired(current, next);
        LOG.info("probe engine reconfigured: {} pool slots, queue wait {} ms, jitter {} ms, {} allowed networks, "
                        + "breakers {}, bulkheads {}{}", next.maxConcurrentChecks(), next.maxQueueWait().toMillis(),
                next.maxJitter().toMillis(), next.allowedCidrs().size(), nextBreakers == null ? "kept" : "renewed",
                nextBulkheads == null ? "kept" : "renewed",
                restartRequired.isEmpty() ? "" : "; restart required for " + restartRequired);
        return restartRequired;
    }

    /** The settings in effect now: those of {@link #start} with the live ones of the last {@link #reconfigure}. */
    public EngineSettings settings() {
        return settings;
    }

    /**
     * Stops scheduling, then waits up to {@code grace} for checks in flight to finish (their results
     * reach the sink). Completes with {@code true} when all finished in time.
     */
    public Future<Boolean> shutdown(Duration grace) {
        Promise<Boolean> drained = Promise.promise();
        scheduler.stop().onComplete(stopped -> {
            long timer = vertx.setTimer(Math.max(1, grace.toMillis()), id -> drained.tryComplete(false));
            pool.whenIdle().onComplete(idle -> {
                vertx.cancelTimer(timer);
                drained.tryComplete(true);
            });
        });
        return drained.future().onSuccess(clean -> {
            if (!clean) {
                LOG.warn("shutdown: {} checks still in flight after {} ms", pool.running(), grace.toMillis());
            }
        });
    }

    /** The worker pool, for its gauges. */
    public WorkerPool pool() {
        return pool;
    }

    private boolean schedulable(Target target) {
        return target.enabled() && target.checkedFrom(settings.region());
    }

    private void dispatch(Check check) {
        runNow(check).onSuccess(sink::offer);
    }

    /** Runs {@code check} in its pool slot: records its scheduler lag and, once done, its times. */
    private Future<CheckResult> execute(Check check) {
        metrics.started(check, clock.instant());
        return executors.forSpec(check.target().spec()).execute(check).onSuccess(metrics::ran);
    }

    /** The breakers in use now (read by the breaker-state gauges at each scrape). */
    private HostBreakers currentBreakers() {
        return gate.breakers();
    }

    private HostBreakers breakers(BreakerSettings breaker) {
        return new HostBreakers(breaker, clock, MAX_BREAKERS, IDLE_AFTER, this::transitioned);
    }

    /** Counts a breaker state change (the listener of every breaker; breakers may exist before the meters). */
    private void transitioned(CircuitBreaker.State to) {
        metrics.transition(to);
    }

    private static HostBulkheads bulkheads(int maxChecksPerHost) {
        return new HostBulkheads(maxChecksPerHost, MAX_BULKHEADS, IDLE_AFTER);
    }

    private static void requireLiveValuesValid(EngineSettings next) {
        if (next.maxConcurrentChecks() < 1) {
            throw new IllegalArgumentException("maxConcurrentChecks must be at least 1, was " + next.maxConcurrentChecks());
        }
        if (next.maxQueueWait().isNegative() || next.maxJitter().isNegative()) {
            throw new IllegalArgumentException("maxQueueWait and maxJitter must not be negative");
        }
        Objects.requireNonNull(next.allowedCidrs(), "allowedCidrs");
    }

    private static List<String> restartRequired(EngineSettings current, EngineSettings next) {
        List<String> names = new ArrayList<>();
        addIfChanged(names, "region", current.region(), next.region());
        addIfChanged(names, "agentId", current.agentId(), next.agentId());
        addIfChanged(names, "lanes", current.lanes(), next.lanes());
        addIfChanged(names, "dnsTimeout", current.dnsTimeout(), next.dnsTimeout());
        addIfChanged(names, "dnsMinTtl", current.dnsMinTtl(), next.dnsMinTtl());
        addIfChanged(names, "dnsMaxTtl", current.dnsMaxTtl(), next.dnsMaxTtl());
        addIfChanged(names, "firstTickWindow", current.firstTickWindow(), next.firstTickWindow());
        return List.copyOf(names);
    }

    private static void addIfChanged(List<String> names, String name, Object current, Object next) {
        if (!Objects.equals(current, next)) {
            names.add(name);
        }
    }
}
