package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.ApiClient;
import dev.heliograph.controlplane.Await;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The sample calls of the incident, notification policy, notification and verdict routes for
 * {@link OpenApiIT} (see {@link OpenApiSamples}). A target on a closed loopback port fails from the
 * start, so a real incident opens; its notifications go to a webhook channel on a closed port, so they
 * fail and become dead letters (OpenApiIT runs with {@code alerting.dead_letter_after_s=1}).
 */
final class IncidentSamples {
    private static final String POLICIES = "/api/v1/notification-policies";

    private final ApiClient api;
    private String channel;
    private String target;

    IncidentSamples(ApiClient api) {
        this.api = api;
    }

    List<OpenApiSamples.Sample> all() {
        String missing = UUID.randomUUID().toString();
        return List.of(
                new OpenApiSamples.Sample("POST " + POLICIES, "the request example", 201, () -> api.post(POLICIES, example())),
                new OpenApiSamples.Sample("POST " + POLICIES, "a channel of no one", 422, () -> api.post(POLICIES,
                        policy(unique("nobody"), missing))),
                new OpenApiSamples.Sample("POST " + POLICIES, "name taken", 409, () -> {
                    String body = policy(unique("taken"), channel());
                    api.post(POLICIES, body);
                    return api.post(POLICIES, body);
                }),
                new OpenApiSamples.Sample("GET " + POLICIES, "first page", 200, () -> {
                    createPolicy("listed");
                    return api.get(POLICIES + "?limit=1");
                }),
                new OpenApiSamples.Sample("GET " + POLICIES + "/{id}", "read", 200, () -> api.get(POLICIES + "/" + createPolicy("read"))),
                new OpenApiSamples.Sample("GET " + POLICIES + "/{id}", "unknown id", 404, () -> api.get(POLICIES + "/" + missing)),
                new OpenApiSamples.Sample("PUT " + POLICIES + "/{id}", "replace", 200, () -> api.put(POLICIES + "/" + createPolicy("put"),
                        policy(unique("replaced"), channel()))),
                new OpenApiSamples.Sample("PUT " + POLICIES + "/{id}", "unknown id", 404, () -> api.put(POLICIES + "/" + missing,
                        policy(unique("x"), channel()))),
                new OpenApiSamples.Sample("DELETE " + POLICIES + "/{id}", "delete", 204, () -> api.delete(POLICIES + "/"
                        + createPolicy("delete"))),
                new OpenApiSamples.Sample("DELETE " + POLICIES + "/{id}", "unknown id", 404, () -> api.delete(POLICIES + "/" + missing)),

                new OpenApiSamples.Sample("GET /api/v1/incidents", "active", 200, () -> {
                    incident();
                    return api.get("/api/v1/incidents?state=active&kind=down&limit=5");
                }),
                new OpenApiSamples.Sample("GET /api/v1/incidents", "bad state", 400, () -> api.get("/api/v1/incidents?state=closed")),
                new OpenApiSamples.Sample("GET /api/v1/incidents/{id}", "with its timeline", 200, () -> api.get("/api/v1/incidents/"
                        + incident())),
                new OpenApiSamples.Sample("GET /api/v1/incidents/{id}", "unknown id", 404, () -> api.get("/api/v1/incidents/" + missing)),
                new OpenApiSamples.Sample("POST /api/v1/incidents/{id}/acknowledge", "with a note", 200, () -> api.post(
                        "/api/v1/incidents/" + incident() + "/acknowledge", "{\"note\":\"looking into it\"}")),
                new OpenApiSamples.Sample("POST /api/v1/incidents/{id}/resolve", "with a note", 200, () -> api.post(
                        "/api/v1/incidents/" + incident() + "/resolve", "{\"note\":\"fixed\"}")),
                new OpenApiSamples.Sample("POST /api/v1/incidents/{id}/resolve", "already resolved", 409, () -> {
                    String id = resolvedIncident();
                    return api.post("/api/v1/incidents/" + id + "/resolve", "");
                }),

                new OpenApiSamples.Sample("GET /api/v1/notifications", "dead letters", 200, () -> {
                    deadNotification();
                    return api.get("/api/v1/notifications?state=dead&limit=5");
                }),
                new OpenApiSamples.Sample("GET /api/v1/notifications/{id}", "with its attempts", 200, () -> api.get(
                        "/api/v1/notifications/" + deadNotification())),
                new OpenApiSamples.Sample("GET /api/v1/notifications/{id}", "unknown id", 404, () -> api.get("/api/v1/notifications/"
                        + missing)),
                new OpenApiSamples.Sample("POST /api/v1/notifications/{id}/retry", "a dead letter", 200, () -> api.post(
                        "/api/v1/notifications/" + deadNotification() + "/retry", "")),

                new OpenApiSamples.Sample("GET /api/v1/targets/{id}/verdict", "a target that is down", 200, () -> {
                    incident();
                    return api.get("/api/v1/targets/" + target + "/verdict");
                }),
                new OpenApiSamples.Sample("GET /api/v1/targets/{id}/verdict", "unknown target", 404, () -> api.get("/api/v1/targets/"
                        + missing + "/verdict")),
                new OpenApiSamples.Sample("GET /api/v1/verdicts", "targets not up", 200, () -> {
                    incident();
                    return api.get("/api/v1/verdicts?verdict=down&verdict=regional");
                }),
                new OpenApiSamples.Sample("GET /api/v1/verdicts", "bad verdict", 400, () -> api.get("/api/v1/verdicts?verdict=up")));
    }

