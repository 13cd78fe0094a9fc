package dev.heliograph.probe.agent;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.probe.ResultSink;
import dev.heliograph.probe.agent.protocol.WireResult;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link WriteAheadLog} as event loops see it. {@link #offer} (the engine's sink) queues a
 * result without blocking; the agent's one I/O worker thread appends what is queued in batches (one
 * write each) and runs {@link #pending}, {@link #ack} and {@link #close}, so no file I/O runs on an
 * event loop and the log is used by one thread at a time.
 *
 * <p>Bounded by size: the log's files hold at most {@code maxBytes}. {@link #offer} refuses a result
 * when the log and what is queued for it (reckoned at the mean size of the results appended last)
 * would not fit; the append then keeps the log within the bound exactly, dropping what does not fit.
 * The oldest results are kept: they are the ones the control plane has waited for longest. Every
 * result refused or lost (log full, write failed, log closed) is counted in {@link Stats#dropped},
 * cumulative since the agent started, which goes with every batch to the control plane; a warning
 * is logged at the first drop and then at most once a minute while the count grows.
 */
public final class WalSink implements ResultSink {
    private static final Logger LOG = LoggerFactory.getLogger(WalSink.class);
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);
    /** Size reckoned for a queued result until the log has measured some, bytes: on the low side, as the append is exact. */
    private static final long FIRST_ESTIMATE_BYTES = 256;

    private final WriteAheadLog wal;
    private final WorkerExecutor io;
    private final long maxBytes;
    private final Clock clock;
    private final Queue<CheckResult> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong nextWarnMillis = new AtomicLong(Long.MIN_VALUE);
    private volatile long resultBytes = FIRST_ESTIMATE_BYTES;
    private volatile boolean closed;
    private volatile int backlogThreshold = Integer.MAX_VALUE;
    private volatile Runnable backlogListener = () -> { };

    private WalSink(WriteAheadLog wal, WorkerExecutor io, long maxBytes, Clock clock) {
        this.wal = wal;
        this.io = io;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    /**
     * Opens the log in {@code dir} on {@code io} (a single-thread worker executor).
     *
     * @param segmentBytes size at which a segment is closed, bytes
     * @param maxBytes     most bytes the log's files hold; results that do not fit are dropped
     * @param clock        paces the warnings about dropped results
     */
    public static Future<WalSink> open(WorkerExecutor io, Path dir, long segmentBytes, long maxBytes, Clock clock) {
        return io.executeBlocking(() -> new WalSink(WriteAheadLog.open(dir, segmentBytes), io, maxBytes, clock));
    }

    /** Queues {@code result} for the log; {@code false} (and counted as dropped) when the log is full or closed. */
    @Override
    public boolean offer(CheckResult result) {
        if (closed) {
            drop(1, () -> "the write-ahead log is closed");
            return false;
        }
        if (wal.bytes() + (queued.get() + 1L) * resultBytes > maxBytes) {
            drop(1, this::full);
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
        return new Stats(wal.nextSeq(), wal.ackedSeq(), wal.pendingCount() + queued.get(), wal.bytes(), dropped.get());
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
        // Before the append, not after: counted twice for a moment, results would be refused with room left.
        queued.addAndGet(-batch.size());
        try {
            long before = wal.bytes();
            int appended = wal.appendWithin(batch, maxBytes);
            if (appended > 0) {
                resultBytes = Math.max(1, (wal.bytes() - before) / appended);
            }
            if (appended < batch.size()) {
                drop(batch.size() - appended, this::full);
            }
        } catch (IOException e) {
            drop(batch.size(), () -> "cannot write the write-ahead log: " + e.getMessage());
        }
        if (wal.pendingCount() >= backlogThreshold) {
            backlogListener.run();
        }
        return null;
    }

    private String full() {
        return "the write-ahead log is full (" + wal.bytes() + " of " + maxBytes + " bytes, " + wal.pendingCount()
                + " results not acknowledged)";
    }

    private void drop(int count, Supplier<String> reason) {
        long total = dropped.addAndGet(count);
        long now = clock.millis();
        long next = nextWarnMillis.get();
        if (now >= next && nextWarnMillis.compareAndSet(next, now + WARN_EVERY.toMillis())) {
            LOG.warn("dropped {} check results since start: {}", total, reason.get());
        }
    }

    /**
     * Counters of the write-ahead log.
     *
     * @param nextSeq  the sequence number the next result gets
     * @param ackedSeq the highest sequence number the control plane acknowledged
     * @param pending  results queued or written but not acknowledged
     * @param bytes    size of the log's files, bytes
     * @param dropped  results refused or lost since start (log full, write failure, closed)
     */
    public record Stats(long nextSeq, long ackedSeq, long pending, long bytes, long dropped) {
    }
}
