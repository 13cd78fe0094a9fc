package dev.heliograph.controlplane.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.heliograph.probe.codec.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the configuration from, in rising precedence: built-in defaults, a YAML file, environment
 * variables {@code HELIOGRAPH_<SECTION>_<KEY>} (e.g. {@code HELIOGRAPH_API_PORT}) and
 * {@code key=value} overrides from the command line ({@code --set api.port=9090}); list keys take
 * comma-separated text there ({@code --set probe.allowed_cidrs=127.0.0.0/8,::1/128}). Unknown keys,
 * values of the wrong type and out-of-range values are all reported together, one line per key.
 * Only this class reads the environment.
 */
public final class ConfigLoader {
    /** Prefix of environment overrides. */
    public static final String ENV_PREFIX = "HELIOGRAPH_";

    /**
     * {@code HELIOGRAPH_*} variables that are not configuration keys: read by the launcher
     * ({@code bin/heliograph}) and the project's scripts. Any other unknown {@code HELIOGRAPH_*}
     * variable is reported, so a typo such as {@code HELIOGRAPH_API_PROT} does not pass silently.
     */
    static final Set<String> NOT_CONFIG = Set.of("HELIOGRAPH_JAR", "HELIOGRAPH_JAVA_OPTS", "HELIOGRAPH_CH_HTTP_PORT",
            "HELIOGRAPH_CH_TCP_PORT", "HELIOGRAPH_AGENT_CONTROL_PLANE", "HELIOGRAPH_AGENT_REGION",
            "HELIOGRAPH_AGENT_DATA_DIR", "HELIOGRAPH_AGENT_TOKEN", "HELIOGRAPH_AGENT_ALLOWED_CIDRS",
            "HELIOGRAPH_AGENT_WAL_MAX_BYTES", "HELIOGRAPH_AGENT_CA_FINGERPRINT", "HELIOGRAPH_API_KEY");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigLoader() {
    }

