package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.ApiClient;
import dev.heliograph.controlplane.Await;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.controlplane.RecordingHttpServer;
import dev.heliograph.controlplane.TestServices;
import dev.heliograph.domain.OrgId;
import dev.heliograph.probe.agent.protocol.AgentProtocol;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code GET /api/v1/dashboard} end to end: real checks of a loopback HTTP server and a closed port
 * through the in-process engine, a region whose only agent never polls, results in the real
 * ClickHouse. The counts match what was created and checked, and an org's answer is cached for 5 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardIT {
    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;
    private RecordingHttpServer server;
    private ApiClient api;

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        // An agent silent for 2 s is not_reporting.
        plane = ControlPlane.start(vertx, services.config("agents.heartbeat_interval_s=1", "agents.threshold_multiplier=2",
                "agents.evaluate_interval_s=1"), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
        server = new RecordingHttpServer(Duration.ZERO);
        api = new ApiClient(plane.apiPort());
        assertThat(api.post("/api/v1/regions", "{\"name\":\"far\"}").status()).isEqualTo(201);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String http = "\"kind\":\"http\",\"spec\":{\"url\":\"" + server.url("/health") + "\"},\"interval_s\":1,\"timeout_ms\":500";
        create("up-a", http + ",\"regions\":[\"local\"]");
        create("up-both", http + ",\"regions\":[\"local\",\"far\"]");
        create("down", "\"kind\":\"tcp\",\"spec\":{\"host\":\"127.0.0.1\",\"port\":" + closedPort + "},\"interval_s\":1,\"timeout_ms\":500");
        create("far-only", http + ",\"regions\":[\"far\"]");
        create("paused", http + ",\"enabled\":false");
        registerSilentAgent("far");
    }

    @AfterAll
    void stop() throws Exception {
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        server.close();
        services.close();
    }

    private static void create(ApiClient client, String name, String fields) {
        ApiClient.Answer created = client.post("/api/v1/targets", "{\"name\":\"" + name + "\"," + fields + "}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
    }

    private void create(String name, String fields) {
        create(api, name, fields);
    }

    /** An agent of {@code region} that registers and never polls: {@code ok} at first, {@code not_reporting} 2 s later. */
    private void registerSilentAgent(String region) throws Exception {
        ApiClient.Answer token = api.post("/api/v1/regions/" + region + "/registration-tokens", "{}");
        assertThat(token.status()).as(token.text()).isEqualTo(201);
        ApiClient agents = new ApiClient("https://127.0.0.1:" + plane.agentPort(), ApiClient.trusting(services.tlsDir().resolve("ca.pem")));
        ApiClient.Answer registered = agents.withKey(null).post(AgentProtocol.REGISTER, "{\"token\":\"" + token.json().path("token").asText()
                + "\",\"name\":\"silent\",\"version\":\"test\"}");
        assertThat(registered.status()).as(registered.text()).isEqualTo(200);
    }

    private static JsonNode dashboard(ApiClient client) {
        ApiClient.Answer answer = client.get("/api/v1/dashboard");
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return answer.json();
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void targetsAreCountedByTheirLatestStatusAndRegionAndAgentsByStatus() {
        JsonNode expectedTargets = json("""
                {"total": 5, "enabled": 4, "disabled": 1,
                 "by_status": {"up": 2, "degraded": 0, "down": 1, "error": 0, "unknown": 1},
                 "by_region": [
                   {"region": "far", "targets": 2, "by_status": {"up": 0, "degraded": 0, "down": 0, "error": 0, "unknown": 2}},
                   {"region": "local", "targets": 3, "by_status": {"up": 2, "degraded": 0, "down": 1, "error": 0, "unknown": 0}}]}
                """);
        JsonNode expectedAgents = json("{\"total\": 1, \"ok\": 0, \"not_reporting\": 1}");
        AtomicReference<JsonNode> last = new AtomicReference<>();
        Await.until("the dashboard counts every target and the silent agent", Duration.ofSeconds(30), () -> {
            last.set(dashboard(api));
            return last.get().path("targets").equals(expectedTargets) && last.get().path("agents").equals(expectedAgents);
        });
        assertThat(server.hits("/health")).isPositive();

        // A viewer may read it; another org sees none of it (no targets, so no regions and no agents).
        ApiClient.Answer key = api.post("/api/v1/api-keys", "{\"name\":\"dash-viewer\",\"role\":\"viewer\"}");
        assertThat(dashboard(api.withKey(key.json().path("key").asText())).path("targets")).isEqualTo(expectedTargets);
        ApiClient.Answer org = api.post("/api/v1/orgs", "{\"name\":\"dash-other\"}");
        JsonNode other = dashboard(api.withKey(org.json().path("admin_key").asText()));
        assertThat(other.path("targets").path("total").asLong()).isZero();
        assertThat(other.path("targets").path("by_region")).isEmpty();
        assertThat(other.path("agents")).isEqualTo(json("{\"total\": 0, \"ok\": 0, \"not_reporting\": 0}"));
        assertThat(other.path("checks_last_minute").path("checks").asLong()).isZero();
    }

    @Test
    void checksOfTheLastCompleteMinuteMatchTheStoredResults() {
        // The targets check every second from the start; wait for a minute boundary after that.
        AtomicReference<JsonNode> last = new AtomicReference<>();
        AtomicReference<String> stored = new AtomicReference<>();
        Await.until("a complete minute whose checks the dashboard and ClickHouse agree on", Duration.ofSeconds(90), () -> {
            JsonNode checks = dashboard(api).path("checks_last_minute");
            last.set(checks);
            long minute = Instant.parse(checks.path("minute").asText()).getEpochSecond();
            String where = "org_id = toUUID('" + OrgId.DEFAULT + "') AND started_at >= toDateTime(" + minute
                    + ") AND started_at < toDateTime(" + (minute + 60) + ")";
            try {
                long all = services.countResults(where);
                long up = services.countResults(where + " AND status IN ('up', 'degraded')");
                stored.set(all + " checks, " + up + " up");
                return all > 0 && checks.path("checks").asLong() == all && checks.path("up_checks").asLong() == up;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JsonNode checks = last.get();
        // Three targets are checked from the local region once a second: two up, one down.
        assertThat(checks.path("checks").asLong()).as(stored.get()).isBetween(2L, 3L * 61);
        assertThat(checks.path("up_checks").asLong()).as("the closed port is down").isLessThan(checks.path("checks").asLong()).isPositive();
    }

    @Test
    void anOrgsDashboardIsCachedForFiveSecondsAndConcurrentMissesShareOneComputation() throws Exception {
        ApiClient.Answer org = api.post("/api/v1/orgs", "{\"name\":\"dash-cache\"}");
        ApiClient client = api.withKey(org.json().path("admin_key").asText());
        // A freshly computed answer: generated less than a second ago.
        AtomicReference<JsonNode> fresh = new AtomicReference<>();
        Await.until("a fresh computation", Duration.ofSeconds(10), () -> {
            fresh.set(dashboard(client));
            return Duration.between(Instant.parse(fresh.get().path("generated_at").asText()), Instant.now()).toMillis() < 1_000;
        });
        Instant generated = Instant.parse(fresh.get().path("generated_at").asText());
        assertThat(fresh.get().path("targets").path("total").asLong()).isZero();

        create(client, "cached", "\"kind\":\"tcp\",\"spec\":{\"host\":\"127.0.0.1\",\"port\":9},\"enabled\":false");
        JsonNode cached = dashboard(client);
        assertThat(Duration.between(generated, Instant.now())).as("still within 5 s").isLessThan(Duration.ofSeconds(4));
        assertThat(cached).as("the cached answer, not yet the new target").isEqualTo(fresh.get());

        AtomicReference<JsonNode> changed = new AtomicReference<>();
        Await.until("the cache expires", Duration.ofSeconds(8), () -> {
            changed.set(dashboard(client));
            return changed.get().path("targets").path("total").asLong() == 1;
        });
        Instant regenerated = Instant.parse(changed.get().path("generated_at").asText());
        assertThat(Duration.between(generated, regenerated)).isGreaterThanOrEqualTo(Duration.ofSeconds(5));

        // After the next expiry, eight concurrent requests get one computation.
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), regenerated.plusMillis(5_300)).toMillis()));
        ExecutorService threads = Executors.newFixedThreadPool(8);
        Set<String> generatedAt = new HashSet<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return dashboard(client);
                }, threads));
            }
            go.countDown();
            for (CompletableFuture<JsonNode> answer : answers) {
                generatedAt.add(answer.get(30, TimeUnit.SECONDS).path("generated_at").asText());
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(generatedAt).hasSize(1);
        assertThat(Instant.parse(generatedAt.iterator().next())).isAfter(regenerated);
    }
}
