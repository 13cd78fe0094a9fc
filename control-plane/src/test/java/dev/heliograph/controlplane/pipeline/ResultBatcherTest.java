package dev.heliograph.controlplane.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.TargetId;
import dev.heliograph.domain.Uuid7;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Flush and retry rules of the batcher, with a writer that records batches. The same batcher
 * against a real ClickHouse, stopped and restarted, is {@code ResultBatcherClickHouseOutageIT}.
 */
class ResultBatcherTest {
    private final Vertx vertx = Vertx.vertx();
    private final List<List<CheckResult>> batches = new CopyOnWriteArrayList<>();
    private final TargetId target = TargetId.random();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    private CheckResult result() {
        Instant now = Instant.now();
        return new CheckResult(Uuid7.next(), target, OrgId.DEFAULT, new RegionId("local"), "test", CheckKind.HTTP, now, now,
                Status.UP, Failure.NONE, 200, "", PhaseTimings.NONE);
    }

    private ResultBatcher deploy(BatchWriter writer, int capacity, int flushSize, Duration interval) throws Exception {
        ResultBatcher batcher = new ResultBatcher(writer, new ResultBatcher.Settings(capacity, flushSize, interval,
                Duration.ofMillis(20), Duration.ofMillis(100)));
        vertx.deployVerticle(batcher).await(5, TimeUnit.SECONDS);
        return batcher;
    }

    private BatchWriter recording() {
        return (batch, retry) -> {
            batches.add(List.copyOf(batch));
            return Future.succeededFuture();
        };
    }

    @Test
    void flushesAsSoonAsABatchIsFull() throws Exception {
        ResultBatcher batcher = deploy(recording(), 1000, 10, Duration.ofMinutes(1));
        for (int i = 0; i < 25; i++) {
            batcher.offer(result());
        }
        Thread.sleep(200);
        assertThat(batches).hasSize(2).allSatisfy(b -> assertThat(b).hasSize(10));
        assertThat(batcher.stats().queued()).isEqualTo(5);
    }

    @Test
    void flushesAPartialBatchAfterTheInterval() throws Exception {
        ResultBatcher batcher = deploy(recording(), 1000, 100, Duration.ofMillis(100));
        batcher.offer(result());
        batcher.offer(result());
        Thread.sleep(400);
        assertThat(batches).hasSize(1);
        assertThat(batches.getFirst()).hasSize(2);
        assertThat(batcher.stats().written()).isEqualTo(2);
    }

    @Test
    void dropsAndCountsWhenTheQueueIsFull() throws Exception {
        ResultBatcher batcher = deploy((batch, retry) -> Future.failedFuture("down"), 5, 100, Duration.ofMinutes(1));
        int accepted = 0;
        for (int i = 0; i < 8; i++) {
            accepted += batcher.offer(result()) ? 1 : 0;
        }
        assertThat(accepted).isEqualTo(5);
        assertThat(batcher.stats().droppedQueueFull()).isEqualTo(3);
        assertThat(batcher.stats().accepted()).isEqualTo(5);
    }

