package dev.heliograph.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code heliograph alerting export|apply} against a real control plane (issue 13): the picocli
 * command as {@code Main} runs it for the plans and exit codes, and once the built JAR through
 * {@code bin/heliograph}, with the key from the environment.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertingCommandIT {
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

    /** The admin key of a new org with a paused target keyed {@code db}. */
    private String newOrg() {
        ApiClient.Answer org = admin.post("/api/v1/orgs", "{\"name\":\"cli-alerting-" + UUID.randomUUID().toString().substring(0, 8) + "\"}");
        assertThat(org.status()).as(org.text()).isEqualTo(201);
        String key = org.json().path("admin_key").asText();
        ApiClient.Answer target = admin.withKey(key).post("/api/v1/targets", "{\"key\":\"db\",\"name\":\"db\",\"kind\":\"tcp\","
                + "\"spec\":{\"host\":\"127.0.0.1\",\"port\":9},\"enabled\":false}");
        assertThat(target.status()).as(target.text()).isEqualTo(201);
        return key;
    }

    private Path file(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private static final String BASE = """
            version: 1
            alert_channels:
              - {key: "hook", name: "hook", kind: "webhook", settings: {url: "http://127.0.0.1:9/hook"}}
              - {key: "chat", name: "chat", kind: "slack", settings: {url: "http://127.0.0.1:9/services/x"}}
            notification_policies:
              - {key: "pages", name: "pages", channels: ["hook", "chat"]}
            maintenance_windows:
              - {key: "nightly", name: "nightly", starts_at: "2026-01-01T02:00:00", time_zone: "UTC", duration_s: 3600,
                 rrule: "FREQ=DAILY", mode: "mute", targets: ["db"]}
            """;

    @Test
    void applyExportEditDryRunAndPrunePrintReadablePlans() throws Exception {
        String key = newOrg();
        Run created = run("alerting", "apply", file("alerting.yaml", BASE).toString(), "--url", url, "--api-key", key);
        assertThat(created.code()).as(created.err()).isZero();
        List<String> lines = created.outLines();
        assertThat(lines).hasSize(6);
        assertThat(lines.subList(0, 2)).containsExactly("+ create alert_channel chat", "+ create alert_channel hook");
        assertThat(lines.get(2)).matches("  webhook secret of hook \\(shown only now; give it to the receiver\\): whsec_\\S+");
        assertThat(lines.subList(3, 6)).containsExactly("+ create notification_policy pages", "+ create maintenance_window nightly",
                "Applied: 4 created, 0 updated, 0 deleted, 0 unchanged.");

        Run export = run("alerting", "export", "--url", url, "--api-key", key);
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(export.out()).startsWith("version: 1\nalert_channels:\n").contains("secret: \"***\"").doesNotContain("whsec_");
        Path edited = file("edited.yaml", export.out().replace("duration_s: 3600", "duration_s: 1800")
                .replace("name: \"chat\"", "name: \"team chat\""));
        Run dryRun = run("alerting", "apply", "-f", edited.toString(), "--dry-run", "--url", url, "--api-key", key);
        assertThat(dryRun.outLines()).containsExactly("~ update alert_channel chat (name)", "~ update maintenance_window nightly (duration_s)",
                "Plan: 0 to create, 2 to update, 0 to delete, 2 unchanged (dry run: nothing changed).");
        assertThat(run("alerting", "apply", edited.toString(), "--url", url, "--api-key", key).outLines()).containsExactly(
                "~ update alert_channel chat (name)", "~ update maintenance_window nightly (duration_s)",
                "Applied: 0 created, 2 updated, 0 deleted, 2 unchanged.");
        assertThat(run("alerting", "apply", edited.toString(), "--url", url, "--api-key", key).outLines())
                .containsExactly("No changes: 4 unchanged.");

        Path json = file("alerting.json", run("alerting", "export", "--format", "json", "--url", url, "--api-key", key).out()
                .replaceAll("(?s)\"maintenance_windows\" : \\[.*]", "\"maintenance_windows\" : [ ]"));
        assertThat(Files.readString(json)).startsWith("{").doesNotContain("nightly");
        assertThat(run("alerting", "apply", json.toString(), "--url", url, "--api-key", key).outLines())
                .containsExactly("No changes: 3 unchanged.", "1 item of the org is not in the file and stayed (--prune deletes them).");
        assertThat(run("alerting", "apply", json.toString(), "--prune", "--url", url, "--api-key", key).outLines())
                .containsExactly("- delete maintenance_window nightly", "Applied: 0 created, 0 updated, 1 deleted, 3 unchanged.");
    }

    @Test
    void anInvalidFileExitsOneWithEveryErrorNamingItsList() throws Exception {
        String key = newOrg();
        Path bad = file("bad.yaml", """
                version: 1
                alert_channels:
                  - {key: "x", name: "x", kind: "slack", settings: {url: "ftp://example.com/"}}
                notification_policies:
                  - {key: "p", name: "p", channels: ["nowhere"]}
                maintenance_windows: []
                """);
        Run run = run("alerting", "apply", bad.toString(), "--url", url, "--api-key", key);
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        List<String> lines = run.err().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("heliograph: alerting apply: 2 items are invalid (422 VALIDATION_FAILED)");
        assertThat(lines.get(1)).startsWith("  alert_channels[0].settings.url (key x): ").endsWith("[INVALID_FORMAT]");
        assertThat(lines.get(2)).isEqualTo("  notification_policies[0].channels[0] (key p): no alert channel with key 'nowhere' in the "
                + "file or of the org [UNKNOWN_CHANNEL]");
    }

    @Test
    void badUsageExitsTwo() throws Exception {
        Path file = file("empty.yaml", "version: 1\nalert_channels: []\nnotification_policies: []\nmaintenance_windows: []\n");
        Run both = run("alerting", "apply", file.toString(), "-f", file.toString(), "--api-key", "k");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("name the file once");
        assertThat(run("alerting", "apply", "--api-key", "k").code()).as("no file").isEqualTo(2);
        assertThat(run("alerting", "export", "--format", "xml", "--api-key", "k").code()).isEqualTo(2);
        assertThat(run("alerting").code()).isEqualTo(2);
    }

    @Test
    void theBuiltJarExportsAndAppliesWithTheKeyFromTheEnvironment() throws Exception {
        String key = newOrg();
        Path file = file("jar.yaml", BASE);
        assertThat(jar(key, "alerting", "apply", file.toString(), "--dry-run", "--url", url))
                .startsWith("exit 0: + create alert_channel chat\n")
                .endsWith("Plan: 4 to create, 0 to update, 0 to delete, 0 unchanged (dry run: nothing changed).");
        assertThat(jar(key, "alerting", "apply", file.toString(), "--url", url)).startsWith("exit 0: ").contains("webhook secret of hook");
        assertThat(jar(key, "alerting", "export", "--url", url)).startsWith("exit 0: version: 1\nalert_channels:\n")
                .contains("key: \"nightly\"");
        assertThat(jar(null, "alerting", "export", "--url", url))
                .isEqualTo("exit 2: heliograph: alerting export: no API key: pass --api-key or set HELIOGRAPH_API_KEY");
    }

    /** Runs {@code bin/heliograph ARGS} with the built JAR and {@code HELIOGRAPH_API_KEY=key}; {@code "exit N: OUTPUT"}. */
    private String jar(String key, String... args) throws Exception {
        Path jar = Path.of(System.getProperty("heliograph.jar"));
        // A private copy: a concurrent build may replace the shared JAR.
        Path copy = Files.copy(jar, dir.resolve("heliograph-" + services.database() + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        try {
            List<String> command = new ArrayList<>(List.of(System.getProperty("heliograph.root") + "/bin/heliograph"));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("HELIOGRAPH_JAR", copy.toString());
            builder.environment().remove("HELIOGRAPH_API_KEY");
            if (key != null) {
                builder.environment().put("HELIOGRAPH_API_KEY", key);
            }
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the command exits").isTrue();
            return "exit " + process.exitValue() + ": " + output;
        } finally {
            Files.deleteIfExists(copy);
        }
    }
}
