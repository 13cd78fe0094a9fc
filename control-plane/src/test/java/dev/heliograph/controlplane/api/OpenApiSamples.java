package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.ApiClient;
import dev.heliograph.controlplane.Await;
import dev.heliograph.probe.agent.protocol.AgentProtocol;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The sample calls of {@link OpenApiIT}: one row per call, each creating what it needs through the
 * API. Every operation of the document needs at least one row whose call succeeds, or the test
 * fails; so a new route brings its row here. Error rows show that the error answers fit the
 * envelope too.
 */
final class OpenApiSamples {
    /**
     * One call.
     *
     * @param operation the operation as {@code "GET /api/v1/targets/{id}"}
     * @param name      what the call shows
     * @param expected  the status it must answer
     */
    record Sample(String operation, String name, int expected, Supplier<ApiClient.Answer> call) {
    }

    private final ApiClient api;
    private final ApiClient agents;

    /** @param agents a client of the agent server, to register agents */
    OpenApiSamples(ApiClient api, ApiClient agents) {
        this.api = api;
        this.agents = agents;
    }

    List<Sample> all() {
        List<Sample> all = new java.util.ArrayList<>(core());
        all.addAll(new MaintenanceWindowSamples(api).all());
        all.addAll(new IncidentSamples(api).all());
        all.addAll(new AlertingSamples(api).all());
        return all;
    }