    @Test
    void failedWriteIsRetriedWithTheSameBatchInOrder() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        List<Boolean> retryFlags = new CopyOnWriteArrayList<>();
        BatchWriter flaky = (batch, retry) -> {
            retryFlags.add(retry);
            return attempts.incrementAndGet() <= 3 ? Future.failedFuture("clickhouse down") : recording().write(batch, retry);
        };
        ResultBatcher batcher = deploy(flaky, 1000, 4, Duration.ofMillis(50));
        List<CheckResult> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            CheckResult r = result();
            sent.add(r);
            batcher.offer(r);
        }
        assertThat(batcher.drain(Duration.ofSeconds(5)).await(6, TimeUnit.SECONDS)).isTrue();
        assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(sent);
        assertThat(batcher.stats().failedWrites()).isEqualTo(3);
        assertThat(batcher.stats().lastError()).isNull();
        // The first attempt is plain; the retries of that batch are marked, later batches are not.
        assertThat(retryFlags.subList(0, 4)).containsExactly(false, true, true, true);
        assertThat(retryFlags.subList(4, retryFlags.size())).containsOnly(false);
    }

    @Test
    void drainReportsFalseWhenTheWriterNeverRecovers() throws Exception {
        ResultBatcher batcher = deploy((batch, retry) -> Future.failedFuture("down"), 100, 10, Duration.ofMillis(50));
        batcher.offer(result());
        assertThat(batcher.drain(Duration.ofMillis(300)).await(2, TimeUnit.SECONDS)).isFalse();
        assertThat(batcher.stats().queued()).isEqualTo(1);
        assertThat(batcher.stats().lastError()).isEqualTo("down");
    }

    @Test
    void metersFollowTheCounters() throws Exception {
        ResultBatcher batcher = deploy((batch, retry) -> Future.failedFuture("down"), 2, 100, Duration.ofMillis(50));
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        batcher.bindTo(registry);
        for (int i = 0; i < 3; i++) {
            batcher.offer(result());
        }
        Thread.sleep(200);
        assertThat(registry.get("heliograph.results.dropped").tag("reason", "queue_full").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("heliograph.results.accepted").functionCounter().count()).isEqualTo(2);
        assertThat(registry.get("heliograph.batcher.queue.depth").gauge().value()).isEqualTo(2);
        assertThat(registry.get("heliograph.batcher.failed.writes").functionCounter().count()).isPositive();
        assertThat(registry.get("heliograph.batcher.flush").timer().count()).isPositive();
        assertThat(registry.get("heliograph.results.written").functionCounter().count()).isZero();
    }

    private CheckResult planned(Instant scheduledAt, PhaseTimings timings) {
        return new CheckResult(Uuid7.next(), target, OrgId.DEFAULT, new RegionId("local"), "test", CheckKind.HTTP,
                scheduledAt, scheduledAt, Status.UP, Failure.NONE, 200, "", timings);
    }

    @Test
    void overheadIsTimeSincePlannedStartMinusTheNetworkPhases() {
        Instant planned = Instant.parse("2026-01-01T00:00:00Z");
        // 2 + 1.5 + 0 + 3.25 = 6.75 ms on the wire; total_ms is not subtracted (it holds the engine's own work too).
        PhaseTimings timings = new PhaseTimings(2, 1.5, 0, 3.25, 9);
        Instant accepted = planned.plusNanos(10_000_000 + 1_000_000_000L);
        assertThat(ResultBatcher.overheadNanos(planned(planned, timings), accepted)).isEqualTo(1_003_250_000L);
    }

    @Test
    void overheadAcrossASecondBoundaryUsesBothFields() {
        Instant planned = Instant.parse("2026-01-01T00:00:00.999Z");
        Instant accepted = Instant.parse("2026-01-01T00:00:01.000250Z");
        assertThat(ResultBatcher.overheadNanos(planned(planned, PhaseTimings.NONE), accepted)).isEqualTo(1_250_000L);
    }

    @Test
    void overheadIsNeverNegative() {
        Instant planned = Instant.parse("2026-01-01T00:00:00Z");
        PhaseTimings slowNetwork = new PhaseTimings(0, 5, 0, 5, 10);
        assertThat(ResultBatcher.overheadNanos(planned(planned, slowNetwork), planned.plusMillis(3))).isZero();
    }

    @Test
    void acceptedResultsOfTheEngineAreTimedAgainstTheInjectedClockAndOthersAreNot() throws Exception {
        Instant planned = Instant.parse("2026-01-01T00:00:00Z");
        java.time.Clock clock = java.time.Clock.fixed(planned.plusMillis(7), java.time.ZoneOffset.UTC);
        ResultBatcher batcher = new ResultBatcher((batch, retry) -> Future.failedFuture("down"),
                new ResultBatcher.Settings(2, 100, Duration.ofMinutes(1), Duration.ofMillis(20), Duration.ofMillis(100)), clock, "test");
        vertx.deployVerticle(batcher).await(5, TimeUnit.SECONDS);
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        batcher.bindTo(registry);
        batcher.offer(planned(planned, new PhaseTimings(0, 1, 0, 2, 4)));
        CheckResult agents = new CheckResult(Uuid7.next(), target, OrgId.DEFAULT, new RegionId("eu"), "agent-1", CheckKind.HTTP,
                planned, planned, Status.UP, Failure.NONE, 200, "", PhaseTimings.NONE);
        assertThat(batcher.offer(agents)).isTrue(); // an agent's check-now result: stored, not timed
        assertThat(batcher.offer(planned(planned, PhaseTimings.NONE))).isFalse(); // the queue is full: dropped, not timed
        io.micrometer.core.instrument.Timer overhead = registry.get("heliograph.result.overhead").timer();
        assertThat(overhead.count()).isEqualTo(1);
        assertThat(overhead.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(4.0);
    }

    @Test
    void offerAllCompletesOnlyOnceItsResultsAreWrittenAfterRetries() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        ResultBatcher batcher = deploy((batch, retry) -> {
            batches.add(List.copyOf(batch));
            return attempts.incrementAndGet() <= 2 ? Future.failedFuture("clickhouse down") : Future.succeededFuture();
        }, 100, 10, Duration.ofMillis(50));
        batcher.offer(result());
        List<CheckResult> group = List.of(result(), result(), result());
        Future<Void> written = batcher.offerAll(group);
        assertThat(written.isComplete()).isFalse();
        written.await(5, TimeUnit.SECONDS);
        assertThat(attempts.get()).isEqualTo(3);
        assertThat(batches.getLast()).containsAll(group);
        assertThat(batcher.stats().written()).isEqualTo(4);
    }

    @Test
    void offerAllTakesAllOrNothingAndSpansSeveralFlushes() throws Exception {
        ResultBatcher batcher = deploy(recording(), 10, 4, Duration.ofMillis(50));
        List<CheckResult> tooMany = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            tooMany.add(result());
        }
        Future<Void> refused = batcher.offerAll(tooMany);
        assertThat(refused.failed()).isTrue();
        assertThat(refused.cause()).isInstanceOf(ResultBatcher.QueueFullException.class);
        assertThat(batcher.stats().queued()).isZero();
        assertThat(batcher.stats().droppedQueueFull()).isZero();

        List<CheckResult> nine = tooMany.subList(0, 9);
        batcher.offerAll(nine).await(5, TimeUnit.SECONDS);
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(9);
        assertThat(batches).allSatisfy(batch -> assertThat(batch.size()).isLessThanOrEqualTo(4));
        assertThat(batcher.offerAll(List.of()).await(5, TimeUnit.SECONDS)).isNull();
    }
}
