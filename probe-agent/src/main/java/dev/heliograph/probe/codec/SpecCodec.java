package dev.heliograph.probe.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.CheckSpec;
import dev.heliograph.domain.HttpSpec;
import dev.heliograph.domain.TcpSpec;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Maps a {@link CheckSpec} to and from its JSON form, chosen by the target's kind (the kind is a
 * sibling of the spec on the wire and in Postgres, so the spec itself carries no type tag).
 *
 * <p>A secret-capable field (see {@link SecretSlot}) is read from a plain string or from
 * {@code {"value": "...", "secret": true|false}}, and written as a plain string when it is not secret
 * and as {@code {"value": "...", "secret": true}} when it is. The domain's secret markers
 * ({@code secret_headers}, {@code body_secret}) never appear in JSON.
 */
public final class SpecCodec {
    private static final Set<String> MARKERS = Set.of("secret_headers", "body_secret");

    private SpecCodec() {
    }

    /** The object form of a secret-capable field, as a request or the agent wire sends it. */
    private record SecretValue(String value, Boolean secret) {
    }

    /**
     * Reads the spec of a {@code kind} target from its plain-text form. Throws Jackson's exceptions
     * (with the offending field's path) when the JSON has unknown fields or values of the wrong type.
     */
    public static CheckSpec read(CheckKind kind, JsonNode json) throws JsonProcessingException {
        return switch (kind) {
            case HTTP -> readHttp(json);
            case TCP -> Json.STRICT.treeToValue(json, TcpSpec.class);
        };
    }

    /** The spec's JSON with secret values in plain text, marked {@code "secret": true}: for the agent wire. */
    public static ObjectNode tree(CheckSpec spec) {
        ObjectNode tree = Json.MAPPER.valueToTree(spec);
        MARKERS.forEach(tree::remove);
        if (spec instanceof HttpSpec http) {
            for (SecretSlot slot : SecretSlot.of(CheckKind.HTTP, tree)) {
                boolean secret = slot.isHeader() ? http.secretHeaders().contains(slot.key())
                        : slot.isBody() ? http.bodySecret() : slot.alwaysSecret();
                if (secret) {
                    slot.set(SecretSlot.marked(slot.value()));
                }
            }
        }
        return tree;
    }

    /** The spec's JSON with every secret value replaced by {@code "***"}: what the API shows. */
    public static ObjectNode masked(CheckSpec spec) {
        ObjectNode tree = tree(spec);
        for (SecretSlot slot : SecretSlot.of(spec.kind(), tree)) {
            if (slot.secret()) {
                slot.set(SecretSlot.marked(HttpSpec.MASK));
            }
        }
        return tree;
    }

    /** The API paths of the secret fields of {@code spec} ({@code spec.headers.Authorization}, ...). */
    public static List<String> secretFields(CheckSpec spec) {
        return SecretSlot.of(spec.kind(), tree(spec)).stream().filter(SecretSlot::secret).map(SecretSlot::field).toList();
    }

    private static HttpSpec readHttp(JsonNode json) throws JsonProcessingException {
        if (!(json instanceof ObjectNode given)) {
            return Json.STRICT.treeToValue(json, HttpSpec.class);
        }
        ObjectNode plain = given.deepCopy();
        for (String marker : MARKERS) {
            if (plain.has(marker)) {
                throw unknownField(marker, List.of());
            }
        }
        Set<String> secretHeaders = new LinkedHashSet<>();
        boolean bodySecret = false;
        for (SecretSlot slot : SecretSlot.of(CheckKind.HTTP, plain)) {
            if (!slot.node().isObject()) {
                continue;
            }
            SecretValue value = secretValue(slot);
            slot.set(TextNode.valueOf(value.value()));
            if (Boolean.TRUE.equals(value.secret()) && slot.isHeader()) {
                secretHeaders.add(slot.key());
            }
            bodySecret |= Boolean.TRUE.equals(value.secret()) && slot.isBody();
        }
        plain.set("secret_headers", Json.MAPPER.valueToTree(secretHeaders));
        plain.put("body_secret", bodySecret);
        try {
            return Json.STRICT.treeToValue(plain, HttpSpec.class);
        } catch (UnrecognizedPropertyException e) {
            // The same error, without the markers in the list of known fields.
            throw e.getReferringClass() == HttpSpec.class ? unknownField(e.getPropertyName(), e.getPath()) : e;
        }
    }

    /** The object form of {@code slot}; its errors name the field's path below {@code spec}. */
    private static SecretValue secretValue(SecretSlot slot) throws JsonProcessingException {
        try {
            SecretValue value = Json.STRICT.treeToValue(slot.node(), SecretValue.class);
            if (value.value() == null) {
                throw MismatchedInputException.from(null, String.class, "value is required");
            }
            return value;
        } catch (JsonMappingException e) {
            String[] path = slot.field().substring("spec.".length()).split("\\.", 2);
            for (int i = path.length - 1; i >= 0; i--) {
                e.prependPath(slot.parent(), path[i]);
            }
            throw e;
        }
    }

    private static UnrecognizedPropertyException unknownField(String name, List<JsonMappingException.Reference> path) {
        List<Object> known = Json.STRICT.getSerializationConfig().introspect(Json.STRICT.constructType(HttpSpec.class))
                .findProperties().stream().map(p -> (Object) p.getName()).filter(p -> !MARKERS.contains(p)).toList();
        UnrecognizedPropertyException error = new UnrecognizedPropertyException(null, "unknown field " + name, null,
                HttpSpec.class, name, known);
        if (path.isEmpty()) {
            error.prependPath(HttpSpec.class, name);
        }
        for (int i = path.size() - 1; i >= 0; i--) {
            error.prependPath(path.get(i));
        }
        return error;
    }
}
