package dev.heliograph.probe.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.HttpSpec;
import dev.heliograph.domain.IncidentRules;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.Quorum;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.Uuid7;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.check.Check;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CheckSchedulerTest {
    private static final RegionId LOCAL = new RegionId("local");
    private final Vertx vertx = Vertx.vertx();
    private final List<Fired> fired = new CopyOnWriteArrayList<>();

    private record Fired(Check check, long atMs) {
    }

    @AfterEach
    void close() {
        vertx.close().await();
    }

    private CheckScheduler start(Duration jitter) throws Exception {
        return CheckScheduler.start(vertx, LOCAL, jitter, Clock.systemUTC(), 2,
                check -> fired.add(new Fired(check, System.currentTimeMillis()))).await(5, TimeUnit.SECONDS);
    }

    private CheckScheduler startWithFirstTickWindow(Duration window) throws Exception {
        return CheckScheduler.start(vertx, LOCAL, Duration.ZERO, window, Clock.systemUTC(), 2,
                check -> fired.add(new Fired(check, System.currentTimeMillis()))).await(5, TimeUnit.SECONDS);
    }

    private static Target target(TargetId id, Duration interval, long version) {
        return new Target(id, OrgId.DEFAULT, "t", HttpSpec.get("http://example.com/" + version), interval,
                Duration.ofMillis(50), List.of(LOCAL), Set.of(), true, Instant.now(), Instant.now(), version);
    }

    private static CheckResult result(Check check, Status status, Failure failure) {
        Instant now = Instant.now();
        return new CheckResult(Uuid7.next(), check.target().id(), OrgId.DEFAULT, LOCAL, "test", CheckKind.HTTP,
                check.scheduledAt(), now, status, failure, 0, "", PhaseTimings.NONE);
    }

    private List<Fired> of(TargetId id) {
        return fired.stream().filter(f -> f.check().target().id().equals(id)).toList();
    }

    @Test
    void ticksOncePerIntervalWithinJitterAndStartsOnTime() throws Exception {
        CheckScheduler scheduler = start(Duration.ofMillis(20));
        TargetId id = TargetId.random();
        long begin = System.currentTimeMillis();
        scheduler.upsert(target(id, Duration.ofMillis(200), 1));
        Thread.sleep(2_100);

        List<Fired> ticks = of(id);
        assertThat(ticks.getFirst().atMs() - begin).as("first tick inside the first interval").isLessThan(400);
        assertThat(ticks).hasSizeBetween(9, 12);
        for (int i = 1; i < ticks.size(); i++) {
            long planned = ticks.get(i).check().scheduledAt().toEpochMilli();
            long previous = ticks.get(i - 1).check().scheduledAt().toEpochMilli();
            assertThat(planned - previous).as("grid spacing ± 2 × jitter").isBetween(160L, 240L);
            // Loose on purpose: a loaded 2-core CI machine may pause for GC or JIT; benchmarks measure lag.
            assertThat(ticks.get(i).atMs() - planned).as("lag of tick " + i).isBetween(-1L, 150L);
        }
    }

    @Test
    void updateWithSameIntervalKeepsPhaseAndUsesNewSpec() throws Exception {
        CheckScheduler scheduler = start(Duration.ZERO);
        TargetId id = TargetId.random();
        scheduler.upsert(target(id, Duration.ofMillis(100), 1));
        Thread.sleep(350);
        scheduler.upsert(target(id, Duration.ofMillis(100), 2));
        Thread.sleep(350);
        List<Fired> ticks = of(id);
        assertThat(ticks.getLast().check().target().version()).isEqualTo(2);
        long phase = ticks.getFirst().check().scheduledAt().toEpochMilli() % 100;
        assertThat(ticks).allSatisfy(t -> assertThat(t.check().scheduledAt().toEpochMilli() % 100).isEqualTo(phase));
    }

    @Test
    void staleVersionNeverReplacesANewerOne() throws Exception {
        CheckScheduler scheduler = start(Duration.ZERO);
        TargetId id = TargetId.random();
        scheduler.upsert(target(id, Duration.ofMillis(100), 3));
        scheduler.upsert(target(id, Duration.ofMillis(100), 2));
        Thread.sleep(350);
        assertThat(of(id)).isNotEmpty().allSatisfy(t -> assertThat(t.check().target().version()).isEqualTo(3));
    }

    @Test
    void removedTargetIsNoLongerDispatched() throws Exception {
        CheckScheduler scheduler = start(Duration.ZERO);
        TargetId id = TargetId.random();
        scheduler.upsert(target(id, Duration.ofMillis(100), 1));
        Thread.sleep(300);
        scheduler.remove(id);
        Thread.sleep(50);
        int count = of(id).size();
        Thread.sleep(300);
        assertThat(count).isPositive();
        assertThat(of(id)).hasSize(count);
        assertThat(scheduler.size().await(1, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void syncAddsUpdatesAndRemoves() throws Exception {
        CheckScheduler scheduler = start(Duration.ZERO);
        TargetId kept = TargetId.random();
        TargetId dropped = TargetId.random();
        TargetId added = TargetId.random();
        scheduler.upsert(target(kept, Duration.ofMillis(100), 1));
        scheduler.upsert(target(dropped, Duration.ofMillis(100), 1));
        scheduler.sync(List.of(target(kept, Duration.ofMillis(100), 2), target(added, Duration.ofMillis(100), 1)))
                .await(1, TimeUnit.SECONDS);
        assertThat(scheduler.size().await(1, TimeUnit.SECONDS)).isEqualTo(2);
        fired.clear();
        Thread.sleep(350);
        assertThat(of(dropped)).isEmpty();
        assertThat(of(added)).isNotEmpty();
        assertThat(of(kept)).isNotEmpty().allSatisfy(t -> assertThat(t.check().target().version()).isEqualTo(2));
    }

    @Test
    void stopHaltsEveryLane() throws Exception {
        CheckScheduler scheduler = start(Duration.ZERO);
        for (int i = 0; i < 20; i++) {
            scheduler.upsert(target(TargetId.random(), Duration.ofMillis(50), 1));
        }
        Thread.sleep(200);
        scheduler.stop().await(1, TimeUnit.SECONDS);
        int count = fired.size();
        Thread.sleep(200);
        assertThat(count).isPositive();
        assertThat(fired).hasSize(count);
    }

    @Test
    void newJitterAppliesFromTheNextTicksWithoutMovingTheGrid() throws Exception {
        CheckScheduler scheduler = start(Duration.ZERO);
        TargetId id = TargetId.random();
        scheduler.upsert(target(id, Duration.ofMillis(100), 1));
        Thread.sleep(350);
        List<Fired> steady = of(id);
        for (int i = 1; i < steady.size(); i++) {
            assertThat(planned(steady, i) - planned(steady, i - 1)).as("no jitter").isEqualTo(100);
        }
        scheduler.maxJitter(Duration.ofMillis(30)).await(1, TimeUnit.SECONDS);
        fired.clear();
        Thread.sleep(1_100);
        List<Fired> jittered = of(id).subList(1, of(id).size()); // the first was armed before the change
        long phase = Math.floorMod(planned(steady, 0), 100);
        assertThat(jittered).hasSizeGreaterThan(5);
        assertThat(jittered).anySatisfy(t -> assertThat(Math.floorMod(t.check().scheduledAt().toEpochMilli(), 100))
                .isNotEqualTo(phase));
        for (Fired tick : jittered) {
            long offset = Math.floorMod(tick.check().scheduledAt().toEpochMilli() - phase + 50, 100) - 50;
            assertThat(offset).as("within ± jitter of the old grid").isBetween(-30L, 30L);
        }
    }

    private static long planned(List<Fired> ticks, int i) {
        return ticks.get(i).check().scheduledAt().toEpochMilli();
    }

    @Test
    void shortFirstTickWindowMakesEveryTargetDueWithinIt() throws Exception {
        CheckScheduler scheduler = startWithFirstTickWindow(Duration.ofMillis(300));
        long begin = System.currentTimeMillis();
        for (int i = 0; i < 200; i++) {
            scheduler.upsert(target(TargetId.random(), Duration.ofMinutes(10), 1));
        }
        assertThat(scheduler.size().await(5, TimeUnit.SECONDS)).isEqualTo(200);
        long scheduledBy = System.currentTimeMillis();
        waitFor(() -> fired.size() == 200);

        // Planned times, not lags: they depend on the clock at upsert only, so a slow machine cannot fail this.
        assertThat(fired).allSatisfy(f -> assertThat(f.check().scheduledAt().toEpochMilli())
                .isBetween(begin, scheduledBy + 300));
        long spread = fired.stream().mapToLong(f -> f.check().scheduledAt().toEpochMilli()).max().orElseThrow()
                - fired.stream().mapToLong(f -> f.check().scheduledAt().toEpochMilli()).min().orElseThrow();
        assertThat(spread).as("spread over the window, not all on one millisecond").isPositive();
    }

    @Test
    void zeroFirstTickWindowPlansTheFirstTickAtTheMomentOfScheduling() throws Exception {
        CheckScheduler scheduler = startWithFirstTickWindow(Duration.ZERO);
        long begin = System.currentTimeMillis();
        for (int i = 0; i < 50; i++) {
            scheduler.upsert(target(TargetId.random(), Duration.ofMinutes(10), 1));
        }
        assertThat(scheduler.size().await(5, TimeUnit.SECONDS)).isEqualTo(50);
        long scheduledBy = System.currentTimeMillis();
        waitFor(() -> fired.size() == 50);
        assertThat(fired).allSatisfy(f -> assertThat(f.check().scheduledAt().toEpochMilli()).isBetween(begin, scheduledBy));
    }

    @Test
    void firstTickWindowLongerThanTheIntervalIsCappedAtTheInterval() throws Exception {
        CheckScheduler scheduler = startWithFirstTickWindow(Duration.ofHours(1));
        TargetId id = TargetId.random();
        long begin = System.currentTimeMillis();
        scheduler.upsert(target(id, Duration.ofMillis(200), 1));
        waitFor(() -> !of(id).isEmpty());
        assertThat(of(id).getFirst().check().scheduledAt().toEpochMilli() - begin).isLessThan(200 + 100);
    }

    @Test
    void negativeFirstTickWindowIsRefused() {
        assertThat(CheckScheduler.start(vertx, LOCAL, Duration.ZERO, Duration.ofMillis(-1), Clock.systemUTC(), 1, check -> { })
                .failed()).isTrue();
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.getAsBoolean() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).as("condition within 10 s").isTrue();
    }

    @Test
    void aFailingTargetIsRetriedSoonerUntilItsFailureThresholdIsReached() throws Exception {
        CheckScheduler scheduler = startWithFirstTickWindow(Duration.ZERO);
        TargetId id = TargetId.random();
        Target target = new Target(id, OrgId.DEFAULT, id.toString(), "t", HttpSpec.get("http://example.com/"), Duration.ofSeconds(60),
                Duration.ofMillis(50), List.of(LOCAL), Set.of(), true, Instant.now(), Instant.now(), 1,
                new IncidentRules(3, 2, 1, Quorum.MAJORITY, null));
        scheduler.upsert(target);
        Thread.sleep(200);
        assertThat(of(id)).as("the first tick, at once").hasSize(1);

        scheduler.observed(result(of(id).getFirst().check(), Status.DOWN, Failure.CONNECT_REFUSED));
        Thread.sleep(1_300);
        assertThat(of(id)).as("one retry after retry_interval_s, not after the 60 s interval").hasSize(2);
        assertThat(of(id).get(1).atMs() - of(id).get(0).atMs()).isBetween(900L, 1_500L);

        scheduler.observed(result(of(id).get(1).check(), Status.DOWN, Failure.CONNECT_REFUSED));
        Thread.sleep(1_300);
        assertThat(of(id)).as("a second retry").hasSize(3);

        scheduler.observed(result(of(id).get(2).check(), Status.DOWN, Failure.CONNECT_REFUSED));
        Thread.sleep(1_300);
        assertThat(of(id)).as("three failures reach the threshold: back to the interval").hasSize(3);
    }

    @Test
    void successesAndResultsThatAreNotObservationsPlanNoRetry() throws Exception {
        CheckScheduler scheduler = startWithFirstTickWindow(Duration.ZERO);
        TargetId id = TargetId.random();
        Target target = new Target(id, OrgId.DEFAULT, id.toString(), "t", HttpSpec.get("http://example.com/"), Duration.ofSeconds(60),
                Duration.ofMillis(50), List.of(LOCAL), Set.of(), true, Instant.now(), Instant.now(), 1,
                new IncidentRules(3, 2, 1, Quorum.MAJORITY, null));
        scheduler.upsert(target);
        Thread.sleep(200);
        Check first = of(id).getFirst().check();

        scheduler.observed(result(first, Status.UP, Failure.NONE));
        scheduler.observed(result(first, Status.DOWN, Failure.CIRCUIT_OPEN));
        scheduler.observed(result(first, Status.ERROR, Failure.POOL_SATURATED));
        Thread.sleep(1_300);

        assertThat(of(id)).hasSize(1);
    }
}
