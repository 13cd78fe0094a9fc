package dev.heliograph.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.query.QueryResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.controlplane.secrets.StoredSecrets;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, secrets in target specs, against the real PostgreSQL and ClickHouse: secret headers,
 * basic auth and a secret body reach the target, while no API answer, Postgres row, ClickHouse row
 * or log line holds them; {@code "***"} keeps them on update; start-up needs the right key; rotation
 * moves them to a new key.
 */
class SecretsIT {
    private static final String OTHER_KEY = "aGVsaW9ncmFwaC10ZXN0LWtleS1yb3RhdGVkLTAwMDE=";
    private static final String WRONG_KEY = "aGVsaW9ncmFwaC10ZXN0LWtleS13cm9uZy0wMDAwMDA=";
    private static final String MARK = "planted-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String TOKEN = "Bearer token-" + MARK;
    private static final String API_KEY = "api-key-" + MARK;
    private static final String BODY = "{\"token\": \"body-" + MARK + "\"}";
    private static final String PASSWORD = "password-" + MARK;
    private static final String BASIC = Base64.getEncoder().encodeToString(("monitor:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    private static final String MISSING_KEY_LINE =
            "heliograph: cannot start: targets hold encrypted secrets but secret.key (HELIOGRAPH_SECRET_KEY) is not set";
    private static final String WRONG_KEY_LINE = "heliograph: cannot start: secret.key does not decrypt the stored secrets "
            + "(wrong key? while rotating, set secret.previous_key to the old key)";

    private TestServices services;
    private RecordingHttpServer server;
    private Vertx vertx;
    private final List<ApiClient.Answer> answers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        services = new TestServices();
        server = new RecordingHttpServer(Duration.ZERO);
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        server.close();
        services.close();
    }

    @Test
    void secretsReachTheTargetButNoAnswerRowOrResult() throws Exception {
        ControlPlane plane = startPlane().await(60, TimeUnit.SECONDS);
        try {
            ApiClient api = new ApiClient(plane.apiPort());
            String pathA = "/headers/" + UUID.randomUUID();
            String pathB = "/basic/" + UUID.randomUUID();

            ApiClient.Answer conflict = record(api.post("/api/v1/targets", target("conflict",
                    "{\"url\": \"" + server.url("/c") + "\", \"headers\": {\"Authorization\": \"" + TOKEN + "\"}, "
                            + "\"basic_auth\": {\"username\": \"monitor\", \"password\": \"" + PASSWORD + "\"}}")));
            assertFieldError(conflict, "spec.basic_auth", "CONFLICT");
            assertFieldError(record(api.post("/api/v1/targets", target("stars", "{\"url\": \"" + server.url("/s")
                    + "\", \"headers\": {\"Authorization\": \"***\"}}"))), "spec.headers.Authorization", "SECRET_NOT_SET");

            ApiClient.Answer a = record(api.post("/api/v1/targets", target("headers", headerSpec(pathA, "before"))));
            ApiClient.Answer b = record(api.post("/api/v1/targets", target("basic", basicSpec(pathB))));
            assertThat(a.status()).as(a.text()).isEqualTo(201);
            assertThat(b.status()).as(b.text()).isEqualTo(201);
            JsonNode masked = Json.MAPPER.readTree("{\"value\": \"***\", \"secret\": true}");
            assertThat(a.json().path("spec").path("headers").path("Authorization")).isEqualTo(masked);
            assertThat(a.json().path("spec").path("headers").path("X-Api-Key")).isEqualTo(masked);
            assertThat(a.json().path("spec").path("headers").path("X-Trace").asText()).isEqualTo("before");
            assertThat(a.json().path("spec").path("body")).isEqualTo(masked);
            assertThat(b.json().path("spec").path("basic_auth").path("password")).isEqualTo(masked);
            assertThat(b.json().path("spec").path("basic_auth").path("username").asText()).isEqualTo("monitor");

            awaitSecretsReceived(pathA, pathB, "before");
            String idA = a.json().path("id").asText();
            String idB = b.json().path("id").asText();
            Await.until("results of both targets in ClickHouse", Duration.ofSeconds(10), () -> rows(idA) > 0 && rows(idB) > 0);

            // A client sends back what it read, with one change: the stored secrets stay.
            ApiClient.Answer read = record(api.get("/api/v1/targets/" + idA));
            ObjectNode spec = (ObjectNode) read.json().path("spec");
            ((ObjectNode) spec.path("headers")).put("X-Trace", "after");
            ApiClient.Answer updated = record(api.put("/api/v1/targets/" + idA, target("headers", spec.toString())));
            assertThat(updated.status()).as(updated.text()).isEqualTo(200);
            awaitSecretsReceived(pathA, pathB, "after");
            ((ObjectNode) spec.path("headers")).put("X-New", "***");
            assertFieldError(record(api.put("/api/v1/targets/" + idA, target("headers", spec.toString()))),
                    "spec.headers.X-New", "SECRET_NOT_SET");

            record(api.get("/api/v1/targets/" + idB));
            record(api.get("/api/v1/targets?limit=10"));
            record(api.get("/api/v1/targets/" + idA + "/results?limit=50"));
            ApiClient.Answer checkNow = record(api.post("/api/v1/targets/" + idB + "/check-now", ""));
            assertThat(checkNow.json().path("results").path(0).path("status").asText()).as(checkNow.text()).isEqualTo("up");
            ApiClient.Answer test = record(api.post("/api/v1/targets/test", target("test", headerSpec(pathA, "test"))));
            assertThat(test.json().path("results").path(0).path("status").asText()).as(test.text()).isEqualTo("up");

            assertNoSecretIn("API answers", String.join("\n", answers.stream().map(ApiClient.Answer::text).toList()));
            String stored = storedSpecs();
            assertThat(stored).contains("\"enc\": \"v1:");
            assertNoSecretIn("targets.spec in Postgres", stored);
            assertNoSecretIn("check_results in ClickHouse", allResultRows());
        } finally {
            plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        }
    }

    @Test
    void startUpNeedsAKeyThatDecryptsAndRotationMovesSecretsToTheNewKey() throws Exception {
        ControlPlane plane = startPlane().await(60, TimeUnit.SECONDS);
        String pathA = "/headers/" + UUID.randomUUID();
        String pathB = "/basic/" + UUID.randomUUID();
        ApiClient api = new ApiClient(plane.apiPort());
        assertThat(api.post("/api/v1/targets", target("headers", headerSpec(pathA, "x"))).status()).isEqualTo(201);
        assertThat(api.post("/api/v1/targets", target("basic", basicSpec(pathB))).status()).isEqualTo(201);
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);

        assertThat(startFailure("secret.key=")).isEqualTo(MISSING_KEY_LINE.substring("heliograph: cannot start: ".length()));
        assertThat(startFailure("secret.key=" + WRONG_KEY)).isEqualTo(WRONG_KEY_LINE.substring("heliograph: cannot start: ".length()));

        String before = storedSpecs();
        HeliographConfig rotating = services.config("secret.key=" + OTHER_KEY, "secret.previous_key=" + TestServices.SECRET_KEY);
        StoredSecrets.Rotation rotation = StoredSecrets.rotate(vertx, rotating).await(30, TimeUnit.SECONDS);
        assertThat(rotation).isEqualTo(new StoredSecrets.Rotation(4, 2));
        assertThat(storedSpecs()).isNotEqualTo(before);
        assertNoSecretIn("targets.spec after rotation", storedSpecs());

        // The command line re-encrypts again, under the same key: fresh nonces, same plaintexts.
        String rotatedOnce = storedSpecs();
        assertThat(rotateCommand("secret.key=" + OTHER_KEY)).isEqualTo("exit 0: re-encrypted 4 secrets in 2 targets");
        assertThat(storedSpecs()).isNotEqualTo(rotatedOnce);
        assertThat(rotateCommand("secret.key=" + WRONG_KEY)).isEqualTo("exit 1: heliograph: secrets rotate: "
                + WRONG_KEY_LINE.substring("heliograph: cannot start: ".length()));

        assertThat(startFailure("secret.key=" + TestServices.SECRET_KEY)).as("the old key alone")
                .isEqualTo(WRONG_KEY_LINE.substring("heliograph: cannot start: ".length()));
        ControlPlane rotated = startPlane("secret.key=" + OTHER_KEY).await(60, TimeUnit.SECONDS);
        try {
            int hits = server.hits(pathA);
            Await.until("checks with the new key alone", Duration.ofSeconds(10), () -> server.hits(pathA) > hits);
            awaitSecretsReceived(pathA, pathB, "x");
        } finally {
            rotated.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        }
    }

