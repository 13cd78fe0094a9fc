package dev.heliograph.probe.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    private Future<String> sleeper(long ms, AtomicInteger running, AtomicInteger peak) {
        int now = running.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
        Promise<String> done = Promise.promise();
        vertx.setTimer(ms, id -> {
            running.decrementAndGet();
            done.complete("ran");
        });
        return done.future();
    }

    /** Submits from an event-loop context, as the scheduler does. */
    private <T> Future<T> onLoop(java.util.function.Supplier<Future<T>> action) {
        Promise<T> promise = Promise.promise();
        vertx.runOnContext(v -> action.get().onComplete(promise));
        return promise.future();
    }

    @Test
    void neverRunsMoreThanItsSlotsAndRunsEveryTask() throws Exception {
        WorkerPool pool = new WorkerPool(vertx, 5, Duration.ofSeconds(10));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        List<Future<String>> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            all.add(onLoop(() -> pool.submit(() -> sleeper(20, running, peak), () -> "saturated")));
        }
        Future.all(all).await(10, TimeUnit.SECONDS);
        assertThat(all).allSatisfy(f -> assertThat(f.result()).isEqualTo("ran"));
        assertThat(peak.get()).isEqualTo(5);
        assertThat(pool.saturatedTotal()).isZero();
        // A result is handed over before its slot frees (see whenIdle), so wait for the last release.
        pool.whenIdle().await(1, TimeUnit.SECONDS);
        assertThat(pool.running()).isZero();
    }

    @Test
    void taskThatWaitsLongerThanMaxWaitIsRecordedAsSaturatedWithoutRunning() throws Exception {
        WorkerPool pool = new WorkerPool(vertx, 1, Duration.ofMillis(100));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        AtomicInteger secondRan = new AtomicInteger();
        Future<String> first = onLoop(() -> pool.submit(() -> sleeper(1_000, running, peak), () -> "saturated"));
        long start = System.nanoTime();
        Future<String> second = onLoop(() -> pool.submit(() -> {
            secondRan.incrementAndGet();
            return Future.succeededFuture("ran");
        }, () -> "saturated"));
        assertThat(second.await(2, TimeUnit.SECONDS)).isEqualTo("saturated");
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(waitedMs).isBetween(90L, 900L);
        assertThat(secondRan.get()).isZero();
        assertThat(pool.saturatedTotal()).isEqualTo(1);
        assertThat(first.await(3, TimeUnit.SECONDS)).isEqualTo("ran");
    }

    @Test
    void waitersTakeFreedSlotsInArrivalOrder() throws Exception {
        WorkerPool pool = new WorkerPool(vertx, 1, Duration.ofSeconds(5));
        List<Integer> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        Promise<List<Future<String>>> submitted = Promise.promise();
        vertx.runOnContext(v -> {
            List<Future<String>> all = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int n = i;
                all.add(pool.submit(() -> {
                    order.add(n);
                    Promise<String> done = Promise.promise();
                    vertx.setTimer(10, id -> done.complete("ran"));
                    return done.future();
                }, () -> "saturated"));
            }
            submitted.complete(all);
        });
        List<Future<String>> all = submitted.future().await(2, TimeUnit.SECONDS);
        assertThat(pool.waiting()).isEqualTo(4);
        Future.all(all).await(5, TimeUnit.SECONDS);
        assertThat(order).containsExactly(0, 1, 2, 3, 4);
        assertThat(pool.waiting()).isZero();
    }

    @Test
    void failingOrThrowingTaskFreesItsSlot() throws Exception {
        WorkerPool pool = new WorkerPool(vertx, 1, Duration.ofMillis(500));
        Future<String> failed = onLoop(() -> pool.submit(() -> Future.failedFuture(new IllegalStateException("boom")), () -> "saturated"));
        assertThat(failed.transform(r -> Future.succeededFuture(r.failed())).await(2, TimeUnit.SECONDS)).isTrue();
        Future<String> thrown = onLoop(() -> pool.submit(() -> {
            throw new IllegalStateException("thrown");
        }, () -> "saturated"));
        assertThat(thrown.transform(r -> Future.succeededFuture(r.failed())).await(2, TimeUnit.SECONDS)).isTrue();
        assertThat(onLoop(() -> pool.submit(() -> Future.succeededFuture("ran"), () -> "saturated")).await(2, TimeUnit.SECONDS))
                .isEqualTo("ran");
    }

    @Test
    void whenIdleCompletesOnceEveryTaskFinished() throws Exception {
        WorkerPool pool = new WorkerPool(vertx, 2, Duration.ofSeconds(5));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        for (int i = 0; i < 4; i++) {
            onLoop(() -> pool.submit(() -> sleeper(100, running, peak), () -> "saturated"));
        }
        Thread.sleep(20);
        Future<Void> idle = pool.whenIdle();
        assertThat(idle.isComplete()).isFalse();
        idle.await(3, TimeUnit.SECONDS);
        assertThat(running.get()).isZero();
        assertThat(pool.running()).isZero();
    }

    /** Regression: the slot was freed before the result was handed over, so a graceful shutdown lost the last result. */
    @Test
    void whenIdleFiresOnlyAfterEveryResultWasHandedOver() throws Exception {
        WorkerPool pool = new WorkerPool(vertx, 4, Duration.ofSeconds(5));
        AtomicInteger handedOver = new AtomicInteger();
        Promise<Future<Void>> idle = Promise.promise();
        vertx.runOnContext(v -> {
            for (int i = 0; i < 20; i++) {
                pool.submit(() -> {
                    Promise<String> done = Promise.promise();
                    vertx.setTimer(20, id -> done.complete("ran"));
                    return done.future();
                }, () -> "saturated").onComplete(r -> handedOver.incrementAndGet());
            }
            idle.complete(pool.whenIdle().map(x -> {
                assertThat(handedOver.get()).isEqualTo(20);
                return null;
            }));
        });
        idle.future().await(2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        assertThat(handedOver.get()).isEqualTo(20);
    }

    @Test
    void growingStartsTheOldestWaitersAtOnce() throws Exception {
        WorkerPool pool = new WorkerPool(vertx, 1, Duration.ofSeconds(5));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        List<Future<String>> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            all.add(onLoop(() -> pool.submit(() -> sleeper(300, running, peak), () -> "saturated")));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (pool.waiting() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        pool.resize(3);
        assertThat(pool.capacity()).isEqualTo(3);
        assertThat(pool.running()).isEqualTo(3);
        assertThat(pool.waiting()).isEqualTo(1);
        Future.all(all).await(5, TimeUnit.SECONDS);
        assertThat(peak.get()).isEqualTo(3);
        assertThat(all).allSatisfy(f -> assertThat(f.result()).isEqualTo("ran"));
    }

    @Test
    void shrinkingLetsRunningTasksFinishAndAdmitsNewOnesBelowTheNewLimit() throws Exception {
        WorkerPool pool = new WorkerPool(vertx, 3, Duration.ofSeconds(5));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peakAfterShrink = new AtomicInteger();
        List<Future<String>> first = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            first.add(onLoop(() -> pool.submit(() -> sleeper(200, running, new AtomicInteger()), () -> "saturated")));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (pool.running() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        pool.resize(1);
        List<Future<String>> later = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            later.add(onLoop(() -> pool.submit(() -> sleeper(20, running, peakAfterShrink), () -> "saturated")));
        }
        Future.all(first).await(5, TimeUnit.SECONDS);
        Future.all(later).await(5, TimeUnit.SECONDS);
        assertThat(first).allSatisfy(f -> assertThat(f.result()).isEqualTo("ran"));
        assertThat(later).allSatisfy(f -> assertThat(f.result()).isEqualTo("ran"));
        assertThat(peakAfterShrink.get()).as("never more than the new limit once the old tasks finished").isEqualTo(1);
    }

    @Test
    void invalidLimitsAreRefusedAndChangeNothing() {
        WorkerPool pool = new WorkerPool(vertx, 2, Duration.ofSeconds(1));
        assertThatThrownBy(() -> pool.resize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pool.maxWait(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(pool.capacity()).isEqualTo(2);
    }
}
