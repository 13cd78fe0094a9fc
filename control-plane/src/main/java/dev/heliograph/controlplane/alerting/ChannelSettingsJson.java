package dev.heliograph.controlplane.alerting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.heliograph.domain.FieldError;
import dev.heliograph.probe.codec.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Channel settings as JSON: the API's form ({@code snake_case} fields of the kind's record), the
 * masked form the API answers, and the secret slots the store seals.
 *
 * <p>Masking: every secret value is answered as the string {@value #MASK} (a webhook's header values
 * one by one), never as its value; the field keeps its type (a string), so a client can send back
 * what it read. A replace that sends {@value #MASK} keeps the stored secret of the same field (header
 * names in any case), but only while the channel's {@linkplain ChannelSettings#destination()
 * destination} stays the same: otherwise an editor, who can write but never read secrets, could point
 * the channel at a server of their own and receive them. A webhook's {@code secret} is kept across
 * destinations, since it never travels (only signatures made with it do).
 */
public final class ChannelSettingsJson {
    /** What the API shows instead of a secret value, and what a replace sends to keep one. */
    public static final String MASK = "***";

    private ChannelSettingsJson() {
    }

    /** One secret value in a settings tree: {@code parent.get(name)}; {@code path} is its field path under {@code settings}. */
    public record Slot(ObjectNode parent, String name, String path) {
        /** The value as stored in the tree: text, or a sealed object. */
        public JsonNode node() {
            return parent.get(name);
        }

        /** Replaces the value. */
        public void set(JsonNode value) {
            parent.set(name, value);
        }
    }

    /** The record type of {@code kind}'s settings. */
    public static Class<? extends ChannelSettings> type(ChannelKind kind) {
        return switch (kind) {
            case WEBHOOK -> WebhookSettings.class;
            case SLACK -> SlackSettings.class;
            case EMAIL -> EmailSettings.class;
            case PAGERDUTY -> PagerDutySettings.class;
            case ALERTMANAGER -> AlertmanagerSettings.class;
        };
    }

    /** The names of {@code kind}'s secret fields ({@link ChannelSettings#secretFields()}). */
    public static List<String> secretFields(ChannelKind kind) {
        return switch (kind) {
            case WEBHOOK -> WebhookSettings.SECRET_FIELDS;
            case SLACK -> SlackSettings.SECRET_FIELDS;
            case EMAIL -> EmailSettings.SECRET_FIELDS;
            case PAGERDUTY -> PagerDutySettings.SECRET_FIELDS;
            case ALERTMANAGER -> AlertmanagerSettings.SECRET_FIELDS;
        };
    }

    /** The settings as a JSON object, secrets in plain text (memory only). */
    public static ObjectNode tree(ChannelSettings settings) {
        return Json.MAPPER.valueToTree(settings);
    }

    /** The settings as the API answers them: every secret value {@value #MASK}. */
    public static ObjectNode masked(ChannelSettings settings) {
        ObjectNode tree = tree(settings);
        for (Slot slot : slots(settings.kind(), tree)) {
            slot.set(TextNode.valueOf(MASK));
        }
        return tree;
    }

    /**
     * Binds {@code tree} to {@code kind}'s record with {@code mapper} ({@link Json#STRICT} for what
     * clients send, so unknown and mistyped fields fail; {@link Json#MAPPER} for stored settings).
     *
     * @throws JsonProcessingException naming the field, when the tree does not fit
     */
    public static ChannelSettings read(ObjectMapper mapper, ChannelKind kind, JsonNode tree) throws JsonProcessingException {
        return mapper.treeToValue(tree, type(kind));
    }

    /**
     * Every secret slot of a settings tree of {@code kind}: each secret string field, and each value of
     * a secret object field. Works on plain trees and on stored ones, whose values are sealed objects.
     */
    public static List<Slot> slots(ChannelKind kind, JsonNode tree) {
        List<Slot> slots = new ArrayList<>();
        if (!(tree instanceof ObjectNode object)) {
            return slots;
        }
        for (String field : secretFields(kind)) {
            JsonNode value = object.get(field);
            if (value == null || value.isNull()) {
                continue;
            }
            if (value instanceof ObjectNode map && !sealed(map)) {
                map.fieldNames().forEachRemaining(name -> {
                    JsonNode entry = map.get(name);
                    if (entry.isTextual() || sealed(entry)) {
                        slots.add(new Slot(map, name, field + "." + name));
                    }
                });
            } else if (value.isTextual() || sealed(value)) {
                slots.add(new Slot(object, field, field));
            }
        }
        return slots;
    }

    /** Whether {@code node} is a sealed secret as stored: {@code {"enc": "v1:...", "secret": true}}. */
    public static boolean sealed(JsonNode node) {
        return node != null && node.isObject() && node.size() == 2 && node.path("enc").isTextual()
                && node.path("secret").asBoolean(false);
    }

    /**
     * A copy of a request's {@code settings} of {@code kind} in which every {@value #MASK} is replaced by
     * the stored secret of the same field of {@code stored} (see the class comment for when that is
     * allowed). Adds {@link FieldError#SECRET_NOT_SET} to {@code errors} for a {@value #MASK} with
     * nothing to keep; messages name fields, never values.
     */
    public static JsonNode keepSecrets(ChannelKind kind, JsonNode settings, ChannelSettings stored, List<FieldError> errors) {
        JsonNode copy = settings.deepCopy();
        List<Slot> masked = slots(kind, copy).stream().filter(slot -> MASK.equals(slot.node().asText(null))).toList();
        if (masked.isEmpty()) {
            return copy;
        }
        ObjectNode storedTree = stored == null || stored.kind() != kind ? null : tree(stored);
        List<Slot> kept = storedTree == null ? List.of() : slots(kind, storedTree);
        for (Slot slot : masked) {
            kept.stream().filter(k -> k.path().equalsIgnoreCase(slot.path())).findFirst()
                    .ifPresent(same -> slot.set(same.node().deepCopy()));
        }
        boolean sameDestination = stored != null && destination(kind, copy).map(stored.destination()::equals).orElse(false);
        for (Slot slot : masked) {
            boolean travels = !(kind == ChannelKind.WEBHOOK && slot.path().equals("secret"));
            boolean resolved = !MASK.equals(slot.node().asText(null));
            if (!resolved || (travels && !sameDestination)) {
                slot.set(TextNode.valueOf(MASK));
                errors.add(new FieldError("settings." + slot.path(), FieldError.SECRET_NOT_SET, "settings." + slot.path()
                        + " is \"***\" but there is no stored secret to keep" + (resolved
                        ? " (the channel now sends somewhere else)" : "") + "; send the value itself"));
            }
        }
        return copy;
    }

    /** The destination of a request's settings, or empty when they do not bind. */
    private static Optional<String> destination(ChannelKind kind, JsonNode settings) {
        try {
            return Optional.of(read(Json.MAPPER, kind, settings).destination());
        } catch (JsonProcessingException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The secret values of {@code settings}, by field path: for tests and for redacting texts. */
    public static Map<String, String> secrets(ChannelSettings settings) {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        for (Slot slot : slots(settings.kind(), tree(settings))) {
            values.put(slot.path(), slot.node().asText());
        }
        return values;
    }
}
