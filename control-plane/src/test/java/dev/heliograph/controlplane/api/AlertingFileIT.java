package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.heliograph.controlplane.AlertReceiver;
import dev.heliograph.controlplane.ApiClient;
import dev.heliograph.controlplane.Await;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.controlplane.TestServices;
import dev.heliograph.controlplane.WebhookVerifier;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The alerting file against the real PostgreSQL (issue 13): {@code GET /api/v1/alerting:export} and
 * {@code POST /api/v1/alerting:apply} round-trip, resolve references by key inside the file and the
 * org, keep masked secrets (checked by the signature a real receiver gets), refuse every bad item at
 * once, stay inside the org, and serialise concurrent applies. Each test works in an org of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertingFileIT {
    private static final String YAML = "application/yaml";
    private static final String JSON = "application/json";
    private static final YAMLMapper YAML_MAPPER = new YAMLMapper();
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;
    private ApiClient admin;
    private AlertReceiver receiver;

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        plane = ControlPlane.start(vertx, services.config("alerting.timeout_ms=2000"), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
        admin = new ApiClient(plane.apiPort());
        receiver = AlertReceiver.start(vertx);
    }

    @AfterAll
    void stop() throws Exception {
        receiver.close();
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        services.close();
    }

    /** A client with the admin key of a new org that has two paused targets, keyed {@code db} and {@code web}. */
    private ApiClient newOrg() {
        ApiClient.Answer org = admin.post("/api/v1/orgs", "{\"name\":\"alerting-" + UUID.randomUUID().toString().substring(0, 8) + "\"}");
        assertThat(org.status()).as(org.text()).isEqualTo(201);
        ApiClient api = admin.withKey(org.json().path("admin_key").asText());
        ApiClient.Answer targets = api.post("/api/v1/targets:bulk", "{\"items\":["
                + "{\"key\":\"db\",\"name\":\"db\",\"kind\":\"tcp\",\"spec\":{\"host\":\"127.0.0.1\",\"port\":9},\"enabled\":false},"
                + "{\"key\":\"web\",\"name\":\"web\",\"kind\":\"tcp\",\"spec\":{\"host\":\"127.0.0.1\",\"port\":9},\"enabled\":false}]}");
        assertThat(targets.status()).as(targets.text()).isEqualTo(200);
        return api;
    }

    /** Two channels (a webhook to the receiver with a known secret and a secret header, a Slack one), two policies, a window. */
    private String baseFile() {
        return """
                version: 1
                alert_channels:
                  - key: "pager-hook"
                    name: "pager hook"
                    kind: "webhook"
                    settings: {url: "%s", secret: "%s", headers: {X-Token: "tok-123"}}
                  - key: "ops-slack"
                    name: "ops slack"
                    kind: "slack"
                    settings: {url: "%s"}
                notification_policies:
                  - key: "pages"
                    name: "pages"
                    severities: ["critical", "warning"]
                    channels: ["pager-hook"]
                  - key: "chat"
                    name: "chat"
                    events: ["opened", "resolved", "regional"]
                    channels: ["ops-slack", "pager-hook"]
                maintenance_windows:
                  - key: "sunday-db"
                    name: "sunday db"
                    starts_at: "2026-03-29T02:30:00"
                    time_zone: "Europe/Berlin"
                    duration_s: 7200
                    rrule: "FREQ=WEEKLY;BYDAY=SU"
                    mode: "mute"
                    targets: ["db"]
                """.formatted(receiver.url("/pager"), SECRET, receiver.url("/services/T0/B0/s3cret"));
    }

    private static ApiClient.Answer export(ApiClient api, String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/alerting:export")).GET();
        if (accept != null) {
            request.header("accept", accept);
        }
        return api.send(request);
    }

    private static ApiClient.Answer apply(ApiClient api, String type, String file, String query) {
        return api.send(HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/alerting:apply" + query))
                .header("content-type", type).POST(HttpRequest.BodyPublishers.ofString(file)));
    }

    /** The plan's items as {@code action kind key [fields]}. */
    private static List<String> plan(ApiClient.Answer answer) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return StreamSupport.stream(answer.json().path("items").spliterator(), false)
                .map(item -> item.path("action").asText() + " " + item.path("kind").asText() + " " + item.path("key").asText()
                        + (item.has("fields") ? " " + item.path("fields") : ""))
                .toList();
    }

    private static List<String> fields(ApiClient.Answer answer) {
        return StreamSupport.stream(answer.json().path("error").path("details").path("fields").spliterator(), false)
                .map(f -> f.path("field").asText() + ":" + f.path("code").asText()).toList();
    }

    private static String id(ApiClient api, String list, String key) {
        for (JsonNode item : api.get("/api/v1/" + list + "?limit=500").json().path("items")) {
            if (item.path("key").asText().equals(key)) {
                return item.path("id").asText();
            }
        }
        throw new AssertionError("no " + list + " with key " + key);
    }

    @Test
    void anExportAppliedAgainPlansNothingInYamlAndJson() {
        ApiClient api = newOrg();
        assertThat(plan(apply(api, YAML, baseFile(), ""))).containsExactly("create alert_channel ops-slack",
                "create alert_channel pager-hook", "create notification_policy chat", "create notification_policy pages",
                "create maintenance_window sunday-db");
        String yaml = export(api, null).text();
        assertThat(yaml).startsWith("version: 1\nalert_channels:\n").contains("secret: \"***\"").contains("X-Token: \"***\"")
                .doesNotContain(SECRET).doesNotContain("tok-123").doesNotContain("s3cret");
        assertThat(yaml).as("references by key, never by id").contains("- \"pager-hook\"").contains("- \"db\"")
                .doesNotContain(id(api, "alert-channels", "pager-hook")).doesNotContain(id(api, "targets", "db"));

        assertThat(plan(apply(api, YAML, yaml, "?dry_run=true"))).allMatch(line -> line.startsWith("unchanged")).hasSize(5);
        ApiClient.Answer again = apply(api, YAML, yaml, "");
        assertThat(plan(again)).allMatch(line -> line.startsWith("unchanged")).hasSize(5);
        assertThat(again.json().path("summary").toString())
                .isEqualTo("{\"create\":0,\"update\":0,\"delete\":0,\"unchanged\":5,\"not_in_file\":0}");
        ApiClient.Answer json = export(api, JSON);
        assertThat(json.text()).startsWith("{");
        assertThat(plan(apply(api, JSON, json.text(), ""))).allMatch(line -> line.startsWith("unchanged"));
        assertThat(export(api, YAML).text()).isEqualTo(yaml);
        assertThat(api.get("/api/v1/alert-channels").json().path("items").findValuesAsText("version")).containsOnly("1");
    }

    @Test
    void anEditedFileIsPlannedAppliedAndThenPlansNothing() throws Exception {
        ApiClient api = newOrg();
        plan(apply(api, YAML, baseFile(), ""));
        String before = export(api, YAML).text();
        ObjectNode edited = (ObjectNode) YAML_MAPPER.readTree(before.replace("duration_s: 7200", "duration_s: 3600"));
        ObjectNode slack = (ObjectNode) edited.path("alert_channels").get(0);
        ObjectNode hook = (ObjectNode) edited.path("alert_channels").get(1);
        // The two channels swap names in one apply.
        slack.put("name", "pager hook");
        hook.put("name", "ops slack");
        ((ArrayNode) edited.path("notification_policies")).remove(0); // "chat"
        ((ArrayNode) edited.path("maintenance_windows")).addObject().put("key", "web-deploys").put("name", "web deploys")
                .put("starts_at", "2026-06-01T22:00:00").put("time_zone", "America/New_York").put("duration_s", 1800)
                .put("mode", "pause").putArray("targets").add("web");
        String file = YAML_MAPPER.writeValueAsString(edited);

        ApiClient.Answer dryRun = apply(api, YAML, file, "?dry_run=true");
        assertThat(plan(dryRun)).containsExactly("update alert_channel ops-slack [\"name\"]", "update alert_channel pager-hook [\"name\"]",
                "unchanged notification_policy pages", "update maintenance_window sunday-db [\"duration_s\"]",
                "create maintenance_window web-deploys");
        assertThat(dryRun.json().path("summary").path("not_in_file").asInt()).isEqualTo(1);
        assertThat(export(api, YAML).text()).as("a dry run writes nothing").isEqualTo(before);

        assertThat(plan(apply(api, YAML, file, ""))).containsExactly("update alert_channel ops-slack [\"name\"]",
                "update alert_channel pager-hook [\"name\"]", "unchanged notification_policy pages",
                "update maintenance_window sunday-db [\"duration_s\"]", "create maintenance_window web-deploys");
        assertThat(api.get("/api/v1/alert-channels/" + id(api, "alert-channels", "ops-slack")).json().path("name").asText())
                .isEqualTo("pager hook");
        assertThat(api.get("/api/v1/maintenance-windows/" + id(api, "maintenance-windows", "web-deploys")).json()
                .path("target_ids").get(0).asText()).isEqualTo(id(api, "targets", "web"));
        assertThat(api.get("/api/v1/notification-policies/" + id(api, "notification-policies", "pages")).json().path("version").asLong())
                .as("an unchanged item is not written").isEqualTo(1);
        assertThat(plan(apply(api, YAML, export(api, YAML).text(), ""))).allMatch(line -> line.startsWith("unchanged")).hasSize(6);
    }

    @Test
    void aPolicyMayNameAChannelCreatedByTheSameFile() throws Exception {
        ApiClient api = newOrg();
        String file = """
                {"version": 1,
                 "alert_channels": [{"key": "new-hook", "name": "new hook", "kind": "webhook", "settings": {"url": "%s"}}],
                 "notification_policies": [{"key": "p", "name": "p", "channels": ["new-hook"]}],
                 "maintenance_windows": []}""".formatted(receiver.url("/new"));
        ApiClient.Answer applied = apply(api, JSON, file, "");
        assertThat(plan(applied)).containsExactly("create alert_channel new-hook", "create notification_policy p");
        String channelId = id(api, "alert-channels", "new-hook");
        assertThat(applied.json().path("items").get(0).path("id").asText()).isEqualTo(channelId);
        JsonNode policy = api.get("/api/v1/notification-policies/" + id(api, "notification-policies", "p")).json();
        assertThat(policy.path("channels").toString()).isEqualTo("[\"" + channelId + "\"]");

        // No secret in the file: one was generated, is shown once here, and signs what the channel sends.
        String generated = applied.json().path("items").get(0).path("webhook_secret").asText();
        assertThat(generated).startsWith("whsec_");
        assertThat(plan(apply(api, JSON, file, ""))).containsExactly("unchanged alert_channel new-hook", "unchanged notification_policy p");
        assertThat(apply(api, JSON, file, "").text()).doesNotContain("webhook_secret");
        assertThat(api.post("/api/v1/alert-channels/" + channelId + "/test", "").json().path("delivered").asBoolean()).isTrue();
        assertThat(signature(generated, "/new")).isEqualTo("ok");
    }

    @Test
    void maskedSecretsAreKeptAndStillSign() throws Exception {
        ApiClient api = newOrg();
        plan(apply(api, YAML, baseFile(), ""));
        String exported = export(api, YAML).text();
        assertThat(plan(apply(api, YAML, exported.replace("rate_limit_per_minute: 600", "rate_limit_per_minute: 500"), "")))
                .contains("update alert_channel pager-hook [\"rate_limit_per_minute\"]");
        String hook = id(api, "alert-channels", "pager-hook");
        ApiClient.Answer test = api.post("/api/v1/alert-channels/" + hook + "/test", "");
        assertThat(test.json().path("delivered").asBoolean()).as(test.text()).isTrue();
        assertThat(signature(SECRET, "/pager")).as("signed with the secret of the first apply").isEqualTo("ok");
        assertThat(lastTo("/pager").headers().get("x-token")).isEqualTo("tok-123");
        String slack = id(api, "alert-channels", "ops-slack");
        api.post("/api/v1/alert-channels/" + slack + "/test", "");
        assertThat(lastTo("/services/T0/B0/s3cret")).as("the masked Slack URL still leads to the receiver").isNotNull();

        // "***" keeps a secret only for the channel that has it, and only while it sends to the same place.
        ApiClient.Answer moved = apply(api, YAML, exported.replace("key: \"ops-slack\"", "key: \"ops-slack-2\"")
                .replace("name: \"ops slack\"", "name: \"ops slack 2\"")
                .replace(receiver.url("/pager"), "http://127.0.0.2:9/pager"), "");
        assertThat(moved.status()).as(moved.text()).isEqualTo(422);
        assertThat(fields(moved)).containsExactly("alert_channels[0].settings.url:SECRET_NOT_SET",
                "alert_channels[1].settings.headers.X-Token:SECRET_NOT_SET");
    }

    @Test
    void pruneDeletesWhatTheFileLacks() {
        ApiClient api = newOrg();
        plan(apply(api, YAML, baseFile(), ""));
        String fewer = "version: 1\nalert_channels: []\nnotification_policies: []\nmaintenance_windows: []\n";
        ApiClient.Answer kept = apply(api, YAML, fewer, "");
        assertThat(plan(kept)).isEmpty();
        assertThat(kept.json().path("summary").path("not_in_file").asInt()).isEqualTo(5);
        ApiClient.Answer commentedOut = apply(api, YAML, "version: 1\nalert_channels:\nnotification_policies: []\n"
                + "maintenance_windows: []\n", "?prune=true");
        assertThat(fields(commentedOut)).as("a list without entries is not an empty list").containsExactly("alert_channels:REQUIRED");

        assertThat(plan(apply(api, YAML, fewer, "?prune=true&dry_run=true"))).hasSize(5).allMatch(line -> line.startsWith("delete"));
        assertThat(plan(apply(api, YAML, fewer, "?prune=true"))).containsExactly("delete alert_channel ops-slack",
                "delete alert_channel pager-hook", "delete notification_policy chat", "delete notification_policy pages",
                "delete maintenance_window sunday-db");
        JsonNode empty = export(api, JSON).json();
        assertThat(empty.path("alert_channels")).isEmpty();
        assertThat(empty.path("notification_policies")).isEmpty();
        assertThat(empty.path("maintenance_windows")).isEmpty();
    }

    @Test
    void everyInvalidItemIsListedAndNothingIsWritten() {
        ApiClient api = newOrg();
        String file = """
                version: 1
                alert_channels:
                  - key: "a"
                    name: "a"
                    kind: "slack"
                    settings: {url: "ftp://hooks.example.com/x"}
                  - name: "b"
                    kind: "pager"
                    settings: {}
                  - key: "c"
                    name: "c"
                    kind: "webhook"
                    settings: {url: "http://169.254.169.254/latest"}
                notification_policies:
                  - key: "p"
                    name: "p"
                    channels: ["c", "nowhere"]
                  - key: "p"
                    name: "q"
                    channels: ["a"]
                    severities: ["loud"]
                  - key: "r"
                    name: "r"
                    channels: []
                maintenance_windows:
                  - key: "w"
                    name: "w"
                    starts_at: "2026-03-29T02:30:00+02:00"
                    time_zone: "Europe/Berlin"
                    duration_s: 30
                    mode: "mute"
                    targets: ["db", "no-such-target"]
                  - key: "x"
                    name: "x"
                    starts_at: "2026-03-29T02:30:00"
                    time_zone: "UTC"
                    duration_s: 600
                    mode: "pause"
                    targets: ["web"]
                    colour: "blue"
                """;
        ApiClient.Answer answer = apply(api, YAML, file, "");
        assertThat(answer.status()).as(answer.text()).isEqualTo(422);
        assertThat(answer.json().path("error").path("code").asText()).isEqualTo("VALIDATION_FAILED");
        assertThat(fields(answer)).containsExactly("alert_channels[0].settings.url:INVALID_FORMAT", "alert_channels[1].key:REQUIRED",
                "alert_channels[1].kind:INVALID_FORMAT", "alert_channels[2].settings.url:BLOCKED_ADDRESS",
                "notification_policies[0].channels[1]:UNKNOWN_CHANNEL", "notification_policies[1].severities:INVALID_FORMAT",
                "notification_policies[1].key:DUPLICATE", "notification_policies[2].channels:REQUIRED",
                "maintenance_windows[0].targets[1]:UNKNOWN_TARGET", "maintenance_windows[0].starts_at:INVALID_FORMAT",
                "maintenance_windows[0].duration_s:OUT_OF_RANGE", "maintenance_windows[1].colour:UNKNOWN_FIELD");
        JsonNode item = answer.json().path("error").path("details").path("items").get(4);
        assertThat(item.path("list").asText()).isEqualTo("notification_policies");
        assertThat(item.path("index").asInt()).isEqualTo(1);
        assertThat(item.path("key").asText()).isEqualTo("p");
        JsonNode nothing = export(api, JSON).json();
        assertThat(nothing.path("alert_channels")).as("nothing written").isEmpty();
        assertThat(nothing.path("maintenance_windows")).isEmpty();

        assertThat(fields(apply(api, YAML, "version: 2\nalert_channels: []\n", ""))).containsExactly("version:OUT_OF_RANGE");
        ApiClient.Answer malformed = apply(api, YAML, "version: 1\nalert_channels: [\n", "");
        assertThat(malformed.json().path("error").path("code").asText()).isEqualTo("MALFORMED_YAML");
        assertThat(apply(api, JSON, "{\"version\": 1, \"version\": 1}", "").json().path("error").path("code").asText())
                .isEqualTo("MALFORMED_JSON");
        assertThat(apply(api, YAML, "version: 1\ntargets: []\n", "").json().path("error").path("code").asText())
                .isEqualTo("UNKNOWN_FIELD");
        assertThat(apply(api, "text/plain", file, "").status()).isEqualTo(415);
        assertThat(apply(api, YAML, file, "?prune=yes").json().path("error").path("code").asText()).isEqualTo("INVALID_PARAMETER");
        assertThat(export(api, "text/html").status()).isEqualTo(406);
    }

    @Test
    void anotherOrgsKeysNeverResolveAndItsItemsNeverChange() {
        ApiClient first = newOrg();
        assertThat(first.post("/api/v1/targets", "{\"key\":\"first-only\",\"name\":\"first only\",\"kind\":\"tcp\","
                + "\"spec\":{\"host\":\"127.0.0.1\",\"port\":9},\"enabled\":false}").status()).isEqualTo(201);
        plan(apply(first, YAML, baseFile(), ""));
        String firstExport = export(first, YAML).text();
        ApiClient second = newOrg();
        assertThat(export(second, YAML).text()).as("nothing of the first org")
                .isEqualTo("version: 1\nalert_channels: []\nnotification_policies: []\nmaintenance_windows: []\n");

        ApiClient.Answer borrowed = apply(second, JSON, """
                {"version": 1, "alert_channels": [],
                 "notification_policies": [{"key": "p", "name": "p", "channels": ["pager-hook"]}],
                 "maintenance_windows": [{"key": "w", "name": "w", "starts_at": "2026-01-01T00:00:00", "time_zone": "UTC",
                   "duration_s": 600, "mode": "mute", "targets": ["first-only"]}]}""", "");
        assertThat(fields(borrowed)).containsExactly("notification_policies[0].channels[0]:UNKNOWN_CHANNEL",
                "maintenance_windows[0].targets[0]:UNKNOWN_TARGET");
        assertThat(borrowed.text()).doesNotContain(id(first, "alert-channels", "pager-hook"));

        // The same keys in the second org are the second org's own items; pruning there touches nothing of the first.
        assertThat(plan(apply(second, YAML, baseFile(), "?prune=true"))).hasSize(5).allMatch(line -> line.startsWith("create"));
        assertThat(plan(apply(second, YAML, "version: 1\nalert_channels: []\nnotification_policies: []\nmaintenance_windows: []\n",
                "?prune=true"))).hasSize(5).allMatch(line -> line.startsWith("delete"));
        assertThat(export(first, YAML).text()).isEqualTo(firstExport);
        assertThat(first.get("/api/v1/alert-channels").json().path("items").findValuesAsText("version")).containsOnly("1");
        assertThat(first.get("/api/v1/notification-policies").json().path("items").findValuesAsText("version")).containsOnly("1");
    }

    @Test
    void concurrentAppliesOfOneFileCreateEachItemOnce() throws Exception {
        ApiClient api = newOrg();
        StringBuilder file = new StringBuilder("version: 1\nalert_channels:\n");
        for (int i = 0; i < 8; i++) {
            file.append("  - {key: \"c").append(i).append("\", name: \"c").append(i).append("\", kind: \"slack\", settings: {url: \"")
                    .append(receiver.url("/c" + i)).append("\"}}\n");
        }
        file.append("notification_policies:\n");
        for (int i = 0; i < 8; i++) {
            file.append("  - {key: \"p").append(i).append("\", name: \"p").append(i).append("\", channels: [\"c").append(i).append("\"]}\n");
        }
        file.append("maintenance_windows:\n");
        for (int i = 0; i < 4; i++) {
            file.append("  - {key: \"w").append(i).append("\", name: \"w").append(i).append("\", starts_at: \"2026-01-01T00:00:00\", ")
                    .append("time_zone: \"UTC\", duration_s: 600, mode: \"mute\", targets: [\"db\"]}\n");
        }
        List<CompletableFuture<ApiClient.Answer>> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            runs.add(CompletableFuture.supplyAsync(() -> apply(api, YAML, file.toString(), "?prune=true")));
        }
        int created = 0;
        for (var run : runs) {
            ApiClient.Answer answer = run.get(60, TimeUnit.SECONDS);
            assertThat(answer.status()).as("serialised per org, never a false conflict or a deadlock: " + answer.text()).isEqualTo(200);
            created += answer.json().path("summary").path("create").asInt();
        }
        assertThat(created).as("each item created by exactly one of the applies").isEqualTo(20);
        assertThat(api.get("/api/v1/alert-channels?limit=500").json().path("items").size()).isEqualTo(8);
        assertThat(api.get("/api/v1/notification-policies?limit=500").json().path("items").size()).isEqualTo(8);
        assertThat(api.get("/api/v1/maintenance-windows?limit=500").json().path("items").size()).isEqualTo(4);
        assertThat(plan(apply(api, YAML, file.toString(), "?dry_run=true"))).hasSize(20).allMatch(line -> line.startsWith("unchanged"));
    }

    @Test
    void anAppliedWindowMutesAtOnceAndAnAppliedPolicyRoutes() throws Exception {
        ApiClient api = newOrg();
        ApiClient.Answer down = api.post("/api/v1/targets", "{\"key\":\"down\",\"name\":\"down\",\"kind\":\"tcp\","
                + "\"spec\":{\"host\":\"127.0.0.1\",\"port\":9},\"interval_s\":1,\"timeout_ms\":500}");
        assertThat(down.status()).as(down.text()).isEqualTo(201);
        String started = LocalDateTime.now(ZoneOffset.UTC).minusMinutes(30).format(DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss"));
        String file = """
                {"version": 1,
                 "alert_channels": [{"key": "hook", "name": "hook", "kind": "webhook", "settings": {"url": "%s"}}],
                 "notification_policies": [{"key": "all", "name": "all", "channels": ["hook"]}],
                 "maintenance_windows": [{"key": "now", "name": "now", "starts_at": "%s", "time_zone": "UTC", "duration_s": 3600,
                   "mode": "mute", "targets": ["db"]}]}""".formatted(receiver.url("/routed"), started);
        plan(apply(api, JSON, file, ""));
        // The schedule was reloaded by the apply, not by its 60 s timer: the window's muted time shows at once.
        JsonNode stats = api.get("/api/v1/targets/" + id(api, "targets", "db") + "/stats?window=1h").json();
        assertThat(stats.path("muted_s").asLong()).as(stats.toString()).isPositive();
        // The routing catalog was reloaded too (its own refresh is every 30 s): the down target's incident reaches the hook.
        Await.until("the incident of the down target at the applied channel", Duration.ofSeconds(20),
                () -> receiver.received().stream().anyMatch(r -> r.path().equals("/routed")
                        && r.json().path("type").asText().equals("incident.opened")));
        api.delete("/api/v1/targets/" + down.json().path("id").asText());
    }

    /** What the Python verifier says of the last request to {@code path}, signed with {@code secret}. */
    private String signature(String secret, String path) throws Exception {
        return WebhookVerifier.verify(secret, lastTo(path));
    }

    private AlertReceiver.Received lastTo(String path) {
        AlertReceiver.Received found = null;
        for (AlertReceiver.Received received : receiver.received()) {
            if (received.path().equals(path)) {
                found = received;
            }
        }
        return found;
    }
}