    private List<Sample> core() {
        String missing = UUID.randomUUID().toString();
        return List.of(
                new Sample("GET /api/v1/health", "components", 200, () -> api.get("/api/v1/health")),
                new Sample("GET /api/v1/org", "the caller", 200, () -> api.get("/api/v1/org")),
                new Sample("GET /api/v1/tags", "after targets with tags", 200, () -> {
                    createTarget("tagged");
                    return api.get("/api/v1/tags?limit=5");
                }),
                new Sample("GET /api/v1/dashboard", "with a checked target", 200, () -> {
                    api.post("/api/v1/targets/" + createTarget("dashboard") + "/check-now", "");
                    return api.get("/api/v1/dashboard");
                }),

                // The documented example itself, paused and pointed at loopback (tests reach nothing else).
                new Sample("POST /api/v1/targets", "the request example", 201, () -> api.post("/api/v1/targets",
                        pausedOnLoopback(ApiExamples.TARGET_REQUEST.replace("example health", unique("create"))))),
                new Sample("POST /api/v1/targets", "invalid fields", 422, () -> api.post("/api/v1/targets",
                        "{\"name\":\"\",\"kind\":\"http\",\"spec\":{\"url\":\"ftp://x\"},\"interval_s\":0}")),
                new Sample("POST /api/v1/targets", "name taken", 409, () -> {
                    String body = target(unique("taken"));
                    api.post("/api/v1/targets", body);
                    return api.post("/api/v1/targets", body);
                }),
                new Sample("POST /api/v1/targets", "replayed with Idempotency-Key", 201, () -> {
                    String key = UUID.randomUUID().toString();
                    String body = target(unique("idem"));
                    post(key, body);
                    return post(key, body);
                }),
                new Sample("POST /api/v1/targets", "Idempotency-Key reused", 422, () -> {
                    String key = UUID.randomUUID().toString();
                    post(key, target(unique("idem-a")));
                    return post(key, target(unique("idem-b")));
                }),
                new Sample("POST /api/v1/targets", "unknown field", 400, () -> api.post("/api/v1/targets", "{\"colour\":\"blue\"}")),
                new Sample("POST /api/v1/targets", "not JSON", 415, () -> api.send(HttpRequest.newBuilder(URI.create(api.base()
                        + "/api/v1/targets")).header("content-type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("x")))),
                new Sample("GET /api/v1/targets", "first page", 200, () -> {
                    createTarget("listed-a");
                    createTarget("listed-b");
                    return api.get("/api/v1/targets?limit=1");
                }),
                new Sample("GET /api/v1/targets", "bad limit", 400, () -> api.get("/api/v1/targets?limit=0")),
                new Sample("GET /api/v1/targets/{id}", "read", 200, () -> api.get("/api/v1/targets/" + createTarget("read"))),
                new Sample("GET /api/v1/targets/{id}", "unknown id", 404, () -> api.get("/api/v1/targets/" + missing)),
                new Sample("PUT /api/v1/targets/{id}", "replace", 200, () -> api.put("/api/v1/targets/" + createTarget("replace"),
                        target(unique("replaced")))),
                new Sample("PUT /api/v1/targets/{id}", "unknown id", 404, () -> api.put("/api/v1/targets/" + missing, target("x"))),
                new Sample("DELETE /api/v1/targets/{id}", "delete", 204, () -> api.delete("/api/v1/targets/" + createTarget("delete"))),
                new Sample("DELETE /api/v1/targets/{id}", "unknown id", 404, () -> api.delete("/api/v1/targets/" + missing)),

                new Sample("POST /api/v1/targets/{id}/check-now", "closed port", 200, () ->
                        api.post("/api/v1/targets/" + createTarget("check-now") + "/check-now", "")),
                new Sample("POST /api/v1/targets/{id}/check-now", "region not the target's", 400, () ->
                        api.post("/api/v1/targets/" + createTarget("check-now-r") + "/check-now?region=elsewhere", "")),
                new Sample("POST /api/v1/targets/test", "closed port", 200, () -> api.post("/api/v1/targets/test",
                        "{\"name\":\"probe\",\"kind\":\"tcp\",\"spec\":{\"host\":\"127.0.0.1\",\"port\":9},\"timeout_ms\":2000}")),
                new Sample("POST /api/v1/targets/test", "invalid", 422, () -> api.post("/api/v1/targets/test",
                        "{\"name\":\"probe\",\"kind\":\"tcp\",\"spec\":{\"host\":\"127.0.0.1\"}}")),
                new Sample("POST /api/v1/targets:bulk", "one new, one replaced by key", 200, () -> {
                    String key = unique("bulk-key");
                    api.post("/api/v1/targets", keyed(key, target(unique("bulk-old"))));
                    return api.post("/api/v1/targets:bulk", "{\"items\": [" + target(unique("bulk-new")) + ", "
                            + keyed(key, target(unique("bulk-replaced"))) + "]}");
                }),
                new Sample("POST /api/v1/targets:bulk", "a bad item", 422, () -> api.post("/api/v1/targets:bulk",
                        "{\"items\": [" + target(unique("bulk-ok")) + ", {\"name\": \"\", \"kind\": \"tcp\"}]}")),
                new Sample("POST /api/v1/targets:bulk-action", "pause by id", 200, () -> api.post("/api/v1/targets:bulk-action",
                        "{\"action\": \"pause\", \"ids\": [\"" + createTarget("bulk-action") + "\"]}")),
                new Sample("POST /api/v1/targets:bulk-action", "unknown action", 422, () -> api.post("/api/v1/targets:bulk-action",
                        "{\"action\": \"archive\", \"ids\": [\"" + missing + "\"]}")),
                new Sample("GET /api/v1/targets:export", "as JSON", 200, () -> {
                    createTarget("exported");
                    return api.send(HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/targets:export"))
                            .header("accept", "application/json"));
                }),
                new Sample("GET /api/v1/targets:export", "not acceptable", 406, () -> api.send(HttpRequest.newBuilder(
                        URI.create(api.base() + "/api/v1/targets:export")).header("accept", "text/html"))),
                new Sample("POST /api/v1/targets:apply", "dry run of one new target", 200, () -> api.post(
                        "/api/v1/targets:apply?dry_run=true", "{\"version\": 1, \"targets\": ["
                                + keyed(unique("apply-key"), target(unique("applied"))) + "]}")),
                new Sample("POST /api/v1/targets:apply", "version 2", 422, () -> api.post("/api/v1/targets:apply?dry_run=true",
                        "{\"version\": 2, \"targets\": []}")),
                new Sample("POST /api/v1/targets:apply", "plain text", 415, () -> api.send(HttpRequest.newBuilder(URI.create(
                        api.base() + "/api/v1/targets:apply")).header("content-type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("version: 1")))),
                new Sample("GET /api/v1/targets/{id}/results", "after a check", 200, this::resultsAfterACheck),
                new Sample("GET /api/v1/targets/{id}/results", "from after to", 400, () -> api.get("/api/v1/targets/"
                        + createTarget("results-bad") + "/results?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")),
                new Sample("GET /api/v1/targets/{id}/stats", "no checks yet", 200, () ->
                        api.get("/api/v1/targets/" + createTarget("stats") + "/stats?window=15m")),
                new Sample("GET /api/v1/targets/{id}/stats", "bad window", 400, () ->
                        api.get("/api/v1/targets/" + createTarget("stats-bad") + "/stats?window=0m")),

                new Sample("POST /api/v1/regions", "create", 201, () -> api.post("/api/v1/regions",
                        "{\"name\":\"" + unique("r") + "\",\"description\":\"sample\"}")),
                new Sample("POST /api/v1/regions", "exists", 409, () -> api.post("/api/v1/regions", "{\"name\":\"local\"}")),
                new Sample("POST /api/v1/regions", "bad name", 422, () -> api.post("/api/v1/regions", "{\"name\":\"EU West\"}")),
                new Sample("GET /api/v1/regions", "page", 200, () -> api.get("/api/v1/regions")),
                new Sample("GET /api/v1/regions/{region}", "local", 200, () -> api.get("/api/v1/regions/local")),
                new Sample("GET /api/v1/regions/{region}", "unknown", 404, () -> api.get("/api/v1/regions/" + unique("none"))),
                new Sample("DELETE /api/v1/regions/{region}", "delete", 204, () -> api.delete("/api/v1/regions/" + createRegion())),
                new Sample("DELETE /api/v1/regions/{region}", "local", 409, () -> api.delete("/api/v1/regions/local")),
                new Sample("POST /api/v1/regions/{region}/registration-tokens", "create", 201, () ->
                        api.post("/api/v1/regions/" + createRegion() + "/registration-tokens", ApiExamples.TOKEN_REQUEST)),
                new Sample("POST /api/v1/regions/{region}/registration-tokens", "local region", 409, () ->
                        api.post("/api/v1/regions/local/registration-tokens", "{}")),
                new Sample("GET /api/v1/regions/{region}/registration-tokens", "one used token", 200, () -> {
                    String region = createRegion();
                    registerAgent(region);
                    return api.get("/api/v1/regions/" + region + "/registration-tokens");
                }),
                new Sample("GET /api/v1/regions/{region}/registration-tokens", "unknown region", 404, () ->
                        api.get("/api/v1/regions/" + unique("none") + "/registration-tokens")),
                new Sample("DELETE /api/v1/regions/{region}/registration-tokens/{id}", "revoke", 204, () -> {
                    String region = createRegion();
                    String token = api.post("/api/v1/regions/" + region + "/registration-tokens", "{}").json().path("id").asText();
                    return api.delete("/api/v1/regions/" + region + "/registration-tokens/" + token);
                }),
                new Sample("DELETE /api/v1/regions/{region}/registration-tokens/{id}", "unknown", 404, () ->
                        api.delete("/api/v1/regions/local/registration-tokens/" + missing)),

                new Sample("GET /api/v1/agents", "page", 200, () -> {
                    registerAgent(createRegion());
                    return api.get("/api/v1/agents");
                }),
                new Sample("GET /api/v1/agents", "bad status", 400, () -> api.get("/api/v1/agents?status=sleeping")),
                new Sample("GET /api/v1/agents/{id}", "read", 200, () -> api.get("/api/v1/agents/" + registerAgent(createRegion()))),
                new Sample("GET /api/v1/agents/{id}", "unknown", 404, () -> api.get("/api/v1/agents/" + missing)),
                new Sample("DELETE /api/v1/agents/{id}", "delete", 204, () -> api.delete("/api/v1/agents/" + registerAgent(createRegion()))),
                new Sample("DELETE /api/v1/agents/{id}", "unknown", 404, () -> api.delete("/api/v1/agents/" + missing)),

                new Sample("POST /api/v1/api-keys", "create", 201, () -> api.post("/api/v1/api-keys", ApiExamples.KEY_REQUEST)),
                new Sample("POST /api/v1/api-keys", "bad role", 422, () -> api.post("/api/v1/api-keys", "{\"role\":\"owner\"}")),
                new Sample("GET /api/v1/api-keys", "page", 200, () -> api.get("/api/v1/api-keys?limit=2")),
                new Sample("GET /api/v1/api-keys/{id}", "read", 200, () -> api.get("/api/v1/api-keys/" + createKey())),
                new Sample("GET /api/v1/api-keys/{id}", "unknown", 404, () -> api.get("/api/v1/api-keys/" + missing)),
                new Sample("DELETE /api/v1/api-keys/{id}", "revoke", 204, () -> api.delete("/api/v1/api-keys/" + createKey())),
                new Sample("DELETE /api/v1/api-keys/{id}", "unknown", 404, () -> api.delete("/api/v1/api-keys/" + missing)),

                new Sample("POST /api/v1/orgs", "create", 201, () -> api.post("/api/v1/orgs", "{\"name\":\"" + unique("org") + "\"}")),
                new Sample("POST /api/v1/orgs", "exists", 409, () -> {
                    String body = "{\"name\":\"" + unique("org") + "\"}";
                    api.post("/api/v1/orgs", body);
                    return api.post("/api/v1/orgs", body);
                }),
                new Sample("POST /api/v1/orgs", "bad name", 422, () -> api.post("/api/v1/orgs", "{\"name\":\"Acme Inc\"}")),
                new Sample("GET /api/v1/orgs", "page", 200, () -> api.get("/api/v1/orgs")),

                // The documented example itself, with a unique name and key (nothing is sent on create).
                new Sample("POST /api/v1/alert-channels", "the request example", 201, () -> api.post("/api/v1/alert-channels",
                        ApiExamples.ALERT_CHANNEL_REQUEST.replace("on-call webhook", unique("webhook"))
                                .replace("oncall-webhook", unique("oncall")))),
                new Sample("POST /api/v1/alert-channels", "invalid fields", 422, () -> api.post("/api/v1/alert-channels",
                        "{\"name\":\"\",\"kind\":\"slack\",\"settings\":{\"url\":\"ftp://x\"}}")),
                new Sample("POST /api/v1/alert-channels", "unknown settings field", 400, () -> api.post("/api/v1/alert-channels",
                        "{\"name\":\"x\",\"kind\":\"slack\",\"settings\":{\"channel\":\"#ops\"}}")),
                new Sample("POST /api/v1/alert-channels", "name taken", 409, () -> {
                    String body = channel(unique("taken"));
                    api.post("/api/v1/alert-channels", body);
                    return api.post("/api/v1/alert-channels", body);
                }),
                new Sample("GET /api/v1/alert-channels", "first page", 200, () -> {
                    createChannel("listed-a");
                    createChannel("listed-b");
                    return api.get("/api/v1/alert-channels?limit=1");
                }),
                new Sample("GET /api/v1/alert-channels", "bad cursor", 400, () -> api.get("/api/v1/alert-channels?cursor=x")),
                new Sample("GET /api/v1/alert-channels/{id}", "read", 200, () -> api.get("/api/v1/alert-channels/"
                        + createChannel("read"))),
                new Sample("GET /api/v1/alert-channels/{id}", "unknown id", 404, () -> api.get("/api/v1/alert-channels/" + missing)),
                new Sample("PUT /api/v1/alert-channels/{id}", "replace, keeping the secret", 200, () -> api.put(
                        "/api/v1/alert-channels/" + createChannel("replace"), channel(unique("replaced")).replace("http://127.0.0.1:9/hook",
                                "***"))),
                new Sample("PUT /api/v1/alert-channels/{id}", "unknown id", 404, () -> api.put("/api/v1/alert-channels/" + missing,
                        channel("x"))),
                new Sample("DELETE /api/v1/alert-channels/{id}", "delete", 204, () -> api.delete("/api/v1/alert-channels/"
                        + createChannel("delete"))),
                new Sample("DELETE /api/v1/alert-channels/{id}", "unknown id", 404, () -> api.delete("/api/v1/alert-channels/" + missing)),
                new Sample("DELETE /api/v1/alert-channels/{id}", "used by a policy", 409, () -> {
                    String id = createChannel("in-use");
                    String policy = unique("uses-it");
                    api.post("/api/v1/notification-policies", "{\"name\":\"" + policy + "\",\"channels\":[\"" + id + "\"]}");
                    return api.delete("/api/v1/alert-channels/" + id);
                }),
                new Sample("POST /api/v1/alert-channels/{id}/test", "closed port: not delivered", 200, () -> api.post(
                        "/api/v1/alert-channels/" + createChannel("test") + "/test", "")),
                new Sample("POST /api/v1/alert-channels/{id}/test", "unknown id", 404, () -> api.post("/api/v1/alert-channels/"
                        + missing + "/test", "")));
    }

    /** A Slack channel at a closed loopback port, named {@code name} plus something unique; its id. */
    private String createChannel(String name) {
        ApiClient.Answer created = api.post("/api/v1/alert-channels", channel(unique(name)));
        if (created.status() != 201) {
            throw new IllegalStateException("alert channel not created: " + created.text());
        }
        return created.json().path("id").asText();
    }

    private static String channel(String name) {
        return "{\"name\":\"" + name + "\",\"kind\":\"slack\",\"settings\":{\"url\":\"http://127.0.0.1:9/hook\"}}";
    }

    /** Checks a target once now (its result is stored), then reads its results once ClickHouse has the row. */
    private ApiClient.Answer resultsAfterACheck() {
        String id = createTarget("results");
        ApiClient.Answer checked = api.post("/api/v1/targets/" + id + "/check-now", "");
        if (checked.status() != 200) {
            return checked;
        }
        String path = "/api/v1/targets/" + id + "/results";
        Await.until("the checked result in ClickHouse", Duration.ofSeconds(30), () -> !api.get(path).json().path("items").isEmpty());
        return api.get(path);
    }

    private ApiClient.Answer post(String idempotencyKey, String body) {
        return api.send(HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/targets")).header("content-type", "application/json")
                .header("Idempotency-Key", idempotencyKey).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** {@code json} (a target body naming https://example.com/health) pointed at a closed loopback port and paused. */
    private static String pausedOnLoopback(String json) {
        String local = json.replace("https://example.com/health", "http://127.0.0.1:9/health")
                .replace("\"tags\":", "\"enabled\": false, \"tags\":");
        if (local.contains("example.com") || !local.contains("\"enabled\": false")) {
            throw new IllegalStateException("the example changed; point it at loopback here: " + json);
        }
        return local;
    }

    /** A paused TCP target at a closed loopback port, named {@code name} plus something unique; its id. */
    private String createTarget(String name) {
        ApiClient.Answer created = api.post("/api/v1/targets", target(unique(name)));
        if (created.status() != 201) {
            throw new IllegalStateException("target not created: " + created.text());
        }
        return created.json().path("id").asText();
    }

    /** {@code body} (a JSON object) with {@code "key": key} in front. */
    private static String keyed(String key, String body) {
        return "{\"key\":\"" + key + "\"," + body.substring(1);
    }

    private static String target(String name) {
        return "{\"name\":\"" + name + "\",\"kind\":\"tcp\",\"spec\":{\"host\":\"127.0.0.1\",\"port\":9},\"interval_s\":60,"
                + "\"timeout_ms\":2000,\"tags\":[\"openapi\"],\"enabled\":false}";
    }

    private String createRegion() {
        String name = unique("r");
        ApiClient.Answer created = api.post("/api/v1/regions", "{\"name\":\"" + name + "\"}");
        if (created.status() != 201) {
            throw new IllegalStateException("region not created: " + created.text());
        }
        return name;
    }

    /** Registers an agent in {@code region} with a fresh token; its id. */
    private String registerAgent(String region) {
        ApiClient.Answer created = api.post("/api/v1/regions/" + region + "/registration-tokens", "{}");
        if (created.status() != 201) {
            throw new IllegalStateException("token not created: " + created.text());
        }
        String token = created.json().path("token").asText();
        ApiClient.Answer registered = agents.post(AgentProtocol.REGISTER,
                "{\"token\":\"" + token + "\",\"name\":\"" + unique("agent") + "\",\"version\":\"test\"}");
        if (registered.status() != 200) {
            throw new IllegalStateException("agent not registered: " + registered.text());
        }
        return registered.json().path("agent_id").asText();
    }

    private String createKey() {
        return api.post("/api/v1/api-keys", "{\"name\":\"sample\",\"role\":\"viewer\"}").json().path("id").asText();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
