package dev.heliograph.probe.agent;

import dev.heliograph.probe.agent.protocol.BatchAck;
import dev.heliograph.probe.agent.protocol.ResultBatch;
import dev.heliograph.probe.agent.protocol.WireResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the write-ahead log's pending results to the control plane, oldest first, one batch in
 * flight at a time: an upload starts every upload interval (at once when the previous one took
 * longer and more results wait), at once after a full batch was acknowledged, and at once when a
 * full batch is waiting. On an acknowledgement the log is truncated up to {@code acked_seq}.
 * On a failure the same results are sent again with {@code attempt} + 1, after a backoff from 500 ms
 * doubling to 30 s (jittered; at least the server's {@code Retry-After}). Results that were in the
 * log at start may have been sent by an earlier run: they go with {@code attempt} at least 2. A
 * rejected batch (400) is kept and retried at the longest backoff; a refusal (401, 403) is handed
 * to {@code refused}. While the control plane is down, results accumulate in the log and are
 * replayed in order when it returns ({@link #retryNow} ends the backoff as soon as it is seen back).
 * Every batch carries the count of results the write-ahead log has dropped since the agent started;
 * once an upload that carries a higher count than before is acknowledged, that is logged (INFO).
 */
final class ResultUploader {
    private static final Logger LOG = LoggerFactory.getLogger(ResultUploader.class);
    private static final Duration BACKOFF_INITIAL = Duration.ofMillis(500);
    private static final Duration BACKOFF_MAX = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final Context context;
    private final WalSink wal;
    private final AgentClient client;
    private final int batchMax;
    private final long intervalMs;
    private final Consumer<AgentCallException> refused;
    private final Backoff backoff = new Backoff(BACKOFF_INITIAL, BACKOFF_MAX);
    private final Promise<Void> idle = Promise.promise();
    /** Highest sequence number ever sent (or, at start, written by an earlier run); results up to it are resends. */
    private long sentThrough;
    /** The dropped count the control plane last acknowledged receiving. */
    private long reportedDropped;
    private long lastFirstSeq = -1;
    private int lastAttempt;
    private volatile long timer = -1;
    private volatile boolean backingOff;
    private volatile boolean stopped;
    private long cycleStartedNanos;

    /**
     * @param replayedThrough the log's last sequence number at start: results up to it may have been
     *                        sent by an earlier run
     */
    ResultUploader(Vertx vertx, WalSink wal, AgentClient client, AgentSettings settings, long replayedThrough,
                   Consumer<AgentCallException> refused) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.wal = wal;
        this.client = client;
        this.batchMax = settings.batchMaxResults();
        this.intervalMs = settings.uploadInterval().toMillis();
        this.refused = refused;
        this.sentThrough = replayedThrough;
        wal.onBacklog(batchMax, this::kick);
    }

    /** Starts the upload loop. */
    void start() {
        context.runOnContext(v -> cycle());
    }

    /**
     * Stops the loop, then sends what is pending until the log is empty, a send fails or
     * {@code within} passes. Never fails; what is not acknowledged stays in the log for the next start.
     */
    Future<Void> stop(Duration within) {
        Promise<Void> done = Promise.promise();
        long deadline = vertx.setTimer(Math.max(1, within.toMillis()), id -> done.tryComplete());
        context.runOnContext(v -> {
            stopped = true;
            if (timer >= 0 && vertx.cancelTimer(timer)) {
                idle.tryComplete();
            }
            idle.future().compose(x -> finalUpload()).onComplete(x -> {
                vertx.cancelTimer(deadline);
                done.tryComplete();
            });
        });
        return done.future();
    }

    /** Ends a backoff at once: the control plane answers again (the poller heard from it). */
    void retryNow() {
        wake(true);
    }

    /** Uploads at once when the loop waits for its interval (not when it backs off after a failure). */
    private void kick() {
        wake(false);
    }

    private void wake(boolean backingOffToo) {
        long waiting = timer;
        if ((backingOffToo || !backingOff) && waiting >= 0 && vertx.cancelTimer(waiting)) {
            context.runOnContext(v -> cycle());
        }
    }

    private void cycle() {
        timer = -1;
        cycleStartedNanos = System.nanoTime();
        uploadOnce().onComplete(next -> {
            if (stopped) {
                idle.tryComplete();
            } else {
                timer = vertx.setTimer(Math.max(1, next.result()), id -> cycle());
            }
        });
    }

    /** One upload; completes with the delay before the next one, ms. Never fails. */
    private Future<Long> uploadOnce() {
        return wal.pending(batchMax)
                .compose(results -> results.isEmpty() ? Future.succeededFuture(intervalMs) : send(results))
                .recover(failure -> Future.succeededFuture(failed(failure)));
    }

    private Future<Long> send(List<WireResult> results) {
        ResultBatch batch = batch(results);
        return client.results(batch).compose(ack -> wal.ack(ack.ackedSeq()).map(v -> acknowledged(batch, ack)));
    }

    private ResultBatch batch(List<WireResult> results) {
        long first = results.getFirst().seq();
        long last = results.getLast().seq();
        int attempt = first == lastFirstSeq ? lastAttempt + 1 : first <= sentThrough ? 2 : 1;
        lastFirstSeq = first;
        lastAttempt = attempt;
        sentThrough = Math.max(sentThrough, last);
        return new ResultBatch(first, last, attempt, wal.stats().dropped(), results);
    }

    private long acknowledged(ResultBatch batch, BatchAck ack) {
        if (backingOff) {
            LOG.info("results uploaded again, up to sequence number {}", ack.ackedSeq());
        }
        if (batch.dropped() > reportedDropped) {
            LOG.info("reported {} dropped results to the control plane ({} since the last report): the write-ahead "
                    + "log was full or could not be written", batch.dropped(), batch.dropped() - reportedDropped);
            reportedDropped = batch.dropped();
        }
        backingOff = false;
        backoff.reset();
        if (ack.rejected() > 0) {
            LOG.warn("the control plane dropped {} results of batch {}..{}: their targets are unknown to it (deleted?)",
                    ack.rejected(), batch.firstSeq(), batch.lastSeq());
        }
        if (ack.ackedSeq() < batch.lastSeq() || wal.stats().pending() == 0) {
            return intervalMs;
        }
        if (batch.results().size() >= batchMax) {
            return 0;
        }
        // Uploads start once per interval: after a slow one (the server answers once results are stored), at once.
        long elapsedMs = (System.nanoTime() - cycleStartedNanos) / 1_000_000;
        return Math.max(0, intervalMs - elapsedMs);
    }

    private long failed(Throwable failure) {
        if (failure instanceof AgentCallException e && e.kind() == AgentCallException.Kind.REFUSED) {
            refused.accept(e);
            return intervalMs;
        }
        backingOff = true;
        long delayMs = backoff.next();
        if (failure instanceof AgentCallException e && e.retryAfter() != null) {
            delayMs = Math.max(delayMs, Backoff.jittered(e.retryAfter(), BACKOFF_INITIAL));
        }
        if (failure instanceof AgentCallException e && e.kind() == AgentCallException.Kind.REJECTED) {
            delayMs = BACKOFF_MAX.toMillis();
            LOG.error("the control plane rejected results from sequence number {} (attempt {}): {}; they stay in the "
                    + "write-ahead log, trying again in {} ms", lastFirstSeq, lastAttempt, e.getMessage(), delayMs);
        } else {
            LOG.warn("cannot upload results from sequence number {} (attempt {}): {}; {} pending, trying again in {} ms",
                    lastFirstSeq, lastAttempt, failure.getMessage(), wal.stats().pending(), delayMs);
        }
        return delayMs;
    }

    /** Sends until nothing is pending, a send fails or a batch is acknowledged only in part. */
    private Future<Void> finalUpload() {
        return wal.pending(batchMax).compose(results -> {
            if (results.isEmpty()) {
                return Future.succeededFuture();
            }
            long last = results.getLast().seq();
            return send(results).compose(delay -> wal.stats().ackedSeq() >= last ? finalUpload() : Future.succeededFuture());
        }).recover(failure -> {
            LOG.warn("final upload failed: {}; {} results stay in the write-ahead log for the next start",
                    failure.getMessage(), wal.stats().pending());
            return Future.succeededFuture();
        });
    }
}