    /**
     * Loads and validates the configuration.
     *
     * @param file      YAML file, or {@code null} for none
     * @param env       the environment (usually {@code System.getenv()})
     * @param overrides {@code key=value} pairs, keys as in the YAML ({@code scheduler.jitter_ms})
     * @throws ConfigException with every problem found
     */
    public static HeliographConfig load(Path file, Map<String, String> env, List<String> overrides) throws ConfigException {
        ObjectNode tree = Json.MAPPER.valueToTree(HeliographConfig.defaults());
        Map<String, JsonNodeType> known = leaves(tree);
        List<String> problems = new ArrayList<>();
        if (file != null) {
            mergeFile(tree, file, known, problems);
        }
        Set<String> envNames = new HashSet<>();
        for (String key : known.keySet()) {
            String name = ENV_PREFIX + key.replace('.', '_').toUpperCase(Locale.ROOT);
            envNames.add(name);
            String value = env.get(name);
            if (value != null) {
                put(tree, key, scalarOrList(value, known.get(key)));
            }
        }
        env.keySet().stream()
                .filter(name -> name.startsWith(ENV_PREFIX) && !envNames.contains(name) && !NOT_CONFIG.contains(name))
                .sorted()
                .forEach(name -> problems.add("environment: " + name + " is not a configuration key"));
        for (String override : overrides) {
            int eq = override.indexOf('=');
            String key = eq < 0 ? override : override.substring(0, eq).trim();
            if (eq < 0) {
                problems.add("--set " + override + ": expected key=value");
            } else if (!known.containsKey(key)) {
                problems.add("--set " + key + ": unknown key");
            } else {
                put(tree, key, scalarOrList(override.substring(eq + 1), known.get(key)));
            }
        }
        checkTypes(tree, known, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        capDefaultFlushSize(tree);
        HeliographConfig config;
        try {
            config = Json.MAPPER.treeToValue(tree, HeliographConfig.class);
        } catch (JsonProcessingException e) {
            throw new ConfigException(List.of("configuration: " + e.getOriginalMessage()));
        }
        List<String> invalid = config.validate();
        if (!invalid.isEmpty()) {
            throw new ConfigException(invalid);
        }
        return config;
    }

    /**
     * A {@code batcher.flush_size} left at its default is capped at {@code batcher.queue_capacity},
     * so that a configuration written when the default was 1,000 that lowers only the queue still
     * loads (an INSERT can never be larger than the queue anyway).
     */
    private static void capDefaultFlushSize(ObjectNode tree) {
        JsonNode batcher = tree.path("batcher");
        int defaultFlush = HeliographConfig.defaults().batcher().flushSize();
        // asInt(-1): values from the environment and --set may still be text here.
        if (batcher instanceof ObjectNode node && batcher.path("flush_size").asInt(-1) == defaultFlush) {
            int capacity = batcher.path("queue_capacity").asInt(-1);
            if (capacity >= 1 && capacity < defaultFlush) {
                node.put("flush_size", capacity);
            }
        }
    }

    private static void mergeFile(ObjectNode tree, Path file, Map<String, JsonNodeType> known, List<String> problems)
            throws ConfigException {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(List.of("cannot read " + file + ": " + e.getMessage()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException(List.of(file + ": top level must be a mapping of sections"));
        }
        for (Map.Entry<String, JsonNode> leaf : leafNodes(root).entrySet()) {
            String key = leaf.getKey();
            if (!known.containsKey(key)) {
                problems.add(file.getFileName() + ": unknown key " + key);
            } else {
                put(tree, key, leaf.getValue());
            }
        }
    }

    private static void checkTypes(ObjectNode tree, Map<String, JsonNodeType> known, List<String> problems) {
        known.forEach((key, type) -> {
            JsonNode node = at(tree, key);
            String text = node.asText();
            boolean ok = switch (type) {
                case NUMBER -> node.isIntegralNumber() || (node.isTextual() && text.matches("-?\\d{1,9}"));
                case BOOLEAN -> node.isBoolean() || (node.isTextual() && (text.equals("true") || text.equals("false")));
                case ARRAY -> node.isArray() && java.util.stream.StreamSupport.stream(node.spliterator(), false).allMatch(JsonNode::isTextual);
                default -> node.isValueNode() && !node.isNull();
            };
            if (!ok) {
                String wanted = switch (type) {
                    case NUMBER -> "a whole number";
                    case BOOLEAN -> "true or false";
                    case ARRAY -> "a list of strings";
                    default -> "a string";
                };
                problems.add(key + " must be " + wanted + " (got " + node + ")");
            }
        });
    }

    private static Map<String, JsonNodeType> leaves(ObjectNode tree) {
        Map<String, JsonNodeType> leaves = new LinkedHashMap<>();
        leafNodes(tree).forEach((key, node) -> leaves.put(key, node.getNodeType()));
        return leaves;
    }

    private static Map<String, JsonNode> leafNodes(JsonNode root) {
        Map<String, JsonNode> leaves = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> sections = root.fields(); sections.hasNext(); ) {
            Map.Entry<String, JsonNode> section = sections.next();
            if (!section.getValue().isObject()) {
                leaves.put(section.getKey(), section.getValue());
                continue;
            }
            section.getValue().fields().forEachRemaining(key -> leaves.put(section.getKey() + "." + key.getKey(), key.getValue()));
        }
        return leaves;
    }

    private static JsonNode at(ObjectNode tree, String key) {
        int dot = key.indexOf('.');
        return tree.path(key.substring(0, dot)).path(key.substring(dot + 1));
    }

    /** A text value for a key: split on commas when the key holds a list ({@code a, b} → {@code ["a", "b"]}). */
    private static JsonNode scalarOrList(String value, JsonNodeType type) {
        if (type != JsonNodeType.ARRAY) {
            return TextNode.valueOf(value);
        }
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                list.add(item.trim());
            }
        }
        return list;
    }

    private static void put(ObjectNode tree, String key, JsonNode value) {
        int dot = key.indexOf('.');
        ((ObjectNode) tree.get(key.substring(0, dot))).set(key.substring(dot + 1), value);
    }
}
