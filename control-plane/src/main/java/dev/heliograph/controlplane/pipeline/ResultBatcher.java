package dev.heliograph.controlplane.pipeline;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.probe.ResultSink;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded queue between the probe engine and ClickHouse. Results are accepted from any thread
 * until {@code queueCapacity} are waiting; beyond that they are dropped and counted
 * ({@code queue_full}). A flush writes at most {@code flushSize} results, when that many are
 * waiting or every {@code flushInterval}. One batch is written at a time, so results reach the
 * writer in the order they were accepted; a failed write keeps its batch at the head and retries it
 * with exponential backoff and jitter ({@code retryInitial} doubling up to {@code retryMax}, each
 * delay drawn from [d/2, d]) until it succeeds. Retries are marked, so the writer stores only what
 * the failed attempt did not (see {@link BatchWriter}).
 *
 * <p>Each result of the in-process engine accepted by {@link #offer} is also timed for
 * {@code heliograph_result_overhead_seconds}: acceptance − planned start − the check's network
 * phases (dns + connect + tls + ttfb), i.e. what the engine itself added (scheduler lag, pool,
 * executor and hand-over). Agents' results are not (their planned start comes from another clock
 * and their way here includes the upload): neither {@link #offerAll} nor an {@link #offer} of a
 * result whose agent id is not the engine's. A check that timed out records no time for the phase it
 * was in, so its timeout counts as overhead: read the meter's high percentiles with the timeouts of
 * the same period in mind.
 *
 * <p>Why not a library: this is the core ingest path (DESIGN.md "Result batcher"); it is a few
 * dozen lines over a lock-free queue and Vert.x timers.
 */
public final class ResultBatcher extends VerticleBase implements ResultSink, MeterBinder {
    private static final Logger LOG = LoggerFactory.getLogger(ResultBatcher.class);

    /** Sizes and delays, validated by the configuration. */
    public record Settings(int queueCapacity, int flushSize, Duration flushInterval, Duration retryInitial,
                           Duration retryMax) {
    }

    private final BatchWriter writer;
    private final Settings settings;
    // CheckResults, and Written markers that complete once every result queued before them is written.
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong droppedQueueFull = new AtomicLong();
    private final AtomicLong failedWrites = new AtomicLong();
    private volatile String lastError;
    private volatile Timer flushTimer;
    private volatile Timer overheadTimer;
    private final Clock clock;
    private final String timedAgentId;
    private volatile java.util.function.Consumer<CheckResult> observer = result -> { };
    private volatile int pendingSize;
    // Event-loop-confined state:
    private List<CheckResult> pending;
    private final List<Promise<Void>> pendingMarkers = new ArrayList<>();
    private boolean writing;
    private int attempt;
    private long periodicTimer;
    private final List<Promise<Void>> emptyWatchers = new ArrayList<>();

    /** A batcher that times the overhead of every result {@link #offer}ed, against the system clock. */
    public ResultBatcher(BatchWriter writer, Settings settings) {
        this(writer, settings, Clock.systemUTC(), null);
    }

    /**
     * A batcher whose overhead meter reads acceptance times from {@code clock} (the clock that
     * stamps the planned starts of the in-process engine's checks) and times only results of
     * agent id {@code timedAgentId} (the in-process engine's; null: every result offered).
     */
    public ResultBatcher(BatchWriter writer, Settings settings, Clock clock, String timedAgentId) {
        this.writer = writer;
        this.settings = settings;
        this.clock = clock;
        this.timedAgentId = timedAgentId;
    }

    @Override
    public Future<?> start() {
        periodicTimer = vertx.setPeriodic(settings.flushInterval().toMillis(), id -> flush());
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(periodicTimer);
        return Future.succeededFuture();
    }

    /**
     * Hands every accepted result to {@code next} as well, at once, on the accepting thread (the
     * incident engine decides from results as they arrive, never by polling ClickHouse); it must not
     * block. One observer.
     */
    public void observe(java.util.function.Consumer<CheckResult> next) {
        this.observer = next;
    }

    /**
     * Accepts a result unless the queue is full; thread-safe and non-blocking. An accepted result's
     * overhead is recorded (see the class comment) and it goes to the observer ({@link #observe}).
     */
    @Override
    public boolean offer(CheckResult result) {
        int size = queued.incrementAndGet();
        if (size > settings.queueCapacity()) {
            queued.decrementAndGet();
            droppedQueueFull.incrementAndGet();
            return false;
        }
        queue.add(result);
        accepted.incrementAndGet();
        observer.accept(result);
        Timer overhead = overheadTimer;
        if (overhead != null && (timedAgentId == null || timedAgentId.equals(result.agentId()))) {
            overhead.record(overheadNanos(result, clock.instant()), TimeUnit.NANOSECONDS);
        }
        if (size == settings.flushSize()) {
            context.runOnContext(v -> flush());
        }
        return true;
    }

    /**
     * Accepts all of {@code results} or none; thread-safe and non-blocking. The future completes once
     * every one of them is written to ClickHouse (an agent's batch is acknowledged only then), or
     * fails at once with {@link QueueFullException} when they do not fit (nothing is counted as
     * dropped: the sender keeps them and retries). It never fails after acceptance; it stays
     * pending while writes fail and are retried.
     */
    public Future<Void> offerAll(List<CheckResult> results) {
        int size = queued.addAndGet(results.size());
        if (size > settings.queueCapacity()) {
            queued.addAndGet(-results.size());
            return Future.failedFuture(new QueueFullException(results.size(), settings.queueCapacity()));
        }
        Promise<Void> written = Promise.promise();
        queue.addAll(results);
        queue.add(new Written(written));
        accepted.addAndGet(results.size());
        java.util.function.Consumer<CheckResult> each = observer;
        results.forEach(each);
        if (size >= settings.flushSize()) {
            context.runOnContext(v -> flush());
        }
        return written.future();
    }

    /**
     * What the engine added to one check, in ns: {@code acceptedAt − scheduledAt − (dns + connect +
     * tls + ttfb)}; 0 when that is negative (the planned start has ms precision, the phases are
     * measured on another clock).
     */
    static long overheadNanos(CheckResult result, Instant acceptedAt) {
        Instant planned = result.scheduledAt();
        long sincePlanned = (acceptedAt.getEpochSecond() - planned.getEpochSecond()) * 1_000_000_000L
                + (acceptedAt.getNano() - planned.getNano());
        PhaseTimings t = result.timings();
        long network = Math.round((t.dnsMs() + t.connectMs() + t.tlsMs() + t.ttfbMs()) * 1e6);
        return Math.max(0, sincePlanned - network);
    }

    /** {@link #offerAll} found no room for a whole batch. */
    public static final class QueueFullException extends RuntimeException {
        QueueFullException(int wanted, int capacity) {
            super("result queue full: no room for " + wanted + " results (capacity " + capacity + ")", null, false, false);
        }
    }

    private record Written(Promise<Void> promise) {
    }

    /**
     * Flushes until nothing is waiting, or {@code timeout} passes. Completes with {@code true} when
     * everything accepted so far was written.
     */
    public Future<Boolean> drain(Duration timeout) {
        Promise<Boolean> drained = Promise.promise();
        context.runOnContext(v -> {
            if (isEmpty()) {
                drained.complete(true);
                return;
            }
            Promise<Void> empty = Promise.promise();
            emptyWatchers.add(empty);
            long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> drained.tryComplete(false));
            empty.future().onComplete(done -> {
                vertx.cancelTimer(timer);
                drained.tryComplete(true);
            });
            flush();
        });
        return drained.future();
    }

    /**
     * Registers the batcher's meters: {@code heliograph_batcher_queue_depth} (results waiting),
     * {@code heliograph_results_accepted_total}, {@code heliograph_results_written_total},
     * {@code heliograph_results_dropped_total{reason="queue_full"}},
     * {@code heliograph_batcher_failed_writes_total}, {@code heliograph_batcher_flush_seconds}
     * (time of one successful or failed write) and {@code heliograph_result_overhead_seconds}
     * (histogram from 100 µs to 10 s; see the class comment).
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("heliograph.batcher.queue.depth", this, b -> b.stats().queued())
                .description("Results waiting for ClickHouse").register(registry);
        FunctionCounter.builder("heliograph.results.accepted", accepted, AtomicLong::get)
                .description("Results taken into the batcher's queue").register(registry);
        FunctionCounter.builder("heliograph.results.written", written, AtomicLong::get)
                .description("Results acknowledged by ClickHouse").register(registry);
        FunctionCounter.builder("heliograph.results.dropped", droppedQueueFull, AtomicLong::get).tag("reason", "queue_full")
                .description("Results dropped before reaching ClickHouse, by reason").register(registry);
        FunctionCounter.builder("heliograph.batcher.failed.writes", failedWrites, AtomicLong::get)
                .description("Write attempts that failed and were retried").register(registry);
        flushTimer = Timer.builder("heliograph.batcher.flush").description("Time of one write to ClickHouse")
                .publishPercentileHistogram().register(registry);
        overheadTimer = Timer.builder("heliograph.result.overhead")
                .description("Planned start to acceptance by the batcher, minus the check's dns, connect, tls and ttfb "
                        + "(in-process checks)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    }

    /** Counters since start. */
    public BatcherStats stats() {
        return new BatcherStats(accepted.get(), written.get(), droppedQueueFull.get(), queued.get() + (long) pendingSize,
                failedWrites.get(), lastError);
    }

    private void flush() {
        if (writing) {
            return;
        }
        if (pending == null) {
            pending = take();
            pendingSize = pending.size();
        }
        if (pending.isEmpty()) {
            pending = null;
            completeMarkers();
            emptyWatchers.forEach(Promise::tryComplete);
            emptyWatchers.clear();
            return;
        }
        writing = true;
        long startNanos = System.nanoTime();
        writer.write(pending, attempt > 0).onComplete(done -> {
            writing = false;
            Timer timer = flushTimer;
            if (timer != null) {
                timer.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
            }
            if (done.succeeded()) {
                written.addAndGet(pending.size());
                completeMarkers();
                pending = null;
                pendingSize = 0;
                attempt = 0;
                lastError = null;
                if (queued.get() >= settings.flushSize() || !emptyWatchers.isEmpty() || queue.peek() instanceof Written) {
                    flush();
                }
            } else {
                retryLater(done.cause());
            }
        });
    }

    private void retryLater(Throwable cause) {
        failedWrites.incrementAndGet();
        lastError = String.valueOf(cause.getMessage());
        long ceiling = Math.min(settings.retryMax().toMillis(), settings.retryInitial().toMillis() << Math.min(attempt, 30));
        long delay = Math.max(1, ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
        attempt++;
        if (attempt == 1 || attempt % 10 == 0) {
            LOG.warn("writing {} results failed (attempt {}), retrying in {} ms: {}", pending.size(), attempt, delay, lastError);
        }
        writing = true; // no other flush may start while the retry waits
        vertx.setTimer(delay, id -> {
            writing = false;
            flush();
        });
    }

    private void completeMarkers() {
        pendingMarkers.forEach(Promise::tryComplete);
        pendingMarkers.clear();
    }

    /** Up to flushSize results; the markers met on the way (and right after) complete with this batch. */
    private List<CheckResult> take() {
        int max = settings.flushSize();
        List<CheckResult> batch = new ArrayList<>(Math.min(max, Math.max(16, queued.get())));
        Object next;
        while ((batch.size() < max || queue.peek() instanceof Written) && (next = queue.poll()) != null) {
            if (next instanceof Written marker) {
                pendingMarkers.add(marker.promise());
            } else {
                batch.add((CheckResult) next);
            }
        }
        queued.addAndGet(-batch.size());
        return batch;
    }

    private boolean isEmpty() {
        return pending == null && queued.get() == 0 && queue.isEmpty() && !writing;
    }
}
