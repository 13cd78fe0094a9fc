package dev.heliograph.controlplane.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Periodic health checks of components whose health the control plane cannot see from its own
 * calls: the databases (a {@code SELECT 1}, a ClickHouse {@code /ping}) and the batcher's write
 * state. Every {@code interval} each probe runs once; a probe whose future succeeds marks its
 * component {@code healthy} with the future's value as the reason, one that fails or takes longer
 * than {@code timeout} marks it {@code unhealthy} with the error. A probe still running when the
 * next tick comes is not started twice. Probes never stop or change anything but their own
 * component's health.
 */
public final class HealthProbes {
    /** One component's check: completes with a short reason when healthy, fails with the problem. */
    @FunctionalInterface
    public interface Probe {
        Future<String> check();
    }

    private final Vertx vertx;
    private final Components components;
    private final Duration interval;
    private final Duration timeout;
    private final Map<String, Probe> probes = new ConcurrentHashMap<>();
    private final Map<String, Boolean> running = new ConcurrentHashMap<>();
    private volatile long timer = -1;
    private volatile boolean stopped;

    /**
     * @param interval time between two rounds of checks (milliseconds precision, at least 1 ms)
     * @param timeout  longest wait for one probe before its component is marked unhealthy; keep it
     *                 below {@code interval}
     */
    public HealthProbes(Vertx vertx, Components components, Duration interval, Duration timeout) {
        this.vertx = vertx;
        this.components = components;
        this.interval = interval;
        this.timeout = timeout;
    }

    /** Adds a probe for the registered component {@code name}; takes effect from the next round. */
    public HealthProbes add(String name, Probe probe) {
        probes.put(name, probe);
        return this;
    }

    /** Runs one round now, then one every {@code interval}, until {@link #stop()}. */
    public void start() {
        runAll();
        timer = vertx.setPeriodic(Math.max(1, interval.toMillis()), id -> runAll());
    }

    /** Stops the rounds; the outcome of a probe still in flight is ignored. */
    public void stop() {
        stopped = true;
        vertx.cancelTimer(timer);
    }

    private void runAll() {
        probes.forEach(this::run);
    }

    private void run(String name, Probe probe) {
        if (running.putIfAbsent(name, Boolean.TRUE) != null) {
            return;
        }
        Future<String> check;
        try {
            check = probe.check();
        } catch (RuntimeException e) {
            check = Future.failedFuture(e);
        }
        // A hung probe is reported unhealthy at the timeout, but the next one starts only when the
        // hung one really ends, so probes never pile up on a stuck dependency.
        check.onComplete(ended -> running.remove(name));
        check.timeout(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS).onComplete(done -> {
            if (stopped) {
                return;
            }
            if (done.succeeded()) {
                components.healthy(name, done.result());
            } else {
                components.unhealthy(name, describe(done.cause()));
            }
        });
    }

    /** The error's message, followed by its root cause's when that says more (e.g. "Connection refused"). */
    private String describe(Throwable error) {
        if (error instanceof TimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = message(error);
        return root == error || message.contains(message(root)) ? message : message + ": " + message(root);
    }

    private static String message(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }
}
