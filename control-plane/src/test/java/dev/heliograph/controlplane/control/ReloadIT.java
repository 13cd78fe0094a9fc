package dev.heliograph.controlplane.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.ApiClient;
import dev.heliograph.controlplane.Await;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.controlplane.RecordingHttpServer;
import dev.heliograph.controlplane.TestServices;
import dev.heliograph.controlplane.config.ConfigSource;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.controlplane.config.Logging;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code POST /-/reload} on the control server of a control plane started from a real YAML file,
 * against the real PostgreSQL and ClickHouse (issue 3, "Live reload"): live keys apply without a
 * restart, restart-only keys are reported, a broken file changes nothing and marks {@code config}
 * unhealthy, and the next good file heals it. The test's {@code --set} overrides (databases, ports)
 * are applied on top of the file at every reload, as the process does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReloadIT {
    private static final String BASE = """
            pool:
              max_concurrent_checks: 500
            breaker:
              open_duration_s: 30
            log:
              level: info
            """;

    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;
    private RecordingHttpServer target;
    private ApiClient api;
    private ApiClient control;
    private Path file;
    private String levelBefore;

    @BeforeAll
    void start() throws Exception {
        levelBefore = Logging.level();
        services = new TestServices();
        file = Files.createTempFile("heliograph-reload-", ".yaml");
        Files.writeString(file, BASE);
        ConfigSource source = ConfigSource.of(file, Map.of(), services.overrides("scheduler.refresh_interval_s=2"));
        HeliographConfig config = source.load();
        vertx = Vertx.vertx();
        plane = ControlPlane.start(vertx, config, source, Clock.systemUTC()).await(60, TimeUnit.SECONDS);
        target = new RecordingHttpServer(Duration.ZERO);
        api = new ApiClient(plane.apiPort());
        control = new ApiClient(plane.controlPort());
    }

    @AfterAll
    void stop() throws Exception {
        try {
            plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
            vertx.close().await(10, TimeUnit.SECONDS);
            target.close();
            services.close();
            Files.deleteIfExists(file);
        } finally {
            Logging.setLevel(levelBefore == null ? "info" : levelBefore);
        }
    }

    /** Every test starts from the base file, in force and healthy. */
    @BeforeEach
    void resetFile() throws Exception {
        write(BASE);
        assertThat(reload().status()).isEqualTo(200);
        assertThat(componentHealth("config")).isEqualTo("healthy");
        assertThat(plane.engine().settings().maxConcurrentChecks()).isEqualTo(500);
    }

    @Test
    void liveKeyAppliesWithoutRestartAndChecksGoOn() throws Exception {
        String path = "/live/" + UUID.randomUUID();
        createTarget(path);
        Await.until("the target is checked", Duration.ofSeconds(5), () -> target.hits(path) > 0);

        write(BASE.replace("max_concurrent_checks: 500", "max_concurrent_checks: 700")
                .replace("open_duration_s: 30", "open_duration_s: 45"));
        ApiClient.Answer answer = reload();

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(texts(answer.json().path("applied"))).containsExactly("pool.max_concurrent_checks", "breaker.open_duration_s");
        assertThat(answer.json().path("restart_required")).isEmpty();
        assertThat(plane.engine().settings().maxConcurrentChecks()).isEqualTo(700);
        assertThat(plane.engine().pool().capacity()).isEqualTo(700);
        assertThat(plane.engine().settings().breaker().openDuration()).isEqualTo(Duration.ofSeconds(45));
        assertThat(component("config").path("reason").asText()).contains("pool.max_concurrent_checks");

        int hits = target.hits(path);
        Await.until("checks continue after the reload", Duration.ofSeconds(5), () -> target.hits(path) > hits + 1);
    }

    @Test
    void logLevelChangesLive() throws Exception {
        write(BASE.replace("level: info", "level: warn"));
        ApiClient.Answer answer = reload();

        assertThat(texts(answer.json().path("applied"))).containsExactly("log.level");
        assertThat(Logging.level()).isEqualTo("warn");
    }

    @Test
    void restartOnlyKeyIsReportedAndNotApplied() throws Exception {
        write(BASE + "api:\n  max_body_bytes: 2048\nscheduler:\n  lanes: 3\n");
        ApiClient.Answer answer = reload();

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.json().path("applied")).isEmpty();
        assertThat(texts(answer.json().path("restart_required"))).containsExactly("api.max_body_bytes", "scheduler.lanes");
        assertThat(plane.engine().settings().lanes()).isNotEqualTo(3);
        assertThat(componentHealth("config")).isEqualTo("healthy");
        assertThat(component("config").path("reason").asText()).contains("restart required for [api.max_body_bytes, scheduler.lanes]");
        String body = "{\"name\":\"big-" + UUID.randomUUID() + "\",\"kind\":\"http\",\"spec\":{\"url\":\"" + target.url("/big")
                + "\",\"body\":\"" + "x".repeat(4_000) + "\"},\"interval_s\":60,\"enabled\":false}";
        assertThat(api.post("/api/v1/targets", body).status()).as("old body limit still in force").isEqualTo(201);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bad YAML         | 'pool: [unclosed\\n'                            | cannot read
            unknown key      | 'pool:\\n  max_concurent_checks: 900\\n'        | unknown key pool.max_concurent_checks
            out-of-range     | 'pool:\\n  max_concurrent_checks: 0\\n'         | pool.max_concurrent_checks must be between 1 and 1000000 (got 0)
            wrong type       | 'pool:\\n  max_concurrent_checks: many\\n'      | pool.max_concurrent_checks must be a whole number
            """)
    void brokenFileChangesNothingMarksConfigUnhealthyAndAGoodOneHeals(String name, String yaml, String problem)
            throws Exception {
        write(yaml.replace("\\n", "\n"));
        ApiClient.Answer refused = reload();

        assertThat(refused.status()).as(refused.text()).isEqualTo(422);
        JsonNode error = refused.json().path("error");
        assertThat(error.path("code").asText()).isEqualTo("CONFIG_INVALID");
        assertThat(error.path("request_id").asText()).isNotBlank();
        assertThat(texts(error.path("details").path("problems"))).anyMatch(p -> p.contains(problem));
        assertThat(componentHealth("config")).isEqualTo("unhealthy");
        assertThat(component("config").path("reason").asText()).contains(problem);
        assertThat(plane.engine().settings().maxConcurrentChecks()).as("last good setting still in force").isEqualTo(500);
        assertThat(api.get("/readyz").status()).as("a bad file does not take the control plane out of service").isEqualTo(200);
        assertThat(api.get("/api/v1/health").json().path("status").asText()).isEqualTo("unhealthy");

        write(BASE.replace("max_concurrent_checks: 500", "max_concurrent_checks: 600"));
        ApiClient.Answer healed = reload();
        assertThat(healed.status()).as(healed.text()).isEqualTo(200);
        assertThat(texts(healed.json().path("applied"))).containsExactly("pool.max_concurrent_checks");
        assertThat(componentHealth("config")).isEqualTo("healthy");
        assertThat(plane.engine().settings().maxConcurrentChecks()).isEqualTo(600);
    }

    @Test
    void controlServerServesHealthAndOnlyPostReloads() {
        ApiClient.Answer health = control.get("/-/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("components").findValuesAsText("name")).contains("config", "control_server");

        ApiClient.Answer wrongMethod = control.get("/-/reload");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.json().path("error").path("code").asText()).isEqualTo("METHOD_NOT_ALLOWED");
    }

    private ApiClient.Answer reload() {
        return control.post("/-/reload", "");
    }

    private JsonNode component(String name) {
        for (JsonNode component : api.get("/api/v1/health").json().path("components")) {
            if (component.path("name").asText().equals(name)) {
                return component;
            }
        }
        throw new AssertionError("no component " + name);
    }

    private String componentHealth(String name) {
        return component(name).path("health").asText();
    }

    private void createTarget(String path) {
        String body = "{\"name\":\"reload-" + UUID.randomUUID() + "\",\"kind\":\"http\",\"spec\":{\"url\":\""
                + target.url(path) + "\"},\"interval_s\":1,\"timeout_ms\":900}";
        ApiClient.Answer created = api.post("/api/v1/targets", body);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
    }

    private void write(String yaml) throws Exception {
        Files.writeString(file, yaml);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
