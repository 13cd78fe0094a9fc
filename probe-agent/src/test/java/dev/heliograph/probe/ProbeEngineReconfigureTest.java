package dev.heliograph.probe;

import static dev.heliograph.probe.EngineTestKit.LENIENT;
import static dev.heliograph.probe.EngineTestKit.LOOPBACK;
import static dev.heliograph.probe.EngineTestKit.TENANT_A;
import static dev.heliograph.probe.EngineTestKit.await;
import static dev.heliograph.probe.EngineTestKit.check;
import static dev.heliograph.probe.EngineTestKit.closedPort;
import static dev.heliograph.probe.EngineTestKit.eventually;
import static dev.heliograph.probe.EngineTestKit.live;
import static dev.heliograph.probe.EngineTestKit.onLoop;
import static dev.heliograph.probe.EngineTestKit.run;
import static dev.heliograph.probe.EngineTestKit.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.TcpSpec;
import dev.heliograph.probe.EngineSettings.BreakerSettings;
import dev.heliograph.probe.check.Check;
import dev.heliograph.probe.net.Cidr;
import dev.heliograph.probe.schedule.CheckScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ProbeEngine#reconfigure}: live settings apply to the next checks, without a restart. */
class ProbeEngineReconfigureTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Vertx vertx;
    private LocalHttpServer server;
    private ProbeEngine engine;
    private EngineSettings initial;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = LocalHttpServer.start(vertx);
    }

    @AfterEach
    void stop() {
        await(engine.shutdown(Duration.ofSeconds(2)));
        await(vertx.close());
    }

    private void startEngine(int poolSlots, Duration maxQueueWait, BreakerSettings breaker) {
        initial = settings(poolSlots, maxQueueWait, breaker, 10);
        engine = await(ProbeEngine.start(vertx, initial, Clock.systemUTC(), result -> true, registry));
    }

    private Future<CheckResult> submit(String path) {
        return onLoop(vertx, () -> engine.runNow(check(TENANT_A, server.url(path))));
    }

    @Test
    void shrinkingThePoolLetsRunningChecksFinishAndHoldsBackNewOnes() throws Exception {
        startEngine(2, Duration.ofSeconds(5), LENIENT);
        Future<CheckResult> first = submit("/delay/400");
        Future<CheckResult> second = submit("/delay/400");
        eventually(Duration.ofSeconds(2), () -> engine.pool().running() == 2);

        engine.reconfigure(live(initial, 1, Duration.ofSeconds(5), LOOPBACK, LENIENT, 10));
        AtomicLong thirdStarted = new AtomicLong();
        Future<CheckResult> third = submit("/delay/10").onSuccess(r -> thirdStarted.set(r.startedAt().toEpochMilli()));
        eventually(Duration.ofSeconds(2), () -> engine.pool().waiting() == 1);

        assertThat(List.of(await(first), await(second))).allSatisfy(r -> assertThat(r.status()).isEqualTo(Status.UP));
        long bothDone = Math.max(first.result().startedAt().toEpochMilli(), second.result().startedAt().toEpochMilli())
                + (long) Math.max(first.result().timings().totalMs(), second.result().timings().totalMs());
        assertThat(await(third).status()).isEqualTo(Status.UP);
        assertThat(thirdStarted.get()).as("started only once both running checks finished").isGreaterThanOrEqualTo(bothDone - 5);
        assertThat(engine.pool().capacity()).isEqualTo(1);
        assertThat(registry.get("heliograph.pool.capacity").gauge().value()).isEqualTo(1);
    }

    @Test
    void growingThePoolStartsWaitingChecksAtOnce() throws Exception {
        startEngine(1, Duration.ofSeconds(5), LENIENT);
        Future<CheckResult> holding = submit("/delay/1000");
        eventually(Duration.ofSeconds(2), () -> engine.pool().running() == 1);
        Future<CheckResult> waiting = submit("/delay/10");
        eventually(Duration.ofSeconds(2), () -> engine.pool().waiting() == 1);

        engine.reconfigure(live(initial, 3, Duration.ofSeconds(5), LOOPBACK, LENIENT, 10));
        assertThat(await(waiting).status()).isEqualTo(Status.UP);
        assertThat(holding.isComplete()).as("the waiter did not wait for the running check").isFalse();
        assertThat(await(holding).status()).isEqualTo(Status.UP);
        assertThat(engine.settings().maxConcurrentChecks()).isEqualTo(3);
    }

    @Test
    void shorterQueueWaitAppliesToTheNextChecks() throws Exception {
        startEngine(1, Duration.ofSeconds(5), LENIENT);
        Future<CheckResult> holding = submit("/delay/500");
        eventually(Duration.ofSeconds(2), () -> engine.pool().running() == 1);
        engine.reconfigure(live(initial, 1, Duration.ZERO, LOOPBACK, LENIENT, 10));
        CheckResult rejected = await(submit("/ok"));
        assertThat(rejected.status()).isEqualTo(Status.ERROR);
        assertThat(rejected.error()).isEqualTo("pool saturated");
        assertThat(holding.isComplete()).isFalse();
        assertThat(await(holding).status()).isEqualTo(Status.UP);
    }

    @Test
    void allowListChangesApplyToTheNextCheck() {
        startEngine(4, Duration.ofSeconds(1), LENIENT);
        assertThat(await(submit("/ok")).status()).isEqualTo(Status.UP);

        engine.reconfigure(live(initial, 4, Duration.ofSeconds(1), List.of(), LENIENT, 10));
        CheckResult blocked = await(submit("/ok"));
        assertThat(blocked.status()).isEqualTo(Status.ERROR);
        assertThat(blocked.error()).startsWith("blocked by SSRF guard: loopback address 127.0.0.1");

        engine.reconfigure(live(initial, 4, Duration.ofSeconds(1), List.of(Cidr.parse("127.0.0.1/32")), LENIENT, 10));
        assertThat(await(submit("/ok")).status()).isEqualTo(Status.UP);
        assertThat(server.requests()).isEqualTo(2);
    }

    @Test
    void unchangedBreakerSettingsKeepOpenBreakersWhileChangedOnesStartFresh() throws Exception {
        BreakerSettings quick = new BreakerSettings(50, 2, 2, Duration.ofMinutes(1), 1);
        startEngine(4, Duration.ofSeconds(1), quick);
        Check refused = check(TENANT_A, new TcpSpec("127.0.0.1", closedPort(), null, null));
        run(vertx, engine, refused);
        run(vertx, engine, refused);
        assertThat(run(vertx, engine, refused).error()).isEqualTo("circuit_open");

        engine.reconfigure(live(initial, 8, Duration.ofSeconds(1), LOOPBACK, quick, 10));
        assertThat(run(vertx, engine, refused).error()).as("same breaker settings: still open").isEqualTo("circuit_open");

        BreakerSettings longerOpen = new BreakerSettings(50, 2, 2, Duration.ofMinutes(2), 1);
        engine.reconfigure(live(initial, 8, Duration.ofSeconds(1), LOOPBACK, longerOpen, 10));
        assertThat(run(vertx, engine, refused).error()).as("new breakers start closed").isEqualTo("connection refused");
    }

    @Test
    void newBulkheadCapAppliesToTheNextBurst() {
        startEngine(16, Duration.ofSeconds(1), LENIENT);
        engine.reconfigure(live(initial, 16, Duration.ofSeconds(1), LOOPBACK, LENIENT, 1));
        Future<CheckResult> first = submit("/delay/300");
        Future<CheckResult> second = submit("/delay/300");
        List<CheckResult> both = List.of(await(first), await(second));
        assertThat(both).extracting(CheckResult::error).containsExactlyInAnyOrder("", "throttled: host concurrency cap");
    }

    @Test
    void badLiveValueChangesNothing() {
        startEngine(4, Duration.ofSeconds(1), LENIENT);
        BreakerSettings invalid = new BreakerSettings(0, 2, 2, Duration.ofMinutes(1), 1);
        assertThatThrownBy(() -> engine.reconfigure(live(initial, 9, Duration.ofSeconds(1), List.of(), invalid, 10)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(engine.pool().capacity()).isEqualTo(4);
        assertThat(engine.settings()).isEqualTo(initial);
        assertThat(await(submit("/ok")).status()).as("allow-list unchanged").isEqualTo(Status.UP);
    }

    @Test
    void restartOnlySettingsAreReportedAndKept() {
        startEngine(4, Duration.ofSeconds(1), LENIENT);
        EngineSettings moved = new EngineSettings(new RegionId("elsewhere"), initial.agentId(), 4, initial.maxQueueWait(),
                Duration.ofMillis(500), 7, initial.allowedCidrs(), initial.dnsTimeout(), initial.dnsMinTtl(),
                initial.dnsMaxTtl(), initial.breaker(), initial.maxChecksPerHost());
        assertThat(engine.reconfigure(moved)).containsExactly("region", "lanes");
        assertThat(engine.settings().region()).isEqualTo(initial.region());
        assertThat(engine.settings().lanes()).isEqualTo(1);
        assertThat(engine.settings().maxJitter()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void firstTickWindowIsNotLiveAndDefaultsToTheWholeInterval() {
        startEngine(4, Duration.ofSeconds(1), LENIENT);
        assertThat(initial.firstTickWindow()).isEqualTo(CheckScheduler.WHOLE_INTERVAL);
        EngineSettings burst = new EngineSettings(initial.region(), initial.agentId(), 4, initial.maxQueueWait(),
                initial.maxJitter(), initial.lanes(), initial.allowedCidrs(), initial.dnsTimeout(), initial.dnsMinTtl(),
                initial.dnsMaxTtl(), initial.breaker(), initial.maxChecksPerHost(), Duration.ZERO);
        assertThat(engine.reconfigure(burst)).containsExactly("firstTickWindow");
        assertThat(engine.settings().firstTickWindow()).isEqualTo(CheckScheduler.WHOLE_INTERVAL);
    }
}
