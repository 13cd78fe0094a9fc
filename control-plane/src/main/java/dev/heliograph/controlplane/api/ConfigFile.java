package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.heliograph.domain.FieldError;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.MIMEHeader;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What every config-as-code file shares (the target file, {@link TargetFileCodec}; the alerting
 * file, {@link AlertingFileCodec}): {@code {"version": 1, "<list>": [...], ...}} in YAML or JSON,
 * chosen by {@code Accept} on export and by {@code Content-Type} on apply; YAML written with every
 * string double-quoted, so that no value changes its type when read back (YAML would read
 * {@code 0x1F}, {@code 1e5} or {@code no} unquoted as numbers or booleans); a key given twice in one
 * object refused; and the {@code dry_run}/{@code prune} flags of an apply.
 */
final class ConfigFile {
    /** The file format version this control plane writes and reads. */
    static final int VERSION = 1;

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();
    private static final ObjectReader YAML_READER = YAML.reader().with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private static final ObjectReader JSON_READER = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private ConfigFile() {
    }

    /** The two formats, by media type. */
    enum Format {
        /** {@code application/yaml} (RFC 9512); {@code application/x-yaml}, {@code text/yaml} and {@code text/x-yaml} are read too. */
        YAML("application/yaml"),
        /** {@code application/json}. */
        JSON("application/json");

        private final String mediaType;

        Format(String mediaType) {
            this.mediaType = mediaType;
        }

        /** The media type this format is sent as. */
        String mediaType() {
            return mediaType;
        }

        /** The format of a {@code Content-Type} header value, or {@code null} when it is neither. */
        static Format ofContentType(String header) {
            if (header == null) {
                return null;
            }
            String type = header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            return switch (type) {
                case "application/json" -> JSON;
                case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml" -> YAML;
                default -> null;
            };
        }

        /**
         * The format an {@code Accept} header asks for, its media ranges ordered by preference (as
         * Vert.x parses them): YAML when it is absent, for {@code *}{@code /*} and {@code application/*};
         * {@code null} when it accepts neither.
         */
        static Format ofAccept(List<MIMEHeader> accept) {
            if (accept.isEmpty()) {
                return YAML;
            }
            for (MIMEHeader range : accept) {
                String type = range.component().toLowerCase(Locale.ROOT) + "/" + range.subComponent().toLowerCase(Locale.ROOT);
                Format format = ofContentType(type);
                if (format != null) {
                    return format;
                }
                if (type.equals("*/*") || type.equals("application/*")) {
                    return YAML;
                }
            }
            return null;
        }
    }

    /** The format the request's {@code Accept} asks for; 406 {@code NOT_ACCEPTABLE} naming {@code what} when neither. */
    static Format accepted(RoutingContext ctx, String what) {
        Format format = Format.ofAccept(ctx.parsedHeaders().accept());
        if (format == null) {
            throw new ApiException(406, "NOT_ACCEPTABLE", what + " is served as application/yaml or application/json");
        }
        return format;
    }

    /** The format of the request body by {@code Content-Type}; 415 {@code UNSUPPORTED_MEDIA_TYPE} naming {@code what} when neither. */
    static Format sent(RoutingContext ctx, String what) {
        Format format = Format.ofContentType(ctx.request().getHeader("content-type"));
        if (format == null) {
            throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "send " + what + " as application/yaml or application/json");
        }
        return format;
    }

    /** Answers 200 with {@code text} in {@code format}. */
    static void send(RoutingContext ctx, Format format, String text) {
        Responses.send(ctx, 200, format.mediaType() + "; charset=utf-8", Buffer.buffer(text));
    }

    /** A {@code true}/{@code false} query parameter, {@code false} when absent; 400 {@code INVALID_PARAMETER} otherwise. */
    static boolean flag(RoutingContext ctx, String name) {
        String value = ctx.request().getParam(name);
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw ApiException.badParameter(name, name + " must be true or false");
    }

    /**
     * {@code {"version": 1}} followed by {@code lists} (name to items, in this order) as text in
     * {@code format}; items are records or trees, written by the shared mapper ({@code snake_case},
     * absent values left out).
     */
    static String write(Format format, Map<String, ?> lists) {
        ObjectNode ordered = Json.MAPPER.createObjectNode().put("version", VERSION);
        lists.forEach((name, items) -> ordered.set(name, Json.MAPPER.valueToTree(items)));
        try {
            return format == Format.YAML ? YAML.writeValueAsString(ordered) : Json.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(ordered) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a config file", e);
        }
    }

    /**
     * Parses a file's text in {@code format}; {@code what} names the file in messages ("the target
     * file"). Throws {@link ApiException} 400 {@code MALFORMED_YAML} or {@code MALFORMED_JSON} with
     * {@code line} and {@code column} (also for a key given twice in one object) and for an empty text.
     */
    static JsonNode read(Format format, String text, String what) {
        String code = format == Format.YAML ? "MALFORMED_YAML" : "MALFORMED_JSON";
        if (text == null || text.isBlank()) {
            throw new ApiException(400, code, what + " is empty");
        }
        try {
            JsonNode tree = (format == Format.YAML ? YAML_READER : JSON_READER).readTree(text);
            if (tree == null || tree.isMissingNode()) {
                throw new ApiException(400, code, what + " is empty");
            }
            return tree;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new ApiException(400, code, what + " is not valid " + format.name() + ": " + e.getOriginalMessage(),
                    Map.of("line", at == null ? 0 : at.getLineNr(), "column", at == null ? 0 : at.getColumnNr()));
        }
    }

    /**
     * The item lists of a parsed file that must hold {@code version} 1 and each of {@code lists} and
     * nothing else; name to array, in the order of {@code lists}. Throws {@link ApiException}: 400
     * {@code INVALID_FIELD_TYPE} when the file or a list has the wrong type, 400 {@code UNKNOWN_FIELD},
     * 422 {@code VALIDATION_FAILED} for another version or a missing list. A missing list is never
     * read as empty: a file whose entries were all commented out would otherwise, with prune, delete
     * everything; an empty set is written out as {@code []}.
     */
    static Map<String, JsonNode> lists(JsonNode document, List<String> lists, String what) {
        if (!document.isObject()) {
            throw new ApiException(400, "INVALID_FIELD_TYPE", what + " must be an object with version and " + String.join(", ", lists),
                    Map.of("field", ""));
        }
        List<String> known = new java.util.ArrayList<>(lists);
        known.add("version");
        known.sort(null);
        document.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                throw new ApiException(400, "UNKNOWN_FIELD", "unknown field " + name, Map.of("field", name, "known_fields", known));
            }
        });
        JsonNode version = document.path("version");
        if (!version.isInt() || version.intValue() != VERSION) {
            throw ApiException.validation(List.of(new FieldError("version", version.isMissingNode() ? FieldError.REQUIRED
                    : FieldError.OUT_OF_RANGE, "version must be " + VERSION)));
        }
        List<FieldError> missing = lists.stream().filter(list -> document.path(list).isMissingNode() || document.path(list).isNull())
                .map(list -> new FieldError(list, FieldError.REQUIRED, list + " is required; write " + list + ": [] for an empty set"))
                .toList();
        if (!missing.isEmpty()) {
            throw ApiException.validation(missing);
        }
        Map<String, JsonNode> found = new LinkedHashMap<>();
        for (String list : lists) {
            if (!document.get(list).isArray()) {
                throw new ApiException(400, "INVALID_FIELD_TYPE", list + " must be a list", Map.of("field", list));
            }
            found.put(list, document.get(list));
        }
        return found;
    }
}
