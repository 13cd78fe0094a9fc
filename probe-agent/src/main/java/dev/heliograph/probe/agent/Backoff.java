package dev.heliograph.probe.agent;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter for retries against the control plane: the base delay starts at
 * {@code initial} and doubles after each {@link #next} up to {@code max}; each delay is drawn
 * uniformly from half the base to the whole ("equal jitter"), so agents that failed together do not
 * retry together. Not thread-safe: one per retry loop.
 */
final class Backoff {
    private final long initialMs;
    private final long maxMs;
    private long baseMs;

    Backoff(Duration initial, Duration max) {
        this.initialMs = Math.max(1, initial.toMillis());
        this.maxMs = Math.max(initialMs, max.toMillis());
        this.baseMs = initialMs;
    }

    /** The next delay, ms (at least 1). */
    long next() {
        long base = baseMs;
        baseMs = Math.min(maxMs, baseMs * 2);
        return Math.max(1, base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
    }

    /** Starts over at {@code initial} (after a success). */
    void reset() {
        baseMs = initialMs;
    }

    /** {@code base} plus a random 0..{@code spread}, ms; spreads out agents told to wait the same time. */
    static long jittered(Duration base, Duration spread) {
        return base.toMillis() + ThreadLocalRandom.current().nextLong(spread.toMillis() + 1);
    }
}
