package dev.heliograph.probe;

import static dev.heliograph.probe.EngineTestKit.TENANT_A;
import static dev.heliograph.probe.EngineTestKit.await;
import static dev.heliograph.probe.EngineTestKit.check;
import static dev.heliograph.probe.EngineTestKit.closedPort;
import static dev.heliograph.probe.EngineTestKit.eventually;
import static dev.heliograph.probe.EngineTestKit.onLoop;
import static dev.heliograph.probe.EngineTestKit.run;
import static dev.heliograph.probe.EngineTestKit.settings;
import static dev.heliograph.probe.EngineTestKit.target;
import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.HttpSpec;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TcpSpec;
import dev.heliograph.probe.EngineSettings.BreakerSettings;
import dev.heliograph.probe.check.Check;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The meters of {@link ProbeEngine}, after real checks against local servers. */
class ProbeEngineMetricsTest {
    /** Opens once the last 2 checks of one host both failed. */
    private static final BreakerSettings QUICK = new BreakerSettings(100, 2, 2, Duration.ofMinutes(1), 1);

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

    /**
     * Runs: a scheduled HTTP target until its first result reaches the sink, a throttled burst (cap 1),
     * then a closed port twice (DOWN, opening the host's breaker) and once more (circuit_open).
     */
    private void exercise(MeterRegistry registry) throws Exception {
        List<CheckResult> sunk = new CopyOnWriteArrayList<>();
        engine = await(ProbeEngine.start(vertx, settings(4, Duration.ofSeconds(1), QUICK, 1), Clock.systemUTC(),
                sunk::add, registry));
        Target scheduled = target(TENANT_A, HttpSpec.get(server.url("/ok")), Duration.ofSeconds(2));
        engine.apply(scheduled);
        eventually(Duration.ofSeconds(3), () -> !sunk.isEmpty());
        engine.remove(scheduled.id());
        assertThat(sunk).hasSize(1);
        assertThat(sunk.getFirst().status()).isEqualTo(Status.UP);

        Future<CheckResult> slow = onLoop(vertx, () -> engine.runNow(check(TENANT_A, server.url("/delay/200"))));
        Future<CheckResult> throttled = onLoop(vertx, () -> engine.runNow(check(TENANT_A, server.url("/delay/200"))));
        assertThat(List.of(await(slow), await(throttled))).extracting(CheckResult::status)
                .containsExactlyInAnyOrder(Status.UP, Status.DEGRADED);

        Check refused = check(TENANT_A, new TcpSpec("127.0.0.1", closedPort(), null, null));
        for (int i = 0; i < 3; i++) {
            run(vertx, engine, refused);
        }
        await(engine.pool().whenIdle()); // a slot frees just after its result is handed over
    }

    @Test
    void everyMeterExistsWithItsTags() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        exercise(registry);

        assertThat(registry.get("heliograph.checks").tags("kind", "http", "status", "up", "region", "local")
                .counter().count()).isGreaterThanOrEqualTo(2);
        assertThat(registry.get("heliograph.checks").tags("kind", "http", "status", "degraded", "region", "local")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get("heliograph.checks").tags("kind", "tcp", "status", "down", "region", "local")
                .counter().count()).as("two refused and one circuit_open").isEqualTo(3);
        assertThat(registry.get("heliograph.check.duration").tags("kind", "http", "region", "local").timer().count())
                .as("only checks that ran").isGreaterThanOrEqualTo(2);
        assertThat(registry.get("heliograph.check.duration").tags("kind", "tcp", "region", "local").timer().count())
                .isEqualTo(2);
        for (String phase : List.of("dns", "connect", "ttfb")) {
            assertThat(registry.get("heliograph.check.phase").tags("phase", phase, "kind", "http").timer().count())
                    .as(phase).isPositive();
        }
        assertThat(registry.get("heliograph.check.phase").tags("phase", "tls", "kind", "http").timer().count())
                .as("no TLS on plain http").isZero();
        assertThat(registry.get("heliograph.scheduler.lag").timer().count()).isGreaterThanOrEqualTo(4);
        assertThat(registry.get("heliograph.pool.in.flight").gauge().value()).isZero();
        assertThat(registry.get("heliograph.pool.waiting").gauge().value()).isZero();
        assertThat(registry.get("heliograph.pool.capacity").gauge().value()).isEqualTo(4);
        assertThat(registry.get("heliograph.pool.saturated").functionCounter().count()).isZero();
        assertThat(registry.get("heliograph.breaker.state").tag("state", "open").gauge().value()).isEqualTo(1);
        assertThat(registry.get("heliograph.breaker.state").tag("state", "closed").gauge().value()).isZero();
        assertThat(registry.get("heliograph.breaker.state").tag("state", "half_open").gauge().value()).isZero();
        assertThat(registry.get("heliograph.breaker.transitions").tag("to", "open").counter().count()).isEqualTo(1);
        assertThat(registry.get("heliograph.breaker.transitions").tag("to", "closed").counter().count()).isZero();
        assertThat(registry.get("heliograph.bulkhead.rejections").counter().count()).isEqualTo(1);
    }

    @Test
    void prometheusExportsTheDocumentedNames() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        exercise(registry);
        assertThat(registry.scrape()).contains(
                "heliograph_checks_total{kind=\"http\",region=\"local\",status=\"up\"}",
                "heliograph_checks_total{kind=\"tcp\",region=\"local\",status=\"down\"} 3",
                "heliograph_check_duration_seconds_bucket{kind=\"http\",region=\"local\",le=",
                "heliograph_check_phase_seconds_bucket{kind=\"http\",phase=\"connect\",le=\"0.005\"}",
                "heliograph_scheduler_lag_seconds_bucket{le=",
                "heliograph_pool_in_flight 0",
                "heliograph_pool_waiting 0",
                "heliograph_pool_capacity 4",
                "heliograph_pool_saturated_total 0",
                "heliograph_breaker_state{state=\"open\"} 1",
                "heliograph_breaker_state{state=\"half_open\"} 0",
                "heliograph_breaker_transitions_total{to=\"open\"} 1",
                "heliograph_bulkhead_rejections_total 1");
    }
}
