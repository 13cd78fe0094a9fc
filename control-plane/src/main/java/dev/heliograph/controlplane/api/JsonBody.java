package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.heliograph.probe.codec.Json;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * Reads request bodies as JSON and turns every way they can be wrong into an {@link ApiException}:
 * 415 when the body is not declared JSON, 400 {@code MALFORMED_JSON} with line and column, 400
 * {@code UNKNOWN_FIELD} or {@code INVALID_FIELD_TYPE} with the field's path.
 */
public final class JsonBody {
    private JsonBody() {
    }

    /** The body as a JSON tree; throws {@link ApiException} when absent, not JSON or malformed. */
    public static JsonNode tree(RoutingContext ctx) {
        String type = ctx.request().getHeader("content-type");
        if (type == null || !type.toLowerCase().startsWith("application/json")) {
            throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "request body must be sent as application/json");
        }
        String text = ctx.body().asString();
        if (text == null || text.isBlank()) {
            throw new ApiException(400, "MALFORMED_JSON", "request body is empty");
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new ApiException(400, "MALFORMED_JSON", "request body is not valid JSON: " + e.getOriginalMessage(),
                    Map.of("line", at == null ? 0 : at.getLineNr(), "column", at == null ? 0 : at.getColumnNr()));
        }
    }

    /** Binds {@code json} to {@code type}; {@code prefix} is prepended to field paths in errors. */
    public static <T> T bind(JsonNode json, Class<T> type, String prefix) {
        try {
            return Json.STRICT.treeToValue(json, type);
        } catch (JsonProcessingException e) {
            throw fieldError(e, prefix);
        }
    }

    /** The {@link ApiException} for a Jackson binding failure, naming the field. */
    public static ApiException fieldError(JsonProcessingException e, String prefix) {
        String path = path(e);
        String field = path.isEmpty() && prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix + path;
        if (e instanceof UnrecognizedPropertyException unknown) {
            return new ApiException(400, "UNKNOWN_FIELD", "unknown field " + field,
                    Map.of("field", field, "known_fields", unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList()));
        }
        return new ApiException(400, "INVALID_FIELD_TYPE", "field " + field + " has the wrong type", Map.of("field", field));
    }

    private static String path(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException mapping)) {
            return "";
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : mapping.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
