package dev.heliograph.probe.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.domain.FieldError;
import dev.heliograph.domain.IncidentRules;
import dev.heliograph.domain.Quorum;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The JSON form of {@link IncidentRules}, the same in the API, in PostgreSQL ({@code targets.incident_rules})
 * and in target files: {@code {"failure_threshold": 2, "recovery_threshold": 2, "retry_interval_s": 10,
 * "quorum": 2 | "60%" | "majority", "parent": "db-primary"}}. Every key is optional; an absent one takes
 * its default.
 */
public final class IncidentRulesCodec {
    private static final Set<String> KEYS = Set.of("failure_threshold", "recovery_threshold", "retry_interval_s", "quorum", "parent");
    private static final String PREFIX = "incident_rules.";

    private IncidentRulesCodec() {
    }

    /**
     * The full form of {@code rules}, defaults filled in: {@code retry_interval_s} is omitted when it is
     * the default (it then follows the interval), {@code quorum} is a number, {@code "N%"} or
     * {@code "majority"}, {@code parent} is omitted when there is none.
     */
    public static ObjectNode tree(IncidentRules rules) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("failure_threshold", rules.failureThreshold());
        node.put("recovery_threshold", rules.recoveryThreshold());
        if (rules.retryIntervalS() != null) {
            node.put("retry_interval_s", rules.retryIntervalS().intValue());
        }
        if (rules.quorum().count() > 0) {
            node.put("quorum", rules.quorum().count());
        } else {
            node.put("quorum", rules.quorum().wire());
        }
        if (rules.parent() != null) {
            node.put("parent", rules.parent());
        }
        return node;
    }

    /**
     * The rules of {@code node} ({@code null} or missing: the defaults). A value of the wrong type adds
     * a field error ({@code incident_rules.quorum}, ...) to {@code errors} and takes its default; ranges
     * are checked later by {@link IncidentRules#validate}.
     */
    public static IncidentRules read(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return IncidentRules.DEFAULT;
        }
        if (!node.isObject()) {
            errors.add(new FieldError("incident_rules", FieldError.INVALID_FORMAT, "incident_rules must be an object"));
            return IncidentRules.DEFAULT;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KEYS.contains(name)) {
                errors.add(new FieldError(PREFIX + name, FieldError.INVALID_FORMAT, "unknown field " + name
                        + " (incident_rules has " + String.join(", ", KEYS.stream().sorted().toList()) + ")"));
            }
        }
        int failure = integer(node, "failure_threshold", IncidentRules.DEFAULT_THRESHOLD, errors);
        int recovery = integer(node, "recovery_threshold", IncidentRules.DEFAULT_THRESHOLD, errors);
        Integer retry = node.hasNonNull("retry_interval_s") ? integer(node, "retry_interval_s", 0, errors) : null;
        Quorum quorum = quorum(node.get("quorum"), errors);
        String parent = null;
        JsonNode parentNode = node.get("parent");
        if (parentNode != null && !parentNode.isNull()) {
            if (parentNode.isTextual()) {
                parent = parentNode.asText();
            } else {
                errors.add(new FieldError(PREFIX + "parent", FieldError.INVALID_FORMAT, "parent must be a target's key (a string)"));
            }
        }
        return new IncidentRules(failure, recovery, retry, quorum, parent);
    }

    private static int integer(JsonNode node, String name, int fallback, List<FieldError> errors) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            errors.add(new FieldError(PREFIX + name, FieldError.INVALID_FORMAT, name + " must be an integer"));
            return fallback;
        }
        return value.intValue();
    }

    private static Quorum quorum(JsonNode value, List<FieldError> errors) {
        if (value == null || value.isNull()) {
            return Quorum.MAJORITY;
        }
        try {
            if (value.isIntegralNumber() && value.canConvertToInt()) {
                return Quorum.of(value.intValue());
            }
            if (value.isTextual()) {
                return Quorum.parse(value.asText());
            }
        } catch (IllegalArgumentException bad) {
            errors.add(new FieldError(PREFIX + "quorum", FieldError.OUT_OF_RANGE, bad.getMessage()));
            return Quorum.MAJORITY;
        }
        errors.add(new FieldError(PREFIX + "quorum", FieldError.INVALID_FORMAT,
                "quorum must be a number of regions, a percentage such as \"60%\", or \"majority\""));
        return Quorum.MAJORITY;
    }
}
