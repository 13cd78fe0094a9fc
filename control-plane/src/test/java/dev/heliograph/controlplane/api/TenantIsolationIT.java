package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.ApiClient;
import dev.heliograph.controlplane.Await;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.controlplane.TestServices;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tenant isolation, table-driven: every route is called with a second org's admin key and the
 * first org's ids and bodies. Nothing of the first org may leak (an id of another org answers 404,
 * never 403, which would confirm that it exists; a listing shows none of it) and nothing of it may
 * change. Every route the API serves must have a row here, so a new route cannot skip the check.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantIsolationIT {
    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;
    private ApiClient first;
    private ApiClient second;
    private String targetId;
    private String keyId;
    private String windowId;
    private String firstTargetBefore;
    private String channelId;
    private String firstChannelBefore;
    private String policyId;
    private String downTargetId;
    private String incidentId;
    private String notificationId;

    /** How a route must answer the other org. */
    private enum Expect {
        /** 404 with the envelope: the id is not the caller's. */
        NOT_FOUND,
        /** 403 OPERATOR_ONLY whatever the id: the route is shared infrastructure, closed to other orgs. */
        OPERATOR_ONLY,
        /** 2xx, and the answer holds none of the first org's ids, names or tags. */
        OWN_DATA_ONLY,
        /** 422: a first-org id in the body is refused like one that does not exist, and nothing leaks. */
        INVALID
    }

    private record Row(String operation, String method, String path, String body, Expect expect) {
    }

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        plane = ControlPlane.start(vertx, services.config(), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
        first = new ApiClient(plane.apiPort());
        ApiClient.Answer org = first.post("/api/v1/orgs", "{\"name\":\"second-org\"}");
        assertThat(org.status()).as(org.text()).isEqualTo(201);
        second = first.withKey(org.json().path("admin_key").asText());
        ApiClient.Answer target = first.post("/api/v1/targets", "{\"name\":\"first-secret-name\",\"kind\":\"http\","
                + "\"spec\":{\"url\":\"http://127.0.0.1:9/\"},\"tags\":[\"first-tag\"],\"enabled\":false}");
        assertThat(target.status()).as(target.text()).isEqualTo(201);
        targetId = target.json().path("id").asText();
        firstTargetBefore = target.text();
        ApiClient.Answer key = first.post("/api/v1/api-keys", "{\"name\":\"first-viewer\",\"role\":\"viewer\"}");
        keyId = key.json().path("id").asText();
        ApiClient.Answer window = first.post("/api/v1/maintenance-windows", window("first-window", targetId));
        assertThat(window.status()).as(window.text()).isEqualTo(201);
        windowId = window.json().path("id").asText();
        ApiClient.Answer channel = first.post("/api/v1/alert-channels", "{\"name\":\"first-channel-name\",\"kind\":\"slack\","
                + "\"settings\":{\"url\":\"http://127.0.0.1:9/first\"}}");
        assertThat(channel.status()).as(channel.text()).isEqualTo(201);
        channelId = channel.json().path("id").asText();
        firstChannelBefore = channel.text();
        ApiClient.Answer policy = first.post("/api/v1/notification-policies", "{\"name\":\"first-policy\",\"severities\":[\"critical\","
                + "\"warning\"],\"channels\":[\"" + channelId + "\"]}");
        assertThat(policy.status()).as(policy.text()).isEqualTo(201);
        policyId = policy.json().path("id").asText();
        ApiClient.Answer down = first.post("/api/v1/targets", "{\"name\":\"first-down-name\",\"kind\":\"tcp\","
                + "\"spec\":{\"host\":\"127.0.0.1\",\"port\":9},\"interval_s\":1,\"timeout_ms\":500,\"tags\":[\"first-tag\"]}");
        assertThat(down.status()).as(down.text()).isEqualTo(201);
        downTargetId = down.json().path("id").asText();
        Await.until("an incident and a notification of the first org", Duration.ofSeconds(30), () -> {
            JsonNode incidents = first.get("/api/v1/incidents?target_id=" + downTargetId).json().path("items");
            JsonNode notifications = first.get("/api/v1/notifications").json().path("items");
            if (incidents.isEmpty() || notifications.isEmpty()) {
                return false;
            }
            incidentId = incidents.get(0).path("id").asText();
            notificationId = notifications.get(0).path("id").asText();
            return true;
        });
    }

    /** A daily mute window body over {@code target}. */
    private static String window(String name, String target) {
        return "{\"name\":\"" + name + "\",\"starts_at\":\"2026-01-01T03:00:00\",\"time_zone\":\"UTC\",\"duration_s\":3600,"
                + "\"rrule\":\"FREQ=DAILY\",\"mode\":\"mute\",\"target_ids\":[\"" + target + "\"]}";
    }

    @AfterAll
    void stop() throws Exception {
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        services.close();
    }

    private List<Row> rows() {
        String t = targetId;
        String body = "{\"name\":\"taken-over\",\"kind\":\"http\",\"spec\":{\"url\":\"http://127.0.0.1:9/\"},\"enabled\":false}";
        String channel = "{\"name\":\"taken-over\",\"kind\":\"slack\",\"settings\":{\"url\":\"http://127.0.0.1:9/second\"}}";
        String policy = "{\"name\":\"taken-over\",\"channels\":[\"" + channelId + "\"]}";
        String incidents = "/api/v1/incidents/" + incidentId;
        String policies = "/api/v1/notification-policies/" + policyId;
        String notifications = "/api/v1/notifications/" + notificationId;
        // The first org's channel and target were created without keys: their keys are their ids.
        String borrowing = "{\"version\":1,\"alert_channels\":[],\"notification_policies\":[{\"key\":\"p\",\"name\":\"p\","
                + "\"channels\":[\"" + channelId + "\"]}],\"maintenance_windows\":[{\"key\":\"w\",\"name\":\"w\","
                + "\"starts_at\":\"2026-01-01T03:00:00\",\"time_zone\":\"UTC\",\"duration_s\":600,\"mode\":\"mute\","
                + "\"targets\":[\"" + t + "\"]}]}";
        String sameKeys = "{\"version\":1,\"alert_channels\":[{\"key\":\"" + channelId + "\",\"name\":\"taken-over-file\","
                + "\"kind\":\"slack\",\"settings\":{\"url\":\"http://127.0.0.1:9/second\"}}],\"notification_policies\":[{\"key\":\""
                + policyId + "\",\"name\":\"taken-over-file\",\"channels\":[\"" + channelId + "\"]}],\"maintenance_windows\":[]}";
        return List.of(
                // Before the rows below give the second org items of its own.
                new Row("GET /api/v1/alerting:export", "GET", "/api/v1/alerting:export", null, Expect.OWN_DATA_ONLY),
                // The first org's channel and target keys resolve to nothing in the second org.
                new Row("POST /api/v1/alerting:apply", "POST", "/api/v1/alerting:apply", borrowing, Expect.INVALID),
                new Row("GET /api/v1/incidents", "GET", "/api/v1/incidents?limit=500", null, Expect.OWN_DATA_ONLY),
                new Row("GET /api/v1/incidents/{id}", "GET", incidents, null, Expect.NOT_FOUND),
                new Row("POST /api/v1/incidents/{id}/acknowledge", "POST", incidents + "/acknowledge", null, Expect.NOT_FOUND),
                new Row("POST /api/v1/incidents/{id}/resolve", "POST", incidents + "/resolve", null, Expect.NOT_FOUND),
                new Row("GET /api/v1/notification-policies", "GET", "/api/v1/notification-policies?limit=500", null, Expect.OWN_DATA_ONLY),
                new Row("POST /api/v1/notification-policies", "POST", "/api/v1/notification-policies", policy, Expect.INVALID),
                new Row("GET /api/v1/notification-policies/{id}", "GET", policies, null, Expect.NOT_FOUND),
                new Row("PUT /api/v1/notification-policies/{id}", "PUT", policies, policy, Expect.NOT_FOUND),
                new Row("DELETE /api/v1/notification-policies/{id}", "DELETE", policies, null, Expect.NOT_FOUND),
                new Row("GET /api/v1/notifications", "GET", "/api/v1/notifications?limit=500", null, Expect.OWN_DATA_ONLY),
                new Row("GET /api/v1/notifications/{id}", "GET", notifications, null, Expect.NOT_FOUND),
                new Row("POST /api/v1/notifications/{id}/retry", "POST", notifications + "/retry", null, Expect.NOT_FOUND),
                new Row("GET /api/v1/targets/{id}/verdict", "GET", "/api/v1/targets/" + downTargetId + "/verdict", null, Expect.NOT_FOUND),
                new Row("GET /api/v1/verdicts", "GET", "/api/v1/verdicts", null, Expect.OWN_DATA_ONLY),
                new Row("GET /api/v1/targets", "GET", "/api/v1/targets?limit=500", null, Expect.OWN_DATA_ONLY),
                new Row("GET /api/v1/targets", "GET", "/api/v1/targets?tag=first-tag", null, Expect.OWN_DATA_ONLY),
                // Before the rows below give the second org targets named or keyed like the first org's.
                new Row("GET /api/v1/targets:export", "GET", "/api/v1/targets:export", null, Expect.OWN_DATA_ONLY),
                new Row("POST /api/v1/targets", "POST", "/api/v1/targets",
                        "{\"name\":\"first-secret-name\",\"kind\":\"http\",\"spec\":{\"url\":\"http://127.0.0.1:9/\"},\"enabled\":false}",
                        Expect.OWN_DATA_ONLY),
                new Row("GET /api/v1/targets/{id}", "GET", "/api/v1/targets/" + t, null, Expect.NOT_FOUND),
                new Row("POST /api/v1/targets:bulk", "POST", "/api/v1/targets:bulk",
                        "{\"items\":[" + body.replace("{\"name\"", "{\"key\":\"" + t + "\",\"name\"") + "]}", Expect.OWN_DATA_ONLY),
                new Row("POST /api/v1/targets:bulk-action", "POST", "/api/v1/targets:bulk-action",
                        "{\"action\":\"delete\",\"ids\":[\"" + t + "\"]}", Expect.OWN_DATA_ONLY),
                new Row("POST /api/v1/targets:bulk-action", "POST", "/api/v1/targets:bulk-action",
                        "{\"action\":\"add_tag\",\"tag\":\"x\",\"selector\":{\"tag\":\"first-tag\"}}", Expect.OWN_DATA_ONLY),
                new Row("POST /api/v1/targets:apply", "POST", "/api/v1/targets:apply?dry_run=true",
                        "{\"version\":1,\"targets\":[" + body.replace("{\"name\"", "{\"key\":\"" + t + "\",\"name\"") + "]}",
                        Expect.OWN_DATA_ONLY),
                new Row("PUT /api/v1/targets/{id}", "PUT", "/api/v1/targets/" + t, body, Expect.NOT_FOUND),
                new Row("DELETE /api/v1/targets/{id}", "DELETE", "/api/v1/targets/" + t, null, Expect.NOT_FOUND),
                new Row("POST /api/v1/targets/{id}/check-now", "POST", "/api/v1/targets/" + t + "/check-now", "{}", Expect.NOT_FOUND),
                new Row("GET /api/v1/targets/{id}/results", "GET", "/api/v1/targets/" + t + "/results", null, Expect.NOT_FOUND),
                new Row("GET /api/v1/targets/{id}/stats", "GET", "/api/v1/targets/" + t + "/stats", null, Expect.NOT_FOUND),
                new Row("POST /api/v1/targets/test", "POST", "/api/v1/targets/test",
                        "{\"name\":\"probe\",\"kind\":\"tcp\",\"spec\":{\"host\":\"127.0.0.1\",\"port\":9}}", Expect.OWN_DATA_ONLY),
                new Row("GET /api/v1/api-keys", "GET", "/api/v1/api-keys", null, Expect.OWN_DATA_ONLY),
                new Row("POST /api/v1/api-keys", "POST", "/api/v1/api-keys", "{\"role\":\"viewer\"}", Expect.OWN_DATA_ONLY),
                new Row("GET /api/v1/api-keys/{id}", "GET", "/api/v1/api-keys/" + keyId, null, Expect.NOT_FOUND),
                new Row("DELETE /api/v1/api-keys/{id}", "DELETE", "/api/v1/api-keys/" + keyId, null, Expect.NOT_FOUND),
                new Row("GET /api/v1/org", "GET", "/api/v1/org", null, Expect.OWN_DATA_ONLY),
                new Row("GET /api/v1/orgs", "GET", "/api/v1/orgs", null, Expect.OPERATOR_ONLY),
                new Row("POST /api/v1/orgs", "POST", "/api/v1/orgs", "{\"name\":\"third-org\"}", Expect.OPERATOR_ONLY),
                new Row("GET /api/v1/regions", "GET", "/api/v1/regions", null, Expect.OWN_DATA_ONLY),
                new Row("GET /api/v1/regions/{region}", "GET", "/api/v1/regions/local", null, Expect.OWN_DATA_ONLY),
                new Row("POST /api/v1/regions", "POST", "/api/v1/regions", "{\"name\":\"second-region\"}", Expect.OPERATOR_ONLY),
                new Row("DELETE /api/v1/regions/{region}", "DELETE", "/api/v1/regions/local", null, Expect.OPERATOR_ONLY),
                new Row("POST /api/v1/regions/{region}/registration-tokens", "POST", "/api/v1/regions/eu/registration-tokens", "{}",
                        Expect.OPERATOR_ONLY),
                new Row("GET /api/v1/regions/{region}/registration-tokens", "GET", "/api/v1/regions/local/registration-tokens", null,
                        Expect.OPERATOR_ONLY),
                new Row("DELETE /api/v1/regions/{region}/registration-tokens/{id}", "DELETE",
                        "/api/v1/regions/local/registration-tokens/" + UUID.randomUUID(), null, Expect.OPERATOR_ONLY),
                new Row("GET /api/v1/agents", "GET", "/api/v1/agents", null, Expect.OPERATOR_ONLY),
                new Row("GET /api/v1/agents/{id}", "GET", "/api/v1/agents/" + UUID.randomUUID(), null, Expect.OPERATOR_ONLY),
                new Row("DELETE /api/v1/agents/{id}", "DELETE", "/api/v1/agents/" + UUID.randomUUID(), null, Expect.OPERATOR_ONLY),
                new Row("GET /api/v1/health", "GET", "/api/v1/health", null, Expect.OWN_DATA_ONLY),
                new Row("GET /api/v1/tags", "GET", "/api/v1/tags", null, Expect.OWN_DATA_ONLY),
                new Row("GET /api/v1/dashboard", "GET", "/api/v1/dashboard", null, Expect.OWN_DATA_ONLY),
                new Row("GET /api/v1/maintenance-windows", "GET", "/api/v1/maintenance-windows", null, Expect.OWN_DATA_ONLY),
                // A window over the first org's tag is the second org's own: it covers none of the first org's targets.
                new Row("POST /api/v1/maintenance-windows", "POST", "/api/v1/maintenance-windows",
                        window("second-window", t).replace("\"target_ids\":[\"" + t + "\"]", "\"tags\":[\"first-tag\"]"),
                        Expect.OWN_DATA_ONLY),
                // The first org's target id is unknown to the second org, exactly like a random id.
                new Row("POST /api/v1/maintenance-windows:preview", "POST", "/api/v1/maintenance-windows:preview",
                        window("preview", t), Expect.OWN_DATA_ONLY),
                new Row("GET /api/v1/maintenance-windows/{id}", "GET", "/api/v1/maintenance-windows/" + windowId, null,
                        Expect.NOT_FOUND),
                new Row("PUT /api/v1/maintenance-windows/{id}", "PUT", "/api/v1/maintenance-windows/" + windowId,
                        window("taken-over", t).replace("\"target_ids\":[\"" + t + "\"]", "\"tags\":[\"x\"]"), Expect.NOT_FOUND),
                new Row("DELETE /api/v1/maintenance-windows/{id}", "DELETE", "/api/v1/maintenance-windows/" + windowId, null,
                        Expect.NOT_FOUND),
                new Row("GET /api/v1/alert-channels", "GET", "/api/v1/alert-channels?limit=500", null, Expect.OWN_DATA_ONLY),
                new Row("GET /api/v1/alert-channels/{id}", "GET", "/api/v1/alert-channels/" + channelId, null, Expect.NOT_FOUND),
                new Row("PUT /api/v1/alert-channels/{id}", "PUT", "/api/v1/alert-channels/" + channelId, channel, Expect.NOT_FOUND),
                new Row("DELETE /api/v1/alert-channels/{id}", "DELETE", "/api/v1/alert-channels/" + channelId, null, Expect.NOT_FOUND),
                new Row("POST /api/v1/alert-channels/{id}/test", "POST", "/api/v1/alert-channels/" + channelId + "/test", null,
                        Expect.NOT_FOUND),
                // Near the end: it gives the second org a channel named like the first org's.
                new Row("POST /api/v1/alert-channels", "POST", "/api/v1/alert-channels", channel.replace("taken-over",
                        "first-channel-name"), Expect.OWN_DATA_ONLY),
                // Last, as it gives the second org items keyed like the first org's: the same keys are the second org's own
                // items, and its prune deletes nothing of the first org.
                new Row("POST /api/v1/alerting:apply", "POST", "/api/v1/alerting:apply?prune=true", sameKeys, Expect.OWN_DATA_ONLY));
    }

    @Test
    void noRouteLeaksOrChangesAnotherOrgsData() {
        Map<String, String> failures = new LinkedHashMap<>();
        for (Row row : rows()) {
            ApiClient.Answer answer = call(second, row);
            String problem = check(row, answer);
            if (problem != null) {
                failures.put(row.method() + " " + row.path(), problem + ": " + answer.status() + " " + answer.text());
            }
        }
        assertThat(failures).as("routes that leak or refuse wrongly").isEmpty();
        // Nothing of the first org changed.
        ApiClient.Answer after = first.get("/api/v1/targets/" + targetId);
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.json()).isEqualTo(readTree(firstTargetBefore));
        assertThat(first.get("/api/v1/api-keys/" + keyId).json().path("state").asText()).isEqualTo("active");
        assertThat(first.get("/api/v1/targets?limit=500").json().path("items").findValuesAsText("name"))
                .containsExactlyInAnyOrder("first-secret-name", "first-down-name");
        assertThat(first.get("/api/v1/regions/local").status()).isEqualTo(200);
        assertThat(first.get("/api/v1/maintenance-windows/" + windowId).json().path("version").asLong()).isEqualTo(1);
        assertThat(first.get("/api/v1/alert-channels/" + channelId).json()).isEqualTo(readTree(firstChannelBefore));
        assertThat(first.get("/api/v1/notification-policies/" + policyId).json().path("version").asLong()).isEqualTo(1);
    }

    @Test
    void anotherOrgsIdAnswersLikeAnIdThatDoesNotExist() {
        for (String path : List.of("/api/v1/targets/%s", "/api/v1/targets/%s/results", "/api/v1/api-keys/%s",
                "/api/v1/alert-channels/%s")) {
            String real = path.startsWith("/api/v1/api-keys") ? keyId : path.startsWith("/api/v1/alert-channels") ? channelId : targetId;
            ApiClient.Answer existing = second.get(path.formatted(real));
            ApiClient.Answer missing = second.get(path.formatted(UUID.randomUUID()));
            assertThat(existing.status()).as(path).isEqualTo(missing.status()).isEqualTo(404);
            assertThat(existing.json().path("error").path("code")).isEqualTo(missing.json().path("error").path("code"));
        }
    }

    @Test
    void everyServedOperationHasARow() {
        Set<String> covered = new TreeSet<>(rows().stream().map(Row::operation).toList());
        Set<String> served = new TreeSet<>(plane.apiOperations());
        assertThat(covered).as("rows for operations that are not served").isSubsetOf(served);
        assertThat(served).as("served operations without a row").isSubsetOf(covered);
    }

    private String check(Row row, ApiClient.Answer answer) {
        // Facts of the first org; one counts as leaked when the answer holds it and the request did not.
        String request = row.path() + " " + (row.body() == null ? "" : row.body());
        boolean leaks = List.of(targetId, "first-secret-name", "first-tag", keyId, "first-viewer", windowId, "first-window", channelId,
                "first-channel-name", policyId, "first-policy", incidentId, downTargetId, "first-down-name", notificationId).stream()
                .anyMatch(fact -> answer.text().contains(fact) && !request.contains(fact));
        return switch (row.expect()) {
            case NOT_FOUND -> answer.status() == 404 && answer.json().path("error").has("code") && !leaks ? null
                    : "expected 404 without the first org's data";
            case OPERATOR_ONLY -> answer.status() == 403
                    && answer.json().path("error").path("code").asText().equals("OPERATOR_ONLY") ? null : "expected 403 OPERATOR_ONLY";
            case OWN_DATA_ONLY -> answer.status() < 300 && !leaks ? null : "expected 2xx without the first org's data";
            case INVALID -> answer.status() == 422 && !leaks ? null : "expected 422 without the first org's data";
        };
    }

    private static ApiClient.Answer call(ApiClient client, Row row) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(client.base() + row.path()));
        if (row.body() == null) {
            request.method(row.method(), HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("content-type", "application/json").method(row.method(), HttpRequest.BodyPublishers.ofString(row.body()));
        }
        return client.send(request);
    }

    private static JsonNode readTree(String text) {
        try {
            return dev.heliograph.probe.codec.Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
