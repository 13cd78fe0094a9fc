package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.ApiClient;
import java.util.List;
import java.util.UUID;

/** The sample calls of the maintenance-window routes for {@link OpenApiIT} (see {@link OpenApiSamples}). */
final class MaintenanceWindowSamples {
    private static final String PATH = "/api/v1/maintenance-windows";

    private final ApiClient api;

    MaintenanceWindowSamples(ApiClient api) {
        this.api = api;
    }

    List<OpenApiSamples.Sample> all() {
        String missing = UUID.randomUUID().toString();
        return List.of(
                new OpenApiSamples.Sample("POST " + PATH, "the request example", 201, () -> api.post(PATH,
                        MaintenanceExamples.WINDOW_REQUEST.replace("sunday-db", unique("sunday-db"))
                                .replace("sunday db maintenance", unique("sunday db")))),
                new OpenApiSamples.Sample("POST " + PATH, "bad rrule and zone", 422, () -> api.post(PATH, window(unique("bad"))
                        .replace("FREQ=DAILY", "FREQ=MINUTELY").replace("\"UTC\"", "\"+02:00\""))),
                new OpenApiSamples.Sample("POST " + PATH, "name taken", 409, () -> {
                    String name = unique("taken");
                    api.post(PATH, window(name));
                    return api.post(PATH, window(name));
                }),
                new OpenApiSamples.Sample("GET " + PATH, "first page", 200, () -> {
                    create("listed-a");
                    create("listed-b");
                    return api.get(PATH + "?limit=1");
                }),
                new OpenApiSamples.Sample("GET " + PATH + "/{id}", "read", 200, () -> api.get(PATH + "/" + create("read"))),
                new OpenApiSamples.Sample("GET " + PATH + "/{id}", "unknown id", 404, () -> api.get(PATH + "/" + missing)),
                new OpenApiSamples.Sample("PUT " + PATH + "/{id}", "replace", 200, () -> api.put(PATH + "/" + create("replace"),
                        window(unique("replaced")))),
                new OpenApiSamples.Sample("PUT " + PATH + "/{id}", "unknown id", 404, () -> api.put(PATH + "/" + missing,
                        window(unique("x")))),
                new OpenApiSamples.Sample("DELETE " + PATH + "/{id}", "delete", 204, () -> api.delete(PATH + "/" + create("delete"))),
                new OpenApiSamples.Sample("DELETE " + PATH + "/{id}", "unknown id", 404, () -> api.delete(PATH + "/" + missing)),
                new OpenApiSamples.Sample("POST " + PATH + ":preview", "the request example", 200, () -> api.post(PATH + ":preview?count=10",
                        MaintenanceExamples.WINDOW_REQUEST)),
                new OpenApiSamples.Sample("POST " + PATH + ":preview", "no scope", 200, () -> api.post(PATH + ":preview",
                        window("preview").replace(",\"tags\":[\"openapi\"]", ""))),
                new OpenApiSamples.Sample("POST " + PATH + ":preview", "count too large", 400, () -> api.post(PATH + ":preview?count=101",
                        window("preview"))));
    }

    /** A daily one-hour mute window of tag openapi in UTC, named {@code name}. */
    private static String window(String name) {
        return "{\"name\":\"" + name + "\",\"starts_at\":\"2026-01-01T03:00:00\",\"time_zone\":\"UTC\",\"duration_s\":3600,"
                + "\"rrule\":\"FREQ=DAILY\",\"mode\":\"mute\",\"tags\":[\"openapi\"]}";
    }

    private String create(String name) {
        ApiClient.Answer created = api.post(PATH, window(unique(name)));
        if (created.status() != 201) {
            throw new IllegalStateException("maintenance window not created: " + created.text());
        }
        return created.json().path("id").asText();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
