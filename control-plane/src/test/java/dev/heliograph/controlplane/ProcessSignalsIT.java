package dev.heliograph.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.probe.codec.Json;
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
    private ControlPlaneProcess controlPlane;
    private Path config;

    @BeforeEach
    void start() throws Exception {
        services = new TestServices();
        slow = new RecordingHttpServer(Duration.ofSeconds(8));
        config = Files.createTempFile("heliograph-signals-", ".yaml");
        Files.writeString(config, "pool:\n  max_concurrent_checks: 500\nlog:\n  level: info\n");
    }

    @AfterEach
    @SuppressWarnings("try") // the resources are declared only to be closed
    void stop() throws Exception {
        try (TestServices databases = services; RecordingHttpServer target = slow; ControlPlaneProcess launched = controlPlane) {
            // closed in reverse order, null ones skipped: the process, then the target, then the databases
        } finally {
            Files.deleteIfExists(config);
        }
    }

    @Test
    void sighupReloadsTheConfigFileAndLogsAreJsonLinesWithRequestIds() throws Exception {
        int port = freePort();
        controlPlane = launch("api.port=" + port);
        Process process = controlPlane.process();
        try {
            ApiClient api = new ApiClient(port);
            controlPlane.awaitHealthy(api);

            Files.writeString(config, "pool:\n  max_concurrent_checks: 700\nlog:\n  level: debug\n");
            controlPlane.signal("HUP");
            Await.until("config reloaded by SIGHUP", Duration.ofSeconds(10),
                    () -> configReason(api).contains("applied [pool.max_concurrent_checks, log.level]"));
            assertThat(configHealth(api)).isEqualTo("healthy");

            api.send(HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/health")).header("x-request-id", "it-sighup-1").GET());
            Await.until("an access log line with the request id", Duration.ofSeconds(5),
                    () -> jsonLines().stream().anyMatch(line -> "it-sighup-1".equals(line.path("mdc").path("request_id").asText())));

            Files.writeString(config, "pool:\n  max_concurrent_checks: [oops\n");
            controlPlane.signal("HUP");
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
            System.err.println("---- tail of " + controlPlane.log() + " ----\n" + controlPlane.tail(60));
            throw failure;
        }
    }

    @Test
    void secondSigtermWhileStoppingExitsAtOnce() throws Exception {
        int port = freePort();
        controlPlane = launch("api.port=" + port);
        Process process = controlPlane.process();
        try {
            ApiClient api = new ApiClient(port);
            controlPlane.awaitHealthy(api);
            for (int i = 0; i < 10; i++) {
                String body = "{\"name\":\"slow-" + i + "\",\"kind\":\"http\",\"spec\":{\"url\":\"" + slow.url("/slow/" + i)
                        + "\"},\"interval_s\":10,\"timeout_ms\":9000}";
                assertThat(api.post("/api/v1/targets", body).status()).isEqualTo(201);
            }
            Await.until("slow checks in flight", Duration.ofSeconds(15), () -> slow.inProgress() >= 5);

            controlPlane.signal("TERM");
            Await.until("the graceful stop began", Duration.ofSeconds(5), () -> controlPlane.tail(200).contains("stopping within"));
            assertThat(process.isAlive()).as("still waiting for checks in flight").isTrue();
            long second = System.nanoTime();
            controlPlane.signal("TERM");

            assertThat(process.waitFor(3, TimeUnit.SECONDS)).as("exited soon after the second SIGTERM").isTrue();
            long exitMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - second);
            System.out.printf("ProcessSignalsIT: exit %d ms after the second SIGTERM, code %d%n", exitMs, process.exitValue());
            assertThat(process.exitValue()).isEqualTo(143);
            assertThat(controlPlane.logText()).contains("second SIGTERM while stopping");
        } catch (Throwable failure) {
            System.err.println("---- tail of " + controlPlane.log() + " ----\n" + controlPlane.tail(60));
            throw failure;
        }
    }

    /** Starts the launcher with {@code --config} and this test's databases, without {@code HELIOGRAPH_LOG_LEVEL}. */
    private ControlPlaneProcess launch(String... extra) throws Exception {
        return ControlPlaneProcess.start(services, "process-signals", List.of("--config", config.toString()),
                environment -> environment.remove("HELIOGRAPH_LOG_LEVEL"), extra);
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
            all = Files.readAllLines(controlPlane.log(), StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new AssertionError("cannot read " + controlPlane.log(), e);
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
}
