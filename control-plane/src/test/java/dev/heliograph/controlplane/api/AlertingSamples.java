package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.ApiClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.UUID;

/**
 * The sample calls of the alerting file routes for {@link OpenApiIT} (see {@link OpenApiSamples}).
 * Every apply adds items with unique keys and never prunes, since the samples share one org.
 */
final class AlertingSamples {
    private static final String EXPORT = "/api/v1/alerting:export";
    private static final String APPLY = "/api/v1/alerting:apply";

    private final ApiClient api;

    AlertingSamples(ApiClient api) {
        this.api = api;
    }

    List<OpenApiSamples.Sample> all() {
        return List.of(
                new OpenApiSamples.Sample("GET " + EXPORT, "as JSON", 200, () -> {
                    api.post(APPLY, file(unique("exported")));
                    return api.send(HttpRequest.newBuilder(URI.create(api.base() + EXPORT)).header("accept", "application/json"));
                }),
                new OpenApiSamples.Sample("GET " + EXPORT, "not acceptable", 406, () -> api.send(HttpRequest.newBuilder(
                        URI.create(api.base() + EXPORT)).header("accept", "text/html"))),
                new OpenApiSamples.Sample("POST " + APPLY, "the example file, made real", 200, () -> api.post(APPLY, example())),
                new OpenApiSamples.Sample("POST " + APPLY, "a new webhook channel: its secret shown once", 200, () ->
                        api.post(APPLY, file(unique("applied")))),
                new OpenApiSamples.Sample("POST " + APPLY, "dry run of the export", 200, () -> api.send(HttpRequest.newBuilder(
                        URI.create(api.base() + APPLY + "?dry_run=true")).header("content-type", "application/yaml")
                        .POST(HttpRequest.BodyPublishers.ofString(api.get(EXPORT).text())))),
                new OpenApiSamples.Sample("POST " + APPLY, "a policy naming no channel", 422, () -> api.post(APPLY,
                        "{\"version\": 1, \"alert_channels\": [], \"maintenance_windows\": [], \"notification_policies\": "
                                + "[{\"key\": \"" + unique("p") + "\", \"name\": \"" + unique("p") + "\", \"channels\": [\"nowhere\"]}]}")),
                new OpenApiSamples.Sample("POST " + APPLY, "a name held outside the file", 409, () -> {
                    String key = unique("held");
                    api.post(APPLY, file(key));
                    return api.post(APPLY, file(key).replace("\"key\": \"" + key + "-hook\"", "\"key\": \"" + key + "-other\""));
                }),
                new OpenApiSamples.Sample("POST " + APPLY, "plain text", 415, () -> api.send(HttpRequest.newBuilder(URI.create(
                        api.base() + APPLY)).header("content-type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("version: 1")))));
    }

    /**
     * {@link AlertingExamples#FILE} with unique keys and names, its masked secrets replaced by values (the
     * items are new here), its webhook pointed at a closed loopback port, and a target of the org for its window.
     */
    private String example() {
        String target = unique("shop-db");
        ApiClient.Answer created = api.post("/api/v1/targets", "{\"key\": \"" + target + "\", \"name\": \"" + target + "\", "
                + "\"kind\": \"tcp\", \"spec\": {\"host\": \"127.0.0.1\", \"port\": 9}, \"enabled\": false}");
        if (created.status() != 201) {
            throw new IllegalStateException("target not created: " + created.text());
        }
        String suffix = "-" + UUID.randomUUID().toString().substring(0, 8);
        String real = AlertingExamples.FILE
                .replace("\"secret\": \"***\", \"headers\": {\"X-Team\": \"***\"}", "\"headers\": {\"X-Team\": \"sre\"}")
                .replace("\"url\": \"***\"", "\"url\": \"http://127.0.0.1:9/services/T0/B0/x\"")
                .replace("https://hooks.example.com/heliograph", "http://127.0.0.1:9/heliograph")
                .replace("\"shop-db\"", "\"" + target + "\"");
        for (String name : List.of("oncall-webhook", "on-call webhook", "ops-slack", "ops slack", "prod-pager", "prod pages", "sunday-db",
                "sunday db maintenance")) {
            real = real.replace("\"" + name + "\"", "\"" + name + suffix + "\"");
        }
        if (real.contains("***") || real.contains("example.com")) {
            throw new IllegalStateException("the example changed; make it real here: " + AlertingExamples.FILE);
        }
        return real;
    }

    /** A file with a webhook channel (no secret: one is generated) and a policy naming it, keys and names from {@code key}. */
    private static String file(String key) {
        return "{\"version\": 1, \"alert_channels\": [{\"key\": \"" + key + "-hook\", \"name\": \"" + key + " hook\", "
                + "\"kind\": \"webhook\", \"settings\": {\"url\": \"http://127.0.0.1:9/hook\"}}], \"notification_policies\": "
                + "[{\"key\": \"" + key + "-policy\", \"name\": \"" + key + " policy\", \"channels\": [\"" + key + "-hook\"]}], "
                + "\"maintenance_windows\": []}";
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
