package dev.heliograph.controlplane.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.ApiClient;
import dev.heliograph.controlplane.Await;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.controlplane.PrivateClickHouse;
import dev.heliograph.controlplane.RecordingHttpServer;
import dev.heliograph.controlplane.TestServices;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Component health of a control plane on the real PostgreSQL and ClickHouse (issue 3,
 * "Components"): every component is listed with a state, {@code /readyz} follows the required
 * ones, a ClickHouse outage marks {@code clickhouse} and {@code batcher} unhealthy without stopping
 * checks or readiness, and a stopped control plane reports its parts {@code exited}.
 */
class ComponentHealthIT {
    private static final List<String> COMPONENTS = List.of("config", "postgres", "clickhouse", "batcher", "scheduler",
            "worker_pool", "api_server", "control_server", "agent_server", "alerting");

    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;
    private RecordingHttpServer target;

    @BeforeEach
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        target = new RecordingHttpServer(Duration.ZERO);
    }

    @AfterEach
    void stop() throws Exception {
        if (plane != null) {
            plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
        target.close();
        services.close();
    }

    @Test
    void everyComponentIsListedHealthyAndTheControlPlaneIsReady() throws Exception {
        plane = ControlPlane.start(vertx, services.config(), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
        ApiClient api = new ApiClient(plane.apiPort());

        ApiClient.Answer health = api.get("/api/v1/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("healthy");
        assertThat(health.json().path("ready").asBoolean()).isTrue();
        JsonNode components = health.json().path("components");
        assertThat(components.findValuesAsText("name")).containsExactlyElementsOf(COMPONENTS);
        for (JsonNode component : components) {
            assertThat(component.path("health").asText()).as(component.toString()).isEqualTo("healthy");
            assertThat(component.path("reason").asText()).as(component.toString()).isNotBlank();
            assertThat(Instant.parse(component.path("since").asText())).isBeforeOrEqualTo(Instant.now());
        }
        assertThat(required(components)).containsExactly("postgres", "scheduler", "worker_pool", "api_server", "agent_server");

        ApiClient.Answer ready = api.get("/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().path("status").asText()).isEqualTo("ready");
        assertThat(ready.json().path("components").findValuesAsText("name")).containsExactlyElementsOf(COMPONENTS);
        assertThat(api.get("/healthz").status()).isEqualTo(200);
    }

    @Test
    void clickHouseOutageLeavesChecksAndReadinessRunningAndHealsWhenItIsBack() throws Exception {
        try (PrivateClickHouse clickhouse = PrivateClickHouse.launch()) {
            plane = ControlPlane.start(vertx, services.config("clickhouse.url=" + clickhouse.url(),
                    "batcher.retry_max_ms=1000"), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
            ApiClient api = new ApiClient(plane.apiPort());
            String path = "/outage/" + UUID.randomUUID();
            ApiClient.Answer created = api.post("/api/v1/targets", "{\"name\":\"outage\",\"kind\":\"http\",\"spec\":{\"url\":\""
                    + target.url(path) + "\"},\"interval_s\":1,\"timeout_ms\":900}");
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            Await.until("first check", Duration.ofSeconds(5), () -> target.hits(path) > 0);

            clickhouse.stop();
            Await.until("clickhouse and batcher unhealthy", Duration.ofSeconds(15),
                    () -> health(api, "clickhouse").equals("unhealthy") && health(api, "batcher").equals("unhealthy"));
            assertThat(reason(api, "batcher")).contains("writes failing");
            assertThat(api.get("/readyz").status()).as("ClickHouse is not required: the batcher queues").isEqualTo(200);
            assertThat(health(api, "scheduler")).isEqualTo("healthy");
            int hits = target.hits(path);
            Await.until("checks go on during the outage", Duration.ofSeconds(5), () -> target.hits(path) > hits + 1);
            assertThat(plane.batcher().stats().queued()).isPositive();

            clickhouse.start();
            Await.until("clickhouse and batcher healthy again", Duration.ofSeconds(30),
                    () -> health(api, "clickhouse").equals("healthy") && health(api, "batcher").equals("healthy"));

            plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
            for (String name : List.of("scheduler", "worker_pool", "batcher", "api_server", "control_server", "agent_server", "alerting", "postgres",
                    "clickhouse")) {
                assertThat(plane.components().get(name).orElseThrow().health()).as(name).isEqualTo(HealthState.EXITED);
            }
            assertThat(plane.components().ready()).isFalse();
            plane = null;
        }
    }

    private static List<String> required(JsonNode components) {
        List<String> names = new java.util.ArrayList<>();
        components.forEach(c -> {
            if (c.path("required").asBoolean()) {
                names.add(c.path("name").asText());
            }
        });
        return names;
    }

    private static String health(ApiClient api, String name) {
        return component(api, name).path("health").asText();
    }

    private static String reason(ApiClient api, String name) {
        return component(api, name).path("reason").asText();
    }

    private static JsonNode component(ApiClient api, String name) {
        for (JsonNode component : api.get("/api/v1/health").json().path("components")) {
            if (component.path("name").asText().equals(name)) {
                return component;
            }
        }
        throw new AssertionError("no component " + name);
    }
}
