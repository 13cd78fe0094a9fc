package dev.heliograph.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code heliograph targets export|apply} (the picocli command as {@code Main} runs it) against a
 * real control plane: the printed plan, and exit codes with one clear line for every failure (issue 5).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TargetsCommandIT {
    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;
    private ApiClient admin;
    private String url;

    @TempDir
    Path dir;

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        plane = ControlPlane.start(vertx, services.config(), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
        admin = new ApiClient(plane.apiPort());
        url = "http://127.0.0.1:" + plane.apiPort();
    }

    @AfterAll
    void stop() throws Exception {
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        services.close();
    }

    /** What one run printed and returned. */
    record Run(int code, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** The admin key of a new org holding two paused targets, {@code a} and {@code b}. */
    private String orgWithTwoTargets() {
        ApiClient.Answer org = admin.post("/api/v1/orgs", "{\"name\":\"cli-" + UUID.randomUUID().toString().substring(0, 8) + "\"}");
        assertThat(org.status()).as(org.text()).isEqualTo(201);
        String key = org.json().path("admin_key").asText();
        ApiClient.Answer seeded = admin.withKey(key).post("/api/v1/targets:bulk", "{\"items\":["
                + "{\"key\":\"a\",\"name\":\"a\",\"kind\":\"tcp\",\"spec\":{\"host\":\"127.0.0.1\",\"port\":9},\"interval_s\":30,\"enabled\":false},"
                + "{\"key\":\"b\",\"name\":\"b\",\"kind\":\"http\",\"spec\":{\"url\":\"http://127.0.0.1:9/\"},\"enabled\":false}]}");
        assertThat(seeded.status()).as(seeded.text()).isEqualTo(200);
        return key;
    }

    @Test
    void exportEditDryRunApplyAndPrunePrintReadablePlans() throws Exception {
        String key = orgWithTwoTargets();
        Run export = run("targets", "export", "--url", url, "--api-key", key);
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(export.out()).startsWith("version: 1\n").contains("key: \"a\"").contains("key: \"b\"");

        Path file = dir.resolve("targets.yaml");
        Files.writeString(file, export.out().replace("interval_s: 30\n", "interval_s: 45\n") + """
                  - key: "c"
                    name: "c"
                    kind: "tcp"
                    spec: {host: "127.0.0.1", port: 9}
                    enabled: false
                """);
        Run dryRun = run("targets", "apply", "-f", file.toString(), "--dry-run", "--url", url, "--api-key", key);
        assertThat(dryRun.code()).as(dryRun.err()).isZero();
        assertThat(dryRun.outLines()).containsExactly("~ update a (interval_s)", "+ create c",
                "Plan: 1 to create, 1 to update, 0 to delete, 1 unchanged (dry run: nothing changed).");

        Run applied = run("targets", "apply", "--file", file.toString(), "--url", url, "--api-key", key);
        assertThat(applied.outLines()).containsExactly("~ update a (interval_s)", "+ create c",
                "Applied: 1 created, 1 updated, 0 deleted, 1 unchanged.");
        assertThat(run("targets", "apply", "-f", file.toString(), "--url", url, "--api-key", key).outLines())
                .containsExactly("No changes: 3 unchanged.");

        Path fewer = dir.resolve("fewer.json");
        Files.writeString(fewer, run("targets", "export", "--format", "json", "--url", url, "--api-key", key).out()
                .replaceAll("(?s),\\s*\\{\\s*\"key\" : \"c\".*?\"enabled\" : false\\s*}", ""));
        assertThat(Files.readString(fewer)).startsWith("{").doesNotContain("\"c\"");
        assertThat(run("targets", "apply", "-f", fewer.toString(), "--url", url, "--api-key", key).outLines())
                .containsExactly("No changes: 2 unchanged.", "1 target of the org is not in the file and stayed (--prune deletes them).");
        assertThat(run("targets", "apply", "-f", fewer.toString(), "--prune", "--url", url, "--api-key", key).outLines())
                .containsExactly("- delete c", "Applied: 0 created, 0 updated, 1 deleted, 2 unchanged.");
    }

    @Test
    void anInvalidFileExitsOneWithEveryError() throws Exception {
        String key = orgWithTwoTargets();
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                version: 1
                targets:
                  - key: "x"
                    name: "x"
                    kind: "http"
                    spec: {url: "ftp://example.com/"}
                  - name: "y"
                    kind: "tcp"
                    spec: {host: "127.0.0.1", port: 9}
                """);
        Run run = run("targets", "apply", "-f", file.toString(), "--url", url, "--api-key", key);
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        List<String> lines = run.err().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("heliograph: targets apply: 2 items are invalid (422 VALIDATION_FAILED)");
        assertThat(lines.get(1)).startsWith("  targets[0].spec.url (key x): ").endsWith("[INVALID_FORMAT]");
        assertThat(lines.get(2)).startsWith("  targets[1].key: key is required").endsWith("[REQUIRED]");
    }

    @Test
    void authAndConnectionFailuresAreOneLine() throws Exception {
        String key = orgWithTwoTargets();
        Run wrongKey = run("targets", "export", "--url", url, "--api-key", "hg_key_not-a-real-key");
        assertThat(wrongKey.code()).isEqualTo(1);
        assertThat(wrongKey.err().lines().toList()).hasSize(1);
        assertThat(wrongKey.err()).startsWith("heliograph: targets export: the API refused the key (401 UNAUTHENTICATED")
                .contains("HELIOGRAPH_API_KEY");

        ApiClient.Answer viewer = admin.withKey(key).post("/api/v1/api-keys", "{\"role\":\"viewer\"}");
        Path file = dir.resolve("viewer.yaml");
        Files.writeString(file, "version: 1\ntargets: []\n");
        Run forbidden = run("targets", "apply", "-f", file.toString(), "--url", url, "--api-key", viewer.json().path("key").asText());
        assertThat(forbidden.code()).isEqualTo(1);
        assertThat(forbidden.err().lines().toList()).containsExactly(
                "heliograph: targets apply: this API key's role (viewer) cannot do this; it needs editor (403 FORBIDDEN)");

        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Run refused = run("targets", "export", "--url", "http://127.0.0.1:" + closed, "--api-key", key);
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err().lines().toList())
                .containsExactly("heliograph: targets export: cannot reach the API at http://127.0.0.1:" + closed + ": connection refused");
    }

    @Test
    void badUsageExitsTwo() {
        assertThat(run("targets", "export", "--format", "xml", "--api-key", "k").code()).isEqualTo(2);
        assertThat(run("targets", "apply", "--api-key", "k").code()).as("-f is required").isEqualTo(2);
        Run badUrl = run("targets", "export", "--url", "ftp://host", "--api-key", "k");
        assertThat(badUrl.code()).isEqualTo(2);
        assertThat(badUrl.err()).contains("--url must be an http:// or https:// URL");
        assertThat(run("targets").code()).isEqualTo(2);
    }

    @Test
    void theKeyComesFromTheOptionOrTheEnvironment() {
        ConfigFileCommands.ApiOptions options = new ConfigFileCommands.ApiOptions();
        assertThat(options.key(Map.of("HELIOGRAPH_API_KEY", " from-env "))).isEqualTo("from-env");
        assertThat(options.key(Map.of("HELIOGRAPH_API_KEY", " "))).isNull();
        options.apiKey = "from-option";
        assertThat(options.key(Map.of("HELIOGRAPH_API_KEY", "from-env"))).isEqualTo("from-option");
    }
}
