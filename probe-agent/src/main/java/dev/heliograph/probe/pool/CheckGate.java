package dev.heliograph.probe.pool;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.check.Check;
import dev.heliograph.probe.check.Fault;
import dev.heliograph.probe.check.Outcome;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Admits each check in this order: the host's circuit breaker, then the tenant's host bulkhead,
 * then a {@link WorkerPool} slot, then the executor. A check stopped at the breaker or the
 * bulkhead takes no slot and completes at once:
 * <ul>
 *   <li>breaker open: the target's last verdict ({@code up}, {@code degraded} or {@code down};
 *       {@code down} when it has none) with {@code error = "circuit_open"};</li>
 *   <li>bulkhead full: {@code degraded} with {@code error = "throttled: host concurrency cap"}.</li>
 * </ul>
 * When the check completes, the bulkhead permission is freed and the breaker told the verdict:
 * {@code down} counts as a failure, {@code up}/{@code degraded} as a success, and {@code error}
 * (the probe could not judge the host: refused address, "pool saturated", a probe failure) frees
 * the breaker permission without counting, so a half-open breaker gets another trial.
 *
 * <p>Why this sequencing is ours and not resilience4j's decorators: those wrap a call that throws
 * on failure and record exceptions, while a check's verdict is data (a succeeded future with a
 * status) and {@code error} must release instead of record; the breaker and bulkhead themselves are
 * resilience4j's. Both sets can be swapped live ({@link #breakers(HostBreakers)},
 * {@link #bulkheads(HostBulkheads)}): checks in flight release against the instances they took
 * permissions from. Thread-safe.
 */
public final class CheckGate {
    /** The {@code error} of a check not run because its host's breaker is open. */
    public static final String CIRCUIT_OPEN = "circuit_open";
    /** The {@code error} of a check not run because its tenant's host bulkhead is full. */
    public static final String THROTTLED = "throttled: host concurrency cap";

    private final WorkerPool pool;
    private final String agentId;
    private final Clock clock;
    private final Runnable onThrottled;
    private final Cache<TargetId, Status> verdicts;
    private volatile HostBreakers breakers;
    private volatile HostBulkheads bulkheads;

    /**
     * @param maxTargets  most last verdicts kept (one per target); beyond it the least used are
     *                    forgotten and an open breaker reports such a target as {@code down}
     * @param agentId     stamped on the results made here
     * @param clock       stamps {@code started_at} of the results made here
     * @param onThrottled called once per check rejected by a bulkhead; must not block
     */
    public CheckGate(WorkerPool pool, HostBreakers breakers, HostBulkheads bulkheads, long maxTargets,
                     String agentId, Clock clock, Runnable onThrottled) {
        this.pool = pool;
        this.breakers = breakers;
        this.bulkheads = bulkheads;
        this.agentId = agentId;
        this.clock = clock;
        this.onThrottled = onThrottled;
        this.verdicts = Caffeine.newBuilder().maximumSize(maxTargets).build();
    }

    /**
     * Runs {@code execution} for {@code check} once the breaker, the bulkhead and the pool admit
     * it; otherwise completes at once with the circuit-open, throttled or "pool saturated"
     * ({@code error}) result. Fails only when {@code execution} fails or throws (a probe bug).
     */
    public Future<CheckResult> submit(Check check, Supplier<Future<CheckResult>> execution) {
        Optional<HostKey> key = HostKey.of(check.target().spec());
        if (key.isEmpty()) {
            // No host to protect: the executor reports the unusable address as an error.
            return pool.submit(execution, () -> saturated(check));
        }
        CircuitBreaker breaker = breakers.forHost(key.get().host());
        if (!breaker.tryAcquirePermission()) {
            Status last = Optional.ofNullable(verdicts.getIfPresent(check.target().id())).orElse(Status.DOWN);
            return Future.succeededFuture(stamp(check, new Outcome(last, Failure.CIRCUIT_OPEN, 0, CIRCUIT_OPEN, PhaseTimings.NONE)));
        }
        Bulkhead bulkhead = bulkheads.forKey(check.target().orgId(), key.get());
        if (!bulkhead.tryAcquirePermission()) {
            breaker.releasePermission();
            onThrottled.run();
            return Future.succeededFuture(stamp(check, new Outcome(Status.DEGRADED, Failure.THROTTLED, 0, THROTTLED, PhaseTimings.NONE)));
        }
        long startNanos = System.nanoTime();
        return pool.submit(execution, () -> saturated(check)).andThen(done -> {
            bulkhead.onComplete();
            settle(check.target().id(), breaker, startNanos, done);
        });
    }

    /** Forgets {@code id}'s last verdict (the target was removed). */
    public void forget(TargetId id) {
        verdicts.invalidate(id);
    }

    /** The breakers in use now. */
    public HostBreakers breakers() {
        return breakers;
    }

    /** Uses {@code next} for checks admitted from now on. */
    public void breakers(HostBreakers next) {
        this.breakers = next;
    }

    /** The bulkheads in use now. */
    public HostBulkheads bulkheads() {
        return bulkheads;
    }

    /** Uses {@code next} for checks admitted from now on. */
    public void bulkheads(HostBulkheads next) {
        this.bulkheads = next;
    }

    private void settle(TargetId target, CircuitBreaker breaker, long startNanos, AsyncResult<CheckResult> done) {
        Status status = done.succeeded() ? done.result().status() : Status.ERROR;
        if (status == Status.ERROR) {
            breaker.releasePermission();
            return;
        }
        verdicts.put(target, status); // before the breaker may open on it, so circuit_open reports it
        Status forHost = hostFailed(done.result()) ? Status.DOWN : Status.UP;
        breaker.onResult(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS, forHost);
    }

    /**
     * Whether a check says the host itself is failing: no answer at all (name, connect, TLS,
     * timeout, reset; {@link Failure#hostLevel()}) or an HTTP 5xx. A tenant's own assertion failing
     * ("wanted 2xx, got 404", missing body text, a TCP answer without the expected text) says nothing
     * about the host, and the breaker is shared by every tenant of that host, so it must not open on it.
     */
    static boolean hostFailed(CheckResult result) {
        if (result.status() != Status.DOWN) {
            return false;
        }
        if (result.httpStatus() != 0) {
            return result.httpStatus() >= 500;
        }
        return result.failure().hostLevel();
    }

    private CheckResult saturated(Check check) {
        return stamp(check, Outcome.error(new Fault(Failure.POOL_SATURATED, "pool saturated"), PhaseTimings.NONE));
    }

    private CheckResult stamp(Check check, Outcome outcome) {
        return outcome.toResult(check, agentId, clock.instant());
    }
}
