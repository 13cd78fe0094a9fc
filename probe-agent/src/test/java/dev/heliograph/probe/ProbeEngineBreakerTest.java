package dev.heliograph.probe;

import static dev.heliograph.probe.EngineTestKit.TENANT_A;
import static dev.heliograph.probe.EngineTestKit.TENANT_B;
import static dev.heliograph.probe.EngineTestKit.await;
import static dev.heliograph.probe.EngineTestKit.check;
import static dev.heliograph.probe.EngineTestKit.closedPort;
import static dev.heliograph.probe.EngineTestKit.onLoop;
import static dev.heliograph.probe.EngineTestKit.run;
import static dev.heliograph.probe.EngineTestKit.settings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.TcpSpec;
import dev.heliograph.probe.EngineSettings.BreakerSettings;
import dev.heliograph.probe.check.Check;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-host circuit breakers of {@link ProbeEngine}, against a real HTTP server and a closed port on 127.0.0.1. */
class ProbeEngineBreakerTest {
    /** Opens at 50 % failures over the last 4 checks; half-open after 1 s with 2 trial checks. */
    private static final BreakerSettings BREAKER = new BreakerSettings(50, 4, 4, Duration.ofSeconds(1), 2);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Vertx vertx;
    private LocalHttpServer server;
    private ProbeEngine engine;

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
        engine = await(ProbeEngine.start(vertx, settings(poolSlots, maxQueueWait, breaker, 8), Clock.systemUTC(),
                result -> true, registry));
    }

    private double breakers(String state) {
        return registry.get("heliograph.breaker.state").tag("state", state).gauge().value();
    }

    private double transitionsTo(String state) {
        return registry.get("heliograph.breaker.transitions").tag("to", state).counter().count();
    }

    @Test
    void failingHostOpensItsBreakerFailsFastWithTheLastVerdictAndClosesAgainThroughHalfOpen() throws Exception {
        startEngine(8, Duration.ofSeconds(2), BREAKER);
        Check steady = check(TENANT_A, server.url("/flaky"));
        Check failing = check(TENANT_B, server.url("/flaky"));
        assertThat(run(vertx, engine, steady).status()).isEqualTo(Status.UP);
        server.healthy.set(false);
        for (int i = 0; i < 3; i++) {
            CheckResult result = run(vertx, engine, failing);
            assertThat(result.status()).isEqualTo(Status.DOWN);
            assertThat(result.error()).isEqualTo("wanted 2xx, got 500");
        }
        assertThat(server.requests()).isEqualTo(4);
        assertThat(breakers("open")).isEqualTo(1);

        // Open: answered at once (no pool slot, no request) with each target's last verdict.
        Future<CheckResult> steadyWhileOpen = engine.runNow(steady);
        Future<CheckResult> failingWhileOpen = engine.runNow(failing);
        Future<CheckResult> neverChecked = engine.runNow(check(TENANT_A, server.url("/ok")));
        assertThat(List.of(steadyWhileOpen, failingWhileOpen, neverChecked)).allSatisfy(f -> {
            assertThat(f.isComplete()).as("completed without waiting").isTrue();
            assertThat(f.result().error()).isEqualTo("circuit_open");
        });
        assertThat(steadyWhileOpen.result().status()).isEqualTo(Status.UP);
        assertThat(failingWhileOpen.result().status()).isEqualTo(Status.DOWN);
        assertThat(neverChecked.result().status()).as("no verdict yet counts as down").isEqualTo(Status.DOWN);
        assertThat(server.requests()).isEqualTo(4);
        assertThat(engine.pool().saturatedTotal()).isZero();

        // After open_duration the next checks are real half-open trials; two good ones close it.
        server.healthy.set(true);
        Thread.sleep(1_100);
        CheckResult firstTrial = run(vertx, engine, failing);
        assertThat(firstTrial.status()).isEqualTo(Status.UP);
        assertThat(firstTrial.error()).isEmpty();
        assertThat(server.requests()).isEqualTo(5);
        assertThat(breakers("half_open")).isEqualTo(1);
        assertThat(run(vertx, engine, steady).status()).isEqualTo(Status.UP);
        assertThat(breakers("closed")).isEqualTo(1);
        assertThat(breakers("open")).isZero();
        assertThat(run(vertx, engine, failing).error()).isEmpty();
        assertThat(server.requests()).isEqualTo(7);
        assertThat(List.of(transitionsTo("open"), transitionsTo("half_open"), transitionsTo("closed")))
                .containsExactly(1.0, 1.0, 1.0);
    }

    @Test
    void failedHalfOpenTrialOpensTheBreakerAgain() throws Exception {
        startEngine(8, Duration.ofSeconds(2), BREAKER);
        server.healthy.set(false);
        Check failing = check(TENANT_A, server.url("/flaky"));
        for (int i = 0; i < 4; i++) {
            run(vertx, engine, failing);
        }
        assertThat(engine.runNow(failing).result().error()).isEqualTo("circuit_open");
        Thread.sleep(1_100);
        assertThat(run(vertx, engine, failing).error()).isEqualTo("wanted 2xx, got 500");
        assertThat(run(vertx, engine, failing).error()).isEqualTo("wanted 2xx, got 500");
        assertThat(engine.runNow(failing).result().error()).isEqualTo("circuit_open");
        assertThat(transitionsTo("open")).isEqualTo(2);
        assertThat(server.requests()).isEqualTo(6);
    }

    /** Regression: one tenant's failing assertion (a 404 on its own path) opened the breaker every tenant shares. */
    @Test
    void aTenantsFailingAssertionsNeverOpenTheSharedBreaker() throws Exception {
        startEngine(8, Duration.ofSeconds(2), BREAKER);
        Check wrongPath = check(TENANT_A, server.url("/status/404"));
        for (int i = 0; i < 6; i++) {
            CheckResult result = run(vertx, engine, wrongPath);
            assertThat(result.status()).isEqualTo(Status.DOWN);
            assertThat(result.error()).isEqualTo("wanted 2xx, got 404");
        }
        assertThat(breakers("open")).isZero();
        CheckResult other = run(vertx, engine, check(TENANT_B, server.url("/ok")));
        assertThat(other.status()).isEqualTo(Status.UP);
        assertThat(other.error()).isEmpty();
    }

    @Test
    void closedPortOpensTheBreakerOfItsHost() throws Exception {
        startEngine(8, Duration.ofSeconds(2), BREAKER);
        Check refused = check(TENANT_A, new TcpSpec("127.0.0.1", closedPort(), null, null));
        for (int i = 0; i < 4; i++) {
            assertThat(run(vertx, engine, refused).error()).isEqualTo("connection refused");
        }
        CheckResult open = engine.runNow(refused).result();
        assertThat(open.status()).isEqualTo(Status.DOWN);
        assertThat(open.error()).isEqualTo("circuit_open");
        assertThat(engine.runNow(check(TENANT_B, server.url("/ok"))).result().error())
                .as("the breaker is the host's, whatever the port or tenant").isEqualTo("circuit_open");
    }

    @Test
    void poolSaturationNeverCountsAgainstTheHostsBreaker() throws Exception {
        startEngine(1, Duration.ZERO, new BreakerSettings(50, 2, 2, Duration.ofMinutes(1), 1));
        Future<CheckResult> holding = onLoop(vertx, () -> engine.runNow(check(TENANT_A, server.url("/delay/500"))));
        EngineTestKit.eventually(Duration.ofSeconds(2), () -> engine.pool().running() == 1);
        List<CheckResult> saturated = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            saturated.add(run(vertx, engine, check(TENANT_A, server.url("/ok"))));
        }
        assertThat(saturated).allSatisfy(result -> {
            assertThat(result.status()).isEqualTo(Status.ERROR);
            assertThat(result.error()).isEqualTo("pool saturated");
        });
        assertThat(await(holding).status()).isEqualTo(Status.UP);
        assertThat(run(vertx, engine, check(TENANT_A, server.url("/ok"))).status()).isEqualTo(Status.UP);
        assertThat(breakers("closed")).isEqualTo(1);
        assertThat(transitionsTo("open")).isZero();
    }
}
