package dev.heliograph.controlplane.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the served OpenAPI document (as JSON) for {@link OpenApiIT}: what each operation must document. */
final class OpenApiChecks {
    private static final String ENVELOPE = "#/components/schemas/ErrorEnvelope";

    private OpenApiChecks() {
    }

    /**
     * {@code null} when {@code operation} documents everything a route must (summary, id, a 2xx
     * answer with a schema, the error envelope on every error, an example, the key scheme with 401
     * and the role unless the route is open, every path parameter), else the list of what it lacks.
     */
    static String undocumented(JsonObject document, JsonObject operation) {
        List<String> missing = new ArrayList<>();
        if (operation.getString("summary", "").isBlank()) {
            missing.add("summary");
        }
        if (operation.getString("operationId", "").isBlank()) {
            missing.add("operationId");
        }
        JsonObject responses = operation.getJsonObject("responses", new JsonObject());
        boolean success = false;
        boolean example = false;
        for (String status : responses.fieldNames()) {
            JsonObject response = resolve(document, responses.getJsonObject(status));
            JsonObject schema = schema(response);
            if (status.startsWith("2")) {
                success = true;
                example |= !examples(response).isEmpty();
                if (status.equals("204") ? schema != null : schema == null) {
                    missing.add(status + (status.equals("204") ? " must have no body" : " schema"));
                }
            } else if (Integer.parseInt(status) >= 400 && (schema == null || !ENVELOPE.equals(schema.getString("$ref")))) {
                missing.add(status + " error envelope");
            }
        }
        if (!success) {
            missing.add("a 2xx answer");
        }
        if (!responses.containsKey("500")) {
            missing.add("500");
        }
        JsonArray parameters = operation.getJsonArray("parameters", new JsonArray());
        for (int i = 0; i < parameters.size(); i++) {
            example |= parameters.getJsonObject(i).containsKey("example");
        }
        JsonObject body = operation.getJsonObject("requestBody");
        if (body != null) {
            example |= !examples(body).isEmpty();
            if (schema(body) == null) {
                missing.add("request body schema");
            }
        }
        if (!example) {
            missing.add("an example");
        }
        if (operation.containsKey("security")) {
            if (!operation.getJsonArray("security").equals(new JsonArray().add(new JsonObject().put(OperationReader.BEARER, new JsonArray())))) {
                missing.add("the bearer scheme as its only security");
            }
            if (!responses.containsKey("401")) {
                missing.add("401");
            }
            if (!Set.of("viewer", "editor", "admin").contains(operation.getString("x-required-role", ""))) {
                missing.add("x-required-role");
            }
        } else if (responses.containsKey("401") || !operation.getString("description", "").contains("No API key needed")) {
            missing.add("open routes say 'No API key needed' and have no 401");
        }
        return missing.isEmpty() ? null : "missing " + String.join(", ", missing);
    }

    /** {@code response}, or the component it refers to ({@code #/components/responses/...}). */
    static JsonObject resolve(JsonObject document, JsonObject response) {
        String ref = response.getString("$ref");
        if (ref == null) {
            return response;
        }
        return document.getJsonObject("components").getJsonObject("responses").getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
    }

    /** The examples of the JSON content of a response or request body, by name. */
    static Map<String, Object> examples(JsonObject withContent) {
        Map<String, Object> all = new LinkedHashMap<>();
        JsonObject media = json(withContent);
        if (media != null) {
            JsonObject examples = media.getJsonObject("examples", new JsonObject());
            for (String name : examples.fieldNames()) {
                all.put(name, examples.getJsonObject(name).getValue("value"));
            }
        }
        return all;
    }

    private static JsonObject schema(JsonObject withContent) {
        JsonObject media = json(withContent);
        return media == null ? null : media.getJsonObject("schema");
    }

    private static JsonObject json(JsonObject withContent) {
        JsonObject content = withContent.getJsonObject("content");
        return content == null ? null : content.getJsonObject(SchemaResolver.JSON);
    }
}
