package dev.heliograph.probe.pool;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Bounds how many checks run at once ({@code maxConcurrent}): a non-blocking semaphore with a FIFO
 * queue. A task that finds no free slot waits at most {@code maxWait}; if none frees in time it is
 * not run and its future completes with the caller's "saturated" value instead. Both limits can be
 * changed while tasks run ({@link #resize}, {@link #maxWait}): growing admits waiters at once,
 * shrinking lets running tasks finish and admits new ones only once fewer than the new limit run.
 *
 * <p>Why not a library: resilience4j's Bulkhead and {@link java.util.concurrent.Semaphore} block
 * the calling thread while waiting, which an event loop must never do; this pool parks waiters as
 * Vert.x timers instead. Thread-safe; tasks run on the Vert.x context that submitted them.
 */
public final class WorkerPool {
    private final Vertx vertx;
    private final ArrayDeque<Waiter<?>> waiters = new ArrayDeque<>();
    private final List<Promise<Void>> idleWatchers = new ArrayList<>();
    private int maxConcurrent;
    private long maxWaitMs;
    private int running;
    private long saturated;

    /**
     * @param maxConcurrent slots, at least 1
     * @param maxWait       longest time a task waits for a slot; zero means "fail at once"
     */
    public WorkerPool(Vertx vertx, int maxConcurrent, Duration maxWait) {
        this.vertx = vertx;
        this.maxConcurrent = validSlots(maxConcurrent);
        this.maxWaitMs = validWait(maxWait);
    }

    /**
     * Changes the number of slots to {@code maxConcurrent} (at least 1; otherwise
     * {@link IllegalArgumentException} and nothing changes). Growing starts the oldest waiters at
     * once; shrinking never stops a running task, it only holds back new ones until fewer than
     * {@code maxConcurrent} run.
     */
    public void resize(int maxConcurrent) {
        int slots = validSlots(maxConcurrent);
        List<Waiter<?>> admitted = new ArrayList<>();
        synchronized (this) {
            this.maxConcurrent = slots;
            while (running < slots && !waiters.isEmpty()) {
                admitted.add(waiters.pollFirst());
                running++;
            }
        }
        admitted.forEach(this::handOver);
    }

    /**
     * Changes the longest wait for a slot (zero or more; otherwise {@link IllegalArgumentException});
     * applies to tasks submitted from now on, those already waiting keep their deadline.
     */
    public synchronized void maxWait(Duration maxWait) {
        this.maxWaitMs = validWait(maxWait);
    }

    /**
     * Runs {@code task} when a slot is free. When the pool stays full for {@code maxWait}, the task
     * never runs and the returned future succeeds with {@code onSaturated.get()}. A task that fails
     * or throws frees its slot like one that succeeds.
     */
    public <T> Future<T> submit(Supplier<Future<T>> task, Supplier<T> onSaturated) {
        Context context = vertx.getOrCreateContext();
        Promise<T> promise = Promise.promise();
        Waiter<T> waiter = new Waiter<>(task, onSaturated, promise, context);
        boolean runNow;
        long waitMs;
        synchronized (this) {
            runNow = running < maxConcurrent;
            waitMs = maxWaitMs;
            if (runNow) {
                running++;
            } else if (waitMs > 0) {
                waiters.addLast(waiter);
            }
        }
        if (runNow) {
            run(waiter);
        } else if (waitMs > 0) {
            waiter.timerId = vertx.setTimer(waitMs, id -> expire(waiter));
        } else {
            reject(waiter);
        }
        return promise.future();
    }

    private <T> void run(Waiter<T> waiter) {
        Future<T> outcome;
        try {
            outcome = waiter.task.get();
        } catch (RuntimeException e) {
            outcome = Future.failedFuture(e);
        }
        outcome.onComplete(done -> {
            // Hand the result over before freeing the slot: the caller's callbacks (the engine's
            // sink.offer) run inside handle(), so whenIdle() can never fire ahead of a result.
            try {
                waiter.promise.handle(done);
            } finally {
                release();
            }
        });
    }

    private void expire(Waiter<?> waiter) {
        boolean removed;
        synchronized (this) {
            removed = waiters.remove(waiter);
        }
        if (removed) {
            reject(waiter);
        }
    }

    private <T> void reject(Waiter<T> waiter) {
        synchronized (this) {
            saturated++;
        }
        waiter.promise.complete(waiter.onSaturated.get());
    }

    private void release() {
        Waiter<?> next;
        List<Promise<Void>> nowIdle = List.of();
        synchronized (this) {
            // The slot passes straight to the oldest waiter, unless the pool shrank below what runs.
            next = running <= maxConcurrent ? waiters.pollFirst() : null;
            if (next == null) {
                running--;
                if (running == 0 && !idleWatchers.isEmpty()) {
                    nowIdle = new ArrayList<>(idleWatchers);
                    idleWatchers.clear();
                }
            }
        }
        if (next != null) {
            handOver(next);
        }
        nowIdle.forEach(Promise::tryComplete);
    }

    /** Starts a waiter that was just given a slot, on the context it was submitted from. */
    private void handOver(Waiter<?> waiter) {
        vertx.cancelTimer(waiter.timerId);
        waiter.context.runOnContext(v -> run(waiter));
    }

    /**
     * Completes when no task is running or waiting (at once if the pool is idle now). Every task's
     * own callbacks have run by then.
     */
    public Future<Void> whenIdle() {
        synchronized (this) {
            if (running == 0 && waiters.isEmpty()) {
                return Future.succeededFuture();
            }
            Promise<Void> promise = Promise.promise();
            idleWatchers.add(promise);
            return promise.future();
        }
    }

    /** Tasks running now. */
    public synchronized int running() {
        return running;
    }

    /** Tasks waiting for a slot now. */
    public synchronized int waiting() {
        return waiters.size();
    }

    /** Tasks that were never run because the pool stayed full for {@code maxWait}, since start. */
    public synchronized long saturatedTotal() {
        return saturated;
    }

    /** The number of slots now. */
    public synchronized int capacity() {
        return maxConcurrent;
    }

    private static int validSlots(int maxConcurrent) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1, was " + maxConcurrent);
        }
        return maxConcurrent;
    }

    private static long validWait(Duration maxWait) {
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
        }
        return maxWait.toMillis();
    }

    private static final class Waiter<T> {
        final Supplier<Future<T>> task;
        final Supplier<T> onSaturated;
        final Promise<T> promise;
        final Context context;
        long timerId = -1;

        Waiter(Supplier<Future<T>> task, Supplier<T> onSaturated, Promise<T> promise, Context context) {
            this.task = task;
            this.onSaturated = onSaturated;
            this.promise = promise;
            this.context = context;
        }
    }
}
