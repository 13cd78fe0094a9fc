package dev.heliograph.probe;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.check.Check;
import dev.heliograph.probe.check.CheckExecutors;
import dev.heliograph.probe.check.HttpCheckExecutor;
import dev.heliograph.probe.check.Outcome;
import dev.heliograph.probe.check.TcpCheckExecutor;
import dev.heliograph.probe.net.AddressGuard;
import dev.heliograph.probe.net.NameResolver;
import dev.heliograph.probe.pool.WorkerPool;
import dev.heliograph.probe.schedule.CheckScheduler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probe engine of one region: scheduler → worker pool → check executor → result sink. The
 * control plane runs one in-process for its own region; an agent runs one for its region.
 *
 * <p>Targets come in through {@link #apply}, {@link #remove} and {@link #sync}; only enabled
 * targets checked from this engine's region are scheduled. Every finished check goes to the sink;
 * a check that waited too long for a pool slot is recorded as {@code error} with
 * {@code "pool saturated"}.
 */
public final class ProbeEngine {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeEngine.class);

    private final Vertx vertx;
    private final EngineSettings settings;
    private final Clock clock;
    private final ResultSink sink;
    private final WorkerPool pool;
    private final CheckExecutors executors;
    private final AtomicLong completed = new AtomicLong();
    private CheckScheduler scheduler;

    private ProbeEngine(Vertx vertx, EngineSettings settings, Clock clock, ResultSink sink) {
        this.vertx = vertx;
        this.settings = settings;
        this.clock = clock;
        this.sink = sink;
        this.pool = new WorkerPool(vertx, settings.maxConcurrentChecks(), settings.maxQueueWait());
        NameResolver resolver = new NameResolver(vertx, settings.dnsTimeout(), settings.dnsMinTtl(),
                settings.dnsMaxTtl(), 100_000);
        AddressGuard guard = new AddressGuard(settings.allowedCidrs());
        this.executors = new CheckExecutors(
                new HttpCheckExecutor(vertx, resolver, guard, settings.agentId(), clock),
                new TcpCheckExecutor(vertx, resolver, guard, settings.agentId(), clock));
    }

    /** Starts an engine with no targets; completes once its scheduler lanes run. */
    public static Future<ProbeEngine> start(Vertx vertx, EngineSettings settings, Clock clock, ResultSink sink) {
        ProbeEngine engine = new ProbeEngine(vertx, settings, clock, sink);
        return CheckScheduler.start(vertx, settings.region(), settings.maxJitter(), clock, settings.lanes(), engine::dispatch)
                .map(scheduler -> {
                    engine.scheduler = scheduler;
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

    /** Stops checking {@code id}. */
    public void remove(TargetId id) {
        scheduler.remove(id);
    }

    /** Makes the schedule equal to the schedulable subset of {@code targets}. */
    public Future<Void> sync(Collection<Target> targets) {
        return scheduler.sync(targets.stream().filter(this::schedulable).toList());
    }

    /** Runs one check now, outside the schedule, through the same pool; used for on-demand checks. */
    public Future<CheckResult> runNow(Check check) {
        return pool.submit(() -> executors.forSpec(check.target().spec()).execute(check), () -> saturated(check));
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

    /** The number of targets scheduled now. */
    public Future<Integer> scheduledTargets() {
        return scheduler.size();
    }

    /** The worker pool, for its gauges. */
    public WorkerPool pool() {
        return pool;
    }

    /** Checks finished since start (including saturated ones). */
    public long completedChecks() {
        return completed.get();
    }

    private boolean schedulable(Target target) {
        return target.enabled() && target.checkedFrom(settings.region());
    }

    private void dispatch(Check check) {
        runNow(check).onComplete(done -> {
            completed.incrementAndGet();
            if (done.succeeded()) {
                sink.offer(done.result());
            } else {
                LOG.error("probe failed on target {}", check.target().id(), done.cause());
                sink.offer(Outcome.error("probe failure: " + done.cause().getClass().getSimpleName(), PhaseTimings.NONE)
                        .toResult(check, settings.agentId(), clock.instant()));
            }
        });
    }

    private CheckResult saturated(Check check) {
        return Outcome.error("pool saturated", PhaseTimings.NONE).toResult(check, settings.agentId(), clock.instant());
    }
}
