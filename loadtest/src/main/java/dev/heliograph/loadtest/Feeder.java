package dev.heliograph.loadtest;

import dev.heliograph.controlplane.pipeline.ResultBatcher;
import dev.heliograph.domain.CheckResult;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread that offers results 0..rows-1 of a {@link SyntheticResults} to a batcher as fast as
 * it takes them: when {@code offer} refuses (queue full) it waits 1 ms and offers the same result
 * again, counting the refusal. With {@code durationS > 0} it stops after that many seconds.
 */
final class Feeder {
    private final ResultBatcher batcher;
    private final SyntheticResults source;
    private final long rows;
    private final long durationNanos;
    private final Thread thread;
    private volatile long offered;
    private volatile long refused;
    private volatile double cpuSeconds;

    Feeder(ResultBatcher batcher, SyntheticResults source, long rows, int durationS) {
        this.batcher = batcher;
        this.source = source;
        this.rows = rows;
        this.durationNanos = durationS > 0 ? TimeUnit.SECONDS.toNanos(durationS) : Long.MAX_VALUE;
        this.thread = new Thread(this::feed, "ingest-feeder");
    }

    void start() {
        thread.start();
    }

    /** Waits until every result was accepted (or the duration ran out). */
    void join() throws InterruptedException {
        thread.join();
    }

    /** Results accepted by the batcher. */
    long offered() {
        return offered;
    }

    /** Offers refused because the queue was full (each retried). */
    long refused() {
        return refused;
    }

    /** CPU seconds of the feeder thread (making and offering results); known after {@link #join}. */
    double cpuSeconds() {
        return cpuSeconds;
    }

    private void feed() {
        long start = System.nanoTime();
        long refusals = 0;
        long i = 0;
        for (; i < rows; i++) {
            if ((i & 0x3FF) == 0 && System.nanoTime() - start > durationNanos) {
                break;
            }
            CheckResult result = source.result(i);
            while (!batcher.offer(result)) {
                refusals++;
                LockSupport.parkNanos(1_000_000);
            }
            if ((i & 0x3FF) == 0) {
                offered = i + 1;
            }
        }
        offered = i;
        refused = refusals;
        cpuSeconds = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1e9;
    }
}
