package dev.heliograph.probe.agent;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.probe.ResultSink;
import dev.heliograph.probe.agent.protocol.WireResult;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link WriteAheadLog} as event loops see it. {@link #offer} (the engine's sink) queues a
 * result without blocking; the agent's one I/O worker thread appends what is queued in batches (one
 * write each) and runs {@link #pending}, {@link #ack} and {@link #close}, so no file I/O runs on an
 * event loop and the log is used by one thread at a time.
 *
 * <p>Bounded: while {@code maxPending} results are unacknowledged (queued or in the log), new ones
 * are refused and counted as dropped, logged at the first drop and every 1000th. The oldest are
 * kept: they are the ones the control plane has waited for longest.
 */
public final class WalSink implements ResultSink {
    private static final Logger LOG = LoggerFactory.getLogger(WalSink.class);
    private static final long LOG_EVERY_DROPS = 1_000;

    private final WriteAheadLog wal;
    private final WorkerExecutor io;
    private final long maxPending;
    private final Queue<CheckResult> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;
    private volatile int backlogThreshold = Integer.MAX_VALUE;
    private volatile Runnable backlogListener = () -> { };

    private WalSink(WriteAheadLog wal, WorkerExecutor io, long maxPending) {
        this.wal = wal;
        this.io = io;
        this.maxPending = maxPending;
    }

    /**
     * Opens the log in {@code dir} on {@code io} (a single-thread worker executor).
     *
     * @param segmentBytes size at which a segment is closed, bytes
     * @param maxPending   most unacknowledged results kept
     */
    public static Future<WalSink> open(WorkerExecutor io, Path dir, long segmentBytes, long maxPending) {
        return io.executeBlocking(() -> new WalSink(WriteAheadLog.open(dir, segmentBytes), io, maxPending));
    }

    /** Queues {@code result} for the log; {@code false} (and counted) when the log is full or closed. */
    @Override
    public boolean offer(CheckResult result) {
        if (closed) {
            drop(1, "the write-ahead log is closed");
            return false;
        }
        if (wal.pendingCount() + queued.get() >= maxPending) {
            drop(1, "the write-ahead log is full (" + maxPending + " results pending)");
            return false;
        }
        queued.incrementAndGet();
        queue.add(result);
        if (drainScheduled.compareAndSet(false, true)) {
            io.executeBlocking(this::drain);
        }
        return true;
    }

    /** Calls {@code listener} (on the I/O thread) after each append that leaves at least {@code threshold} results pending. */
    public void onBacklog(int threshold, Runnable listener) {
        backlogListener = listener;
        backlogThreshold = threshold;
    }

    /**
     * Up to {@code max} unacknowledged results in sequence order, after appending what is queued and
     * syncing the log to the disk (so whatever is then uploaded survives a power cut).
     */
    public Future<List<WireResult>> pending(int max) {
        return io.executeBlocking(() -> {
            drain();
            wal.sync();
            return wal.pending(max);
        });
    }

    /** Records the control plane's acknowledgement of every result up to {@code seq}; see {@link WriteAheadLog#ack}. */
    public Future<Void> ack(long seq) {
        return io.executeBlocking(() -> {
            wal.ack(seq);
            return null;
        });
    }

    /** Refuses further results, appends those queued, syncs and closes the log. */
    public Future<Void> close() {
        closed = true;
        return io.executeBlocking(() -> {
            drain();
            wal.close();
            return null;
        });
    }

    /** Counters of the log now. */
    public Stats stats() {
        return new Stats(wal.nextSeq(), wal.ackedSeq(), wal.pendingCount() + queued.get(), dropped.get());
    }

    /** The highest sequence number given so far (0 when none). */
    long lastSeq() {
        return wal.nextSeq() - 1;
    }

    /** Appends what is queued; runs on the I/O thread. */
    private Void drain() {
        drainScheduled.set(false);
        List<CheckResult> batch = new ArrayList<>();
        for (CheckResult result = queue.poll(); result != null; result = queue.poll()) {
            batch.add(result);
        }
        if (batch.isEmpty()) {
            return null;
        }
        try {
            wal.appendAll(batch);
        } catch (IOException e) {
            drop(batch.size(), "cannot write the write-ahead log: " + e.getMessage());
        } finally {
            queued.addAndGet(-batch.size());
        }
        if (wal.pendingCount() >= backlogThreshold) {
            backlogListener.run();
        }
        return null;
    }

    private void drop(int count, String reason) {
        long before = dropped.getAndAdd(count);
        if (before == 0 || before / LOG_EVERY_DROPS != (before + count) / LOG_EVERY_DROPS) {
            LOG.warn("dropped {} check results so far: {}", before + count, reason);
        }
    }

    /**
     * Counters of the write-ahead log.
     *
     * @param nextSeq  the sequence number the next result gets
     * @param ackedSeq the highest sequence number the control plane acknowledged
     * @param pending  results queued or written but not acknowledged
     * @param dropped  results refused since start (log full, write failure, closed)
     */
    public record Stats(long nextSeq, long ackedSeq, long pending, long dropped) {
    }
}
