package dev.heliograph.probe;

import static dev.heliograph.probe.EngineTestKit.LENIENT;
import static dev.heliograph.probe.EngineTestKit.TENANT_A;
import static dev.heliograph.probe.EngineTestKit.TENANT_B;
import static dev.heliograph.probe.EngineTestKit.await;
import static dev.heliograph.probe.EngineTestKit.check;
import static dev.heliograph.probe.EngineTestKit.onLoop;
import static dev.heliograph.probe.EngineTestKit.settings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-tenant host bulkheads of {@link ProbeEngine}, against a real slow HTTP server on 127.0.0.1. */
class ProbeEngineBulkheadTest {
    private static final int CAP = 3;
    private static final long SERVER_DELAY_MS = 1_000;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Vertx vertx;
    private LocalHttpServer server;
    private ProbeEngine engine;

    /** A result and how long after its submission it arrived (ms). */
    private record Timed(CheckResult result, long afterMs) {
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = LocalHttpServer.start(vertx);
        engine = await(ProbeEngine.start(vertx, settings(32, Duration.ofSeconds(5), LENIENT, CAP), Clock.systemUTC(),
                result -> true, registry));
    }

    @AfterEach
    void stop() {
        await(engine.shutdown(Duration.ofSeconds(2)));
        await(vertx.close());
    }

    private List<Future<Timed>> burst(OrgId tenant, int checks, String path) {
        List<Future<Timed>> all = new ArrayList<>();
        for (int i = 0; i < checks; i++) {
            long submitted = System.nanoTime();
            all.add(onLoop(vertx, () -> engine.runNow(check(tenant, server.url(path))))
                    .map(result -> new Timed(result, (System.nanoTime() - submitted) / 1_000_000)));
        }
        return all;
    }

    private static List<Timed> results(List<Future<Timed>> futures) {
        return futures.stream().map(EngineTestKit::await).toList();
    }

    @Test
    void oneTenantsFloodIsCappedWhileAnotherTenantsChecksOfTheSameHostKeepTheirLatency() {
        List<Future<Timed>> flood = burst(TENANT_A, 12, "/delay/" + SERVER_DELAY_MS);
        List<Future<Timed>> neighbour = burst(TENANT_B, CAP, "/delay/" + SERVER_DELAY_MS);

        List<Timed> floodResults = results(flood);
        List<Timed> throttled = floodResults.stream().filter(t -> t.result().status() == Status.DEGRADED).toList();
        assertThat(throttled).hasSize(12 - CAP).allSatisfy(t -> {
            assertThat(t.result().error()).isEqualTo("throttled: host concurrency cap");
            assertThat(t.afterMs()).as("rejected at once").isLessThan(300);
        });
        assertThat(floodResults).filteredOn(t -> t.result().status() == Status.UP).hasSize(CAP);
        assertThat(results(neighbour)).allSatisfy(t -> {
            assertThat(t.result().status()).isEqualTo(Status.UP);
            assertThat(t.result().error()).isEmpty();
            assertThat(t.afterMs()).as("about the server's own delay, not queued behind tenant A")
                    .isBetween(SERVER_DELAY_MS - 50, SERVER_DELAY_MS + 450);
        });
        assertThat(server.peakConcurrency()).isEqualTo(2 * CAP);
        assertThat(registry.get("heliograph.bulkhead.rejections").counter().count()).isEqualTo(12 - CAP);
        assertThat(registry.get("heliograph.breaker.state").tag("state", "closed").gauge().value())
                .as("throttled checks say nothing about the host").isEqualTo(1);
    }

    @Test
    void capFreesAsChecksFinish() {
        assertThat(results(burst(TENANT_A, CAP, "/delay/100"))).allSatisfy(t -> assertThat(t.result().status()).isEqualTo(Status.UP));
        assertThat(results(burst(TENANT_A, CAP, "/delay/100"))).allSatisfy(t -> assertThat(t.result().status()).isEqualTo(Status.UP));
        assertThat(registry.get("heliograph.bulkhead.rejections").counter().count()).isZero();
    }

    @Test
    void capIsPerPortOfTheHost() throws Exception {
        LocalHttpServer other = LocalHttpServer.start(vertx);
        List<CheckResult> results = new CopyOnWriteArrayList<>();
        List<Future<CheckResult>> all = new ArrayList<>();
        for (int i = 0; i < CAP; i++) {
            all.add(onLoop(vertx, () -> engine.runNow(check(TENANT_A, server.url("/delay/300")))));
            all.add(onLoop(vertx, () -> engine.runNow(check(TENANT_A, other.url("/delay/300")))));
        }
        all.forEach(f -> results.add(await(f)));
        assertThat(results).hasSize(2 * CAP).allSatisfy(r -> assertThat(r.status()).isEqualTo(Status.UP));
    }
}
