package dev.heliograph.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.codec.Json;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real process ({@code bin/heliograph control-plane}) and its signals (issue 3, "Live reload",
 * "Graceful shutdown", "Structured logs"): SIGHUP re-reads the {@code --config} file (a bad one
 * changes nothing and marks {@code config} unhealthy); a second SIGTERM while stopping exits at once
 * with 143; with its output going to a file (no terminal) it logs JSON lines, and API lines carry
 * the request id.
 */
class ProcessSignalsIT {
    private TestServices services;
    private RecordingHttpServer slow;
    private Process process;
    private Path log;
    private Path jarCopy;
    private Path config;

    @BeforeEach
    void start() throws Exception {
        services = new TestServices();
        slow = new RecordingHttpServer(Duration.ofSeconds(8));
        config = Files.createTempFile("heliograph-signals-", ".yaml");
        Files.writeString(config, "pool:\n  max_concurrent_checks: 500\nlog:\n  level: info\n");
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (process != null && process.isAlive()) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            slow.close();
            services.close();
            Files.deleteIfExists(config);
            if (jarCopy != null) {
                Files.deleteIfExists(jarCopy);
            }
        }
    }

    @Test
    void sighupReloadsTheConfigFileAndLogsAreJsonLinesWithRequestIds() throws Exception {
        int port = freePort();
        process = launch("api.port=" + port);
        try {
            ApiClient api = new ApiClient(port);
            awaitHealthy(api);

            Files.writeString(config, "pool:\n  max_concurrent_checks: 700\nlog:\n  level: debug\n");
            signal("HUP");
            Await.until("config reloaded by SIGHUP", Duration.ofSeconds(10),
                    () -> configReason(api).contains("applied [pool.max_concurrent_checks, log.level]"));
            assertThat(configHealth(api)).isEqualTo("healthy");

            api.send(HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/health")).header("x-request-id", "it-sighup-1").GET());
            Await.until("an access log line with the request id", Duration.ofSeconds(5),
                    () -> jsonLines().stream().anyMatch(line -> "it-sighup-1".equals(line.path("mdc").path("request_id").asText())));

            Files.writeString(config, "pool:\n  max_concurrent_checks: [oops\n");
            signal("HUP");
            Await.until("config unhealthy after a bad file", Duration.ofSeconds(10), () -> configHealth(api).equals("unhealthy"));
            assertThat(configReason(api)).contains("cannot read");
            assertThat(api.get("/readyz").status()).isEqualTo(200);

            List<JsonNode> lines = jsonLines();
            assertThat(lines).isNotEmpty().allSatisfy(line -> {
                assertThat(line.has("level")).isTrue();
                assertThat(line.has("loggerName")).isTrue();
                assertThat(line.has("formattedMessage")).isTrue();
            });
            assertThat(lines).anyMatch(line -> line.path("formattedMessage").asText().contains("SIGHUP received"));

            process.destroy();
            assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as("graceful stop with nothing lost").isZero();
        } catch (Throwable failure) {
            System.err.println("---- tail of " + log + " ----\n" + tail(60));
            throw failure;
        }
    }

    @Test
    void secondSigtermWhileStoppingExitsAtOnce() throws Exception {
        int port = freePort();
        process = launch("api.port=" + port);
        try {
            ApiClient api = new ApiClient(port);
            awaitHealthy(api);
            for (int i = 0; i < 10; i++) {
                String body = "{\"name\":\"slow-" + i + "\",\"kind\":\"http\",\"spec\":{\"url\":\"" + slow.url("/slow/" + i)
                        + "\"},\"interval_s\":10,\"timeout_ms\":9000}";
                assertThat(api.post("/api/v1/targets", body).status()).isEqualTo(201);
            }
            Await.until("slow checks in flight", Duration.ofSeconds(15), () -> slow.inProgress() >= 5);

            signal("TERM");
            Await.until("the graceful stop began", Duration.ofSeconds(5), () -> tail(200).contains("stopping within"));
            assertThat(process.isAlive()).as("still waiting for checks in flight").isTrue();
            long second = System.nanoTime();
            signal("TERM");

            assertThat(process.waitFor(3, TimeUnit.SECONDS)).as("exited soon after the second SIGTERM").isTrue();
            long exitMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - second);
            System.out.printf("ProcessSignalsIT: exit %d ms after the second SIGTERM, code %d%n", exitMs, process.exitValue());
            assertThat(process.exitValue()).isEqualTo(143);
            assertThat(Files.readString(log, StandardCharsets.UTF_8)).contains("second SIGTERM while stopping");
        } catch (Throwable failure) {
            System.err.println("---- tail of " + log + " ----\n" + tail(60));
            throw failure;
        }
    }

    /** Starts the launcher with {@code --config} and this test's databases; output goes to {@link #log}. */
    private Process launch(String... extra) throws Exception {
        String root = System.getProperty("heliograph.root");
        Path jar = Path.of(System.getProperty("heliograph.jar"));
        log = jar.getParent().resolve("process-signals-" + services.database() + ".log");
        // A private copy: a concurrent build may replace or delete the shared JAR while the process runs.
        jarCopy = Files.copy(jar, jar.getParent().resolve("process-signals-" + services.database() + ".jar"));
        List<String> command = new ArrayList<>(List.of(root + "/bin/heliograph", "control-plane", "--config", config.toString()));
        for (String setting : services.overrides(extra)) {
            command.add("--set");
            command.add(setting);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("HELIOGRAPH_JAR", jarCopy.toString());
        builder.environment().remove("HELIOGRAPH_LOG_LEVEL");
        return builder.start();
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + name).isTrue();
    }

    private void awaitHealthy(ApiClient api) {
        Await.until("GET /healthz answers 200", Duration.ofSeconds(60), () -> {
            if (!process.isAlive()) {
                throw new AssertionError("process exited with " + process.exitValue() + " before it was healthy");
            }
            try {
                return api.get("/healthz").status() == 200;
            } catch (IllegalStateException notListening) {
                return false;
            }
        });
    }

    private static Optional<JsonNode> configComponent(ApiClient api) {
        for (JsonNode component : api.get("/api/v1/health").json().path("components")) {
            if (component.path("name").asText().equals("config")) {
                return Optional.of(component);
            }
        }
        return Optional.empty();
    }

    private static String configHealth(ApiClient api) {
        return configComponent(api).map(c -> c.path("health").asText()).orElse("");
    }

    private static String configReason(ApiClient api) {
        return configComponent(api).map(c -> c.path("reason").asText()).orElse("");
    }

    /**
     * The log's complete JSON lines (the launcher and the JVM may print a few plain lines first; the
     * last line may still be being written).
     */
    private List<JsonNode> jsonLines() {
        List<JsonNode> lines = new ArrayList<>();
        List<String> all;
        try {
            all = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new AssertionError("cannot read " + log, e);
        }
        for (int i = 0; i < all.size(); i++) {
            String line = all.get(i);
            if (!line.startsWith("{")) {
                continue;
            }
            try {
                lines.add(Json.MAPPER.readTree(line));
            } catch (Exception e) {
                if (i < all.size() - 1) {
                    throw new AssertionError("log line " + (i + 1) + " is not JSON: " + line, e);
                }
            }
        }
        return lines;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
