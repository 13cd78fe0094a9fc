package dev.heliograph.probe;

import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.probe.check.Check;
import dev.heliograph.probe.pool.HostBreakers;
import dev.heliograph.probe.pool.WorkerPool;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The engine's meters, registered once at start. Names are Micrometer's dotted form; Prometheus
 * exports them as {@code heliograph_checks_total{kind,status,region}},
 * {@code heliograph_check_duration_seconds{kind,region}} (histogram of {@code total_ms}),
 * {@code heliograph_check_phase_seconds{phase,kind}} (dns, connect, tls, ttfb; a phase that did not
 * happen is not recorded), {@code heliograph_scheduler_lag_seconds} (actual − planned start),
 * {@code heliograph_pool_in_flight}, {@code heliograph_pool_waiting}, {@code heliograph_pool_capacity},
 * {@code heliograph_pool_saturated_total}, {@code heliograph_breaker_state{state}} (breakers in each
 * state), {@code heliograph_breaker_transitions_total{to}} and
 * {@code heliograph_bulkhead_rejections_total}. Labels take a few fixed values each (no host or
 * target), so the series count stays bounded. Thread-safe.
 */
final class EngineMetrics {
    private static final List<State> BREAKER_STATES = List.of(State.CLOSED, State.OPEN, State.HALF_OPEN);

    private final Map<CheckKind, Map<Status, Counter>> checks = new EnumMap<>(CheckKind.class);
    private final Map<CheckKind, Timer> durations = new EnumMap<>(CheckKind.class);
    private final Map<CheckKind, Map<Phase, Timer>> phases = new EnumMap<>(CheckKind.class);
    private final Map<State, Counter> transitions = new EnumMap<>(State.class);
    private final Timer lag;
    private final Counter bulkheadRejections;

    /** The phases of a check that get their own histogram, and where each is read from. */
    private enum Phase {
        DNS(PhaseTimings::dnsMs), CONNECT(PhaseTimings::connectMs), TLS(PhaseTimings::tlsMs), TTFB(PhaseTimings::ttfbMs);

        final ToDoubleFunction<PhaseTimings> millis;

        Phase(ToDoubleFunction<PhaseTimings> millis) {
            this.millis = millis;
        }
    }

    /**
     * Registers every meter in {@code registry}: counters and timers for each kind and status now
     * (so series exist before the first check), gauges reading {@code pool} and the breakers in use
     * at each scrape.
     */
    EngineMetrics(MeterRegistry registry, RegionId region, WorkerPool pool, Supplier<HostBreakers> breakers) {
        for (CheckKind kind : CheckKind.values()) {
            Map<Status, Counter> byStatus = new EnumMap<>(Status.class);
            for (Status status : Status.values()) {
                byStatus.put(status, Counter.builder("heliograph.checks").description("Checks finished, by verdict")
                        .tags("kind", kind.wire(), "status", status.wire(), "region", region.value()).register(registry));
            }
            checks.put(kind, byStatus);
            durations.put(kind, Timer.builder("heliograph.check.duration").description("Whole check (total_ms)")
                    .tags("kind", kind.wire(), "region", region.value()).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(2))
                    .register(registry));
            phases.put(kind, phaseTimers(registry, kind));
        }
        lag = Timer.builder("heliograph.scheduler.lag").description("Actual start of a check minus its planned start")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(1)).register(registry);
        bulkheadRejections = Counter.builder("heliograph.bulkhead.rejections")
                .description("Checks throttled by a tenant's host concurrency cap").register(registry);
        registerPool(registry, pool);
        for (State state : BREAKER_STATES) {
            Gauge.builder("heliograph.breaker.state", () -> breakers.get().countIn(state))
                    .description("Per-host circuit breakers in each state").tag("state", HostBreakers.wire(state))
                    .register(registry);
            transitions.put(state, Counter.builder("heliograph.breaker.transitions")
                    .description("Circuit breaker state changes, by new state").tag("to", HostBreakers.wire(state))
                    .register(registry));
        }
    }

    /** Counts a finished check by kind, status and region (every result the engine hands over). */
    void counted(CheckResult result) {
        checks.get(result.kind()).get(result.status()).increment();
    }

    /** Records the duration and phase times of a check that ran (not of a short-circuited one). */
    void ran(CheckResult result) {
        PhaseTimings timings = result.timings();
        durations.get(result.kind()).record(nanos(timings.totalMs()), TimeUnit.NANOSECONDS);
        phases.get(result.kind()).forEach((phase, timer) -> {
            double ms = phase.millis.applyAsDouble(timings);
            if (ms > 0) {
                timer.record(nanos(ms), TimeUnit.NANOSECONDS);
            }
        });
    }

    /** Records how late {@code check} starts at {@code now}; an early start counts as no lag. */
    void started(Check check, Instant now) {
        Duration late = Duration.between(check.scheduledAt(), now);
        lag.record(late.isNegative() ? Duration.ZERO : late);
    }

    /** Counts a breaker moving to {@code to}. */
    void transition(State to) {
        Counter counter = transitions.get(to);
        if (counter != null) {
            counter.increment();
        }
    }

    /** Counts a check rejected by a bulkhead. */
    void throttled() {
        bulkheadRejections.increment();
    }

    private static Map<Phase, Timer> phaseTimers(MeterRegistry registry, CheckKind kind) {
        Map<Phase, Timer> timers = new EnumMap<>(Phase.class);
        for (Phase phase : Phase.values()) {
            // A few fixed buckets instead of a percentile histogram: 8 series × 12 buckets.
            timers.put(phase, Timer.builder("heliograph.check.phase").description("One phase of a check")
                    .tags("phase", phase.name().toLowerCase(Locale.ROOT), "kind", kind.wire())
                    .serviceLevelObjectives(millis(5), millis(10), millis(25), millis(50), millis(100), millis(250),
                            millis(500), millis(1_000), millis(2_500), millis(5_000), millis(10_000))
                    .register(registry));
        }
        return timers;
    }

    private static void registerPool(MeterRegistry registry, WorkerPool pool) {
        Gauge.builder("heliograph.pool.in.flight", pool, WorkerPool::running)
                .description("Checks holding a worker-pool slot").strongReference(true).register(registry);
        Gauge.builder("heliograph.pool.waiting", pool, WorkerPool::waiting)
                .description("Checks waiting for a worker-pool slot").strongReference(true).register(registry);
        Gauge.builder("heliograph.pool.capacity", pool, WorkerPool::capacity)
                .description("Worker-pool slots").strongReference(true).register(registry);
        FunctionCounter.builder("heliograph.pool.saturated", pool, WorkerPool::saturatedTotal)
                .description("Checks not run because no pool slot freed in time").register(registry);
    }

    private static Duration millis(long ms) {
        return Duration.ofMillis(ms);
    }

    private static long nanos(double ms) {
        return Math.round(ms * 1_000_000);
    }
}