    @Test
    void withoutAKeySecretFieldsAreRefusedAndPlainTargetsWork() throws Exception {
        ControlPlane plane = startPlane("secret.key=").await(60, TimeUnit.SECONDS);
        try {
            ApiClient api = new ApiClient(plane.apiPort());
            ApiClient.Answer refused = record(api.post("/api/v1/targets", target("headers", headerSpec("/a", "x"))));
            assertFieldError(refused, "spec.headers.Authorization", "SECRET_KEY_MISSING");
            assertFieldError(refused, "spec.body", "SECRET_KEY_MISSING");
            assertThat(refused.text()).contains("HELIOGRAPH_SECRET_KEY");
            assertNoSecretIn("the 422 answer", refused.text());
            assertThat(api.post("/api/v1/targets", target("plain", "{\"url\": \"" + server.url("/plain") + "\"}")).status())
                    .isEqualTo(201);
        } finally {
            plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        }
    }

    @Test
    void realProcessLogsNoSecretAndAWrongKeyStopsItWithOneLine() throws Exception {
        int port = freePort();
        String pathA = "/headers/" + UUID.randomUUID();
        String pathB = "/basic/" + UUID.randomUUID();
        try (ControlPlaneProcess process = ControlPlaneProcess.start(services, "secrets", List.of(), environment -> { },
                "api.port=" + port, "log.level=debug")) {
            ApiClient api = new ApiClient(port);
            process.awaitHealthy(api);
            String idA = record(api.post("/api/v1/targets", target("headers", headerSpec(pathA, "before")))).json().path("id").asText();
            String idB = record(api.post("/api/v1/targets", target("basic", basicSpec(pathB)))).json().path("id").asText();
            Await.until("three checks of each target", Duration.ofSeconds(15),
                    () -> server.hits(pathA) >= 3 && server.hits(pathB) >= 3);
            ObjectNode spec = (ObjectNode) record(api.get("/api/v1/targets/" + idA)).json().path("spec");
            ((ObjectNode) spec.path("headers")).put("X-Trace", "after");
            assertThat(record(api.put("/api/v1/targets/" + idA, target("headers", spec.toString()))).status()).isEqualTo(200);
            awaitSecretsReceived(pathA, pathB, "after");
            record(api.post("/api/v1/targets/" + idB + "/check-now", ""));
            record(api.post("/api/v1/targets", target("conflict", "{\"url\": \"" + server.url("/c") + "\", \"headers\": "
                    + "{\"Authorization\": \"" + TOKEN + "\"}, \"basic_auth\": {\"username\": \"monitor\", \"password\": \""
                    + PASSWORD + "\"}}")));
            process.process().destroy(); // SIGTERM
            assertThat(process.process().waitFor(20, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
            assertNoSecretIn("the log of a run with secret targets", process.logText());
            assertNoSecretIn("API answers", String.join("\n", answers.stream().map(ApiClient.Answer::text).toList()));
        }

        try (ControlPlaneProcess wrong = ControlPlaneProcess.start(services, "secrets-wrong-key", List.of(), environment -> { },
                "secret.key=" + WRONG_KEY)) {
            assertThat(wrong.process().waitFor(60, TimeUnit.SECONDS)).as("exits").isTrue();
            String output = wrong.logText();
            assertThat(wrong.process().exitValue()).as(output).isEqualTo(1);
            assertThat(output.lines().filter(line -> line.contains("cannot start")).toList()).containsExactly(WRONG_KEY_LINE);
            assertThat(output).doesNotContain("\tat ", "Exception");
        }
    }

    private Future<ControlPlane> startPlane(String... overrides) throws Exception {
        List<String> all = new ArrayList<>(List.of("scheduler.refresh_interval_s=2"));
        all.addAll(List.of(overrides));
        return ControlPlane.start(vertx, services.config(all.toArray(String[]::new)), Clock.systemUTC());
    }

    /** The message of the failure of a start with {@code overrides}; fails the test if it starts. */
    private String startFailure(String... overrides) throws Exception {
        Throwable failure = startPlane(overrides).transform(started -> {
            if (started.succeeded()) {
                started.result().stop(Duration.ofSeconds(5));
                return Future.succeededFuture(null);
            }
            return Future.succeededFuture(started.cause());
        }).await(60, TimeUnit.SECONDS);
        assertThat(failure).as("start-up failed").isNotNull();
        return failure.getMessage();
    }

    /** Runs {@code bin/heliograph secrets rotate} on this test's databases; {@code "exit N: OUTPUT"}. */
    private String rotateCommand(String... overrides) throws Exception {
        Path jar = Path.of(System.getProperty("heliograph.jar"));
        // A private copy: a concurrent build may replace the shared JAR.
        Path copy = Files.copy(jar, jar.getParent().resolve("secrets-rotate-" + services.database() + ".jar"),
                StandardCopyOption.REPLACE_EXISTING);
        try {
            List<String> command = new ArrayList<>(List.of(System.getProperty("heliograph.root") + "/bin/heliograph", "secrets", "rotate"));
            services.overrides(overrides).forEach(setting -> command.addAll(List.of("--set", setting)));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("HELIOGRAPH_JAR", copy.toString());
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("rotate exits").isTrue();
            return "exit " + process.exitValue() + ": " + output;
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    private void awaitSecretsReceived(String pathA, String pathB, String trace) {
        Await.until("requests with X-Trace " + trace + " and basic auth", Duration.ofSeconds(10), () ->
                server.last(pathA) != null && trace.equals(server.last(pathA).headers().get("x-trace")) && server.last(pathB) != null);
        RecordingHttpServer.Received a = server.last(pathA);
        assertThat(a.headers()).containsEntry("authorization", TOKEN).containsEntry("x-api-key", API_KEY);
        assertThat(a.body()).isEqualTo(BODY);
        assertThat(server.last(pathB).headers()).containsEntry("authorization", "Basic " + BASIC);
    }

    private String headerSpec(String path, String trace) throws Exception {
        return "{\"method\": \"POST\", \"url\": \"" + server.url(path) + "\", \"headers\": {\"Authorization\": \"" + TOKEN
                + "\", \"X-Api-Key\": {\"value\": \"" + API_KEY + "\", \"secret\": true}, \"X-Trace\": \"" + trace + "\"}, "
                + "\"body\": {\"value\": " + Json.MAPPER.writeValueAsString(BODY) + ", \"secret\": true}}";
    }

    private String basicSpec(String path) {
        return "{\"url\": \"" + server.url(path) + "\", \"basic_auth\": {\"username\": \"monitor\", \"password\": \"" + PASSWORD + "\"}}";
    }

    private static String target(String name, String spec) {
        return "{\"name\": \"" + name + "\", \"kind\": \"http\", \"spec\": " + spec + ", \"interval_s\": 1, \"timeout_ms\": 900}";
    }

    private ApiClient.Answer record(ApiClient.Answer answer) {
        answers.add(answer);
        return answer;
    }

    private static void assertFieldError(ApiClient.Answer answer, String field, String code) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(422);
        assertThat(answer.json().path("error").path("details").path("fields").findValuesAsText("field")).as(answer.text())
                .contains(field);
        List<String> codes = new ArrayList<>();
        answer.json().path("error").path("details").path("fields").forEach(f -> {
            if (f.path("field").asText().equals(field)) {
                codes.add(f.path("code").asText());
            }
        });
        assertThat(codes).as(answer.text()).contains(code);
    }

    private static void assertNoSecretIn(String where, String text) {
        assertThat(text).as(where).doesNotContain(MARK, BASIC);
    }

    private String storedSpecs() throws Exception {
        StringBuilder all = new StringBuilder();
        try (Connection pg = services.postgres(); Statement sql = pg.createStatement();
             ResultSet rows = sql.executeQuery("SELECT spec::text FROM targets ORDER BY id")) {
            while (rows.next()) {
                all.append(rows.getString(1)).append('\n');
            }
        }
        return all.toString();
    }

    private long rows(String targetId) {
        try {
            return services.countResults("target_id = toUUID('" + UUID.fromString(targetId) + "')");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String allResultRows() throws Exception {
        String sql = "SELECT * FROM " + services.database() + ".check_results FORMAT JSONEachRow";
        try (Client client = services.clickhouse(); QueryResponse response = client.query(sql).get(30, TimeUnit.SECONDS)) {
            String rows = new String(response.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rows).as("rows were read").contains("target_id");
            return rows;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
