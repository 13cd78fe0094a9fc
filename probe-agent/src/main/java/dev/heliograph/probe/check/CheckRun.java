package dev.heliograph.probe.check;

import dev.heliograph.domain.Failure;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.Status;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import java.util.function.Consumer;

/**
 * One run of one check: its one-shot outcome, the check's timeout timer, the socket open now and
 * the phase times so far (ms). The first {@link #succeed} or {@link #fail} decides the outcome, cancels the timer and
 * closes the socket; later calls are ignored. When the timeout passes first, the outcome is
 * {@code down}, {@code timeout}, {@code "timeout after N ms"}. Not thread-safe: use it on {@link #context()}.
 */
final class CheckRun {
    private final Vertx vertx;
    private final Context context;
    private final long timeoutMs;
    private final long startNanos = System.nanoTime();
    private final Promise<Outcome> outcome = Promise.promise();
    private PhaseTimings timings = PhaseTimings.NONE;
    private long timer;
    private NetSocket socket;

    /** A run whose clock starts now, to run on {@code context} within {@code timeoutMs} (ms). */
    CheckRun(Vertx vertx, Context context, long timeoutMs) {
        this.vertx = vertx;
        this.context = context;
        this.timeoutMs = timeoutMs;
    }

    /** Arms the timeout timer, then calls {@code body} with this run; call it on {@link #context()}. */
    void start(Consumer<CheckRun> body) {
        timer = vertx.setTimer(timeoutMs, id -> fail(Status.DOWN, 0, CheckFailures.timeout(timeoutMs)));
        body.accept(this);
    }

    Context context() {
        return context;
    }

    /** The check's whole budget, in ms. */
    long timeoutMs() {
        return timeoutMs;
    }

    /** Completes once, with the first {@link #finish}; never fails. */
    Future<Outcome> outcome() {
        return outcome.future();
    }

    /** Whether the outcome is decided; work that completes afterwards is discarded. */
    boolean done() {
        return outcome.future().isComplete();
    }

    /** Time since the run was created, in ms. */
    double elapsedMs() {
        return millisSince(startNanos);
    }

    /** What is left of the budget, in ms, at least 1 (for a connect timeout). */
    int remainingMs() {
        return (int) Math.max(1, timeoutMs - (long) elapsedMs());
    }

    PhaseTimings timings() {
        return timings;
    }

    /** Adds {@code phase} to the times so far (phase-wise sum, so hops accumulate). */
    void add(PhaseTimings phase) {
        timings = timings.plus(phase);
    }

    /** Makes {@code socket} the one a decided outcome closes. */
    void attach(NetSocket socket) {
        this.socket = socket;
    }

    /** Closes the attached socket, if any, and forgets it. */
    void closeSocket() {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }

    /** Decides an {@code up} outcome, unless already decided ({@code httpStatus} 0 when none was read). */
    void succeed(int httpStatus) {
        decide(new Outcome(Status.UP, Failure.NONE, httpStatus, "", timings.withTotal(elapsedMs())));
    }

    /**
     * Decides a failed outcome ({@code down}, {@code degraded} or {@code error}), unless already
     * decided: {@code httpStatus} 0 when none was read; the times so far with {@code total_ms} as of now.
     */
    void fail(Status status, int httpStatus, Fault fault) {
        decide(new Outcome(status, fault.failure(), httpStatus, fault.error(), timings.withTotal(elapsedMs())));
    }

    private void decide(Outcome decided) {
        if (outcome.tryComplete(decided)) {
            vertx.cancelTimer(timer);
            closeSocket();
        }
    }

    /** Time since {@code startNanos} (a {@link System#nanoTime()} reading), in ms. */
    static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }
}
