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
import dev.heliograph.domain.IncidentRules;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.probe.codec.Json;
import dev.heliograph.probe.codec.IncidentRulesCodec;
import dev.heliograph.probe.codec.SpecCodec;
import io.vertx.ext.web.MIMEHeader;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The target file of config as code, in YAML or JSON: {@code {"version": 1, "targets": [{"key",
 * "name", "kind", "spec", "interval_s", "timeout_ms", "regions", "tags", "enabled", "incident_rules"}, ...]}}
 * ({@code incident_rules} only when not the defaults), targets
 * sorted by key, tags sorted, secret spec fields masked as {@code {"value": "***", "secret": true}}.
 * YAML is written with every string double-quoted, so that no value changes its type when read back
 * (YAML would read {@code 0x1F}, {@code 1e5} or {@code no} unquoted as numbers or booleans).
 */
public final class TargetFileCodec {
    /** The file format version this control plane writes and reads. */
    public static final int VERSION = 1;

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();
    private static final ObjectReader YAML_READER = YAML.reader().with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private static final ObjectReader JSON_READER = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private TargetFileCodec() {
    }

    /** The two formats, by media type. */
    public enum Format {
        /** {@code application/yaml} (RFC 9512); {@code application/x-yaml}, {@code text/yaml} and {@code text/x-yaml} are read too. */
        YAML("application/yaml"),
        /** {@code application/json}. */
        JSON("application/json");

        private final String mediaType;

        Format(String mediaType) {
            this.mediaType = mediaType;
        }

        /** The media type this format is sent as. */
        public String mediaType() {
            return mediaType;
        }

        /** The format of a {@code Content-Type} header value, or {@code null} when it is neither. */
        public static Format ofContentType(String header) {
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
        public static Format ofAccept(List<MIMEHeader> accept) {
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

    /** One target of the file. */
    private record Entry(String key, String name, String kind, JsonNode spec, long intervalS, long timeoutMs,
                         List<String> regions, List<String> tags, boolean enabled, JsonNode incidentRules) {
        static Entry of(Target target) {
            return new Entry(target.key(), target.name(), target.kind().wire(), SpecCodec.masked(target.spec()),
                    target.interval().toSeconds(), target.timeout().toMillis(), target.regions().stream().map(RegionId::value).toList(),
                    target.tags().stream().sorted().toList(), target.enabled(),
                    target.rules().equals(IncidentRules.DEFAULT) ? null : IncidentRulesCodec.tree(target.rules()));
        }
    }

    /** The file of {@code targets} (any order) in {@code format}. */
    public static String write(Format format, List<Target> targets) {
        List<Entry> entries = targets.stream().sorted(Comparator.comparing(Target::key)).map(Entry::of).toList();
        ObjectNode ordered = Json.MAPPER.createObjectNode().put("version", VERSION);
        ordered.set("targets", Json.MAPPER.valueToTree(entries));
        try {
            return format == Format.YAML ? YAML.writeValueAsString(ordered) : Json.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(ordered) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the target file", e);
        }
    }

    /**
     * Parses a file's text in {@code format}. Throws {@link ApiException} 400 {@code MALFORMED_YAML}
     * or {@code MALFORMED_JSON} with {@code line} and {@code column} (also for a key given twice in one
     * object), and 400 {@code MALFORMED_JSON}/{@code MALFORMED_YAML} for an empty text.
     */
    public static JsonNode read(Format format, String text) {
        String code = format == Format.YAML ? "MALFORMED_YAML" : "MALFORMED_JSON";
        if (text == null || text.isBlank()) {
            throw new ApiException(400, code, "the target file is empty");
        }
        try {
            JsonNode tree = (format == Format.YAML ? YAML_READER : JSON_READER).readTree(text);
            if (tree == null || tree.isMissingNode()) {
                throw new ApiException(400, code, "the target file is empty");
            }
            return tree;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new ApiException(400, code, "the target file is not valid " + format.name() + ": " + e.getOriginalMessage(),
                    Map.of("line", at == null ? 0 : at.getLineNr(), "column", at == null ? 0 : at.getColumnNr()));
        }
    }
}