    /** The documented example, pointed at a real channel of the org. */
    private String example() {
        return ApiExamples.POLICY_REQUEST.replace("0190f1d2-2b3c-7d4e-9f5a-6b7c8d9e0f1a", channel()).replace("prod-pager", unique("pager"))
                .replace("prod pages", unique("prod pages"));
    }

    /** A webhook channel on a closed loopback port, routed every event by a policy of its own. */
    private synchronized String channel() {
        if (channel == null) {
            ApiClient.Answer created = api.post("/api/v1/alert-channels", "{\"name\":\"" + unique("dead-end") + "\",\"kind\":\"webhook\","
                    + "\"settings\":{\"url\":\"http://127.0.0.1:9/hook\"}}");
            require(created, 201);
            channel = created.json().path("id").asText();
            require(api.post(POLICIES, policy(unique("everything"), channel)), 201);
        }
        return channel;
    }

    /** The active incident of a target that fails from the start (it opens within seconds). */
    private String incident() {
        channel();
        synchronized (this) {
            if (target == null) {
                ApiClient.Answer created = api.post("/api/v1/targets", "{\"name\":\"" + unique("always-down") + "\",\"kind\":\"tcp\","
                        + "\"spec\":{\"host\":\"127.0.0.1\",\"port\":9},\"interval_s\":1,\"timeout_ms\":500}");
                require(created, 201);
                target = created.json().path("id").asText();
            }
        }
        String[] id = new String[1];
        Await.until("an incident of the failing target", Duration.ofSeconds(30), () -> {
            for (JsonNode incident : api.get("/api/v1/incidents?state=active&target_id=" + target).json().path("items")) {
                id[0] = incident.path("id").asText();
                return true;
            }
            return false;
        });
        return id[0];
    }

    private String resolvedIncident() {
        String id = incident();
        require(api.post("/api/v1/incidents/" + id + "/resolve", ""), 200);
        return id;
    }

    private String deadNotification() {
        incident();
        String[] id = new String[1];
        Await.until("a dead notification", Duration.ofSeconds(30), () -> {
            for (JsonNode n : api.get("/api/v1/notifications?state=dead&channel_id=" + channel).json().path("items")) {
                id[0] = n.path("id").asText();
                return true;
            }
            return false;
        });
        return id[0];
    }

    private String createPolicy(String name) {
        ApiClient.Answer created = api.post(POLICIES, policy(unique(name), channel()));
        require(created, 201);
        return created.json().path("id").asText();
    }

    private static String policy(String name, String channel) {
        return "{\"name\":\"" + name + "\",\"events\":[\"opened\",\"resolved\",\"regional\",\"degraded\",\"flapping\",\"reminder\","
                + "\"agent_not_reporting\",\"config_error\"],\"severities\":[\"critical\",\"warning\"],\"channels\":[\"" + channel + "\"]}";
    }

    private static void require(ApiClient.Answer answer, int status) {
        if (answer.status() != status) {
            throw new IllegalStateException("expected " + status + ": " + answer.status() + " " + answer.text());
        }
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
