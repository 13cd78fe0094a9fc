package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.CheckSpec;
import dev.heliograph.domain.FieldError;
import dev.heliograph.domain.HttpSpec;
import dev.heliograph.probe.codec.SecretSlot;
import dev.heliograph.probe.codec.SpecCodec;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;

/**
 * The secret fields of a request's spec, before it is read: {@code "***"} (plain or as
 * {@code {"value": "***", ...}}) keeps the secret stored in the same field of the target being
 * replaced, so that a client can send back what it read; but not when {@code spec.url} now points at
 * another origin (scheme, host, port), or a client that may write but not read secrets could send
 * them anywhere. {@code "secret": false} is refused where a field is always secret. Error messages
 * name fields, never values.
 */
final class SecretFields {
    private SecretFields() {
    }

    /**
     * A copy of {@code spec} (a request's spec of {@code kind}) with each {@code "***"} replaced by the
     * stored secret of the same field of {@code stored} (header names in any case). Adds
     * {@code SECRET_NOT_SET} to {@code errors} where {@code stored} is {@code null} or holds no
     * secret there, and {@code INVALID_FORMAT} for {@code "secret": false} on an always-secret field.
     */
    static JsonNode resolve(CheckKind kind, JsonNode spec, CheckSpec stored, List<FieldError> errors) {
        JsonNode copy = spec.deepCopy();
        boolean sameOrigin = stored instanceof HttpSpec http && sameOrigin(http.url(), spec.path("url").asText(null));
        List<SecretSlot> kept = stored == null || stored.kind() != kind || !sameOrigin ? List.of()
                : SecretSlot.of(kind, SpecCodec.tree(stored)).stream().filter(SecretSlot::secret).toList();
        for (SecretSlot slot : SecretSlot.of(kind, copy)) {
            JsonNode marker = slot.node().path(SecretSlot.SECRET);
            if (slot.alwaysSecret() && marker.isBoolean() && !marker.booleanValue()) {
                errors.add(new FieldError(slot.field(), FieldError.INVALID_FORMAT,
                        slot.field() + " is always secret; \"secret\": false is not allowed"));
            }
            if (HttpSpec.MASK.equals(slot.value())) {
                Optional<SecretSlot> same = kept.stream().filter(k -> k.field().equalsIgnoreCase(slot.field())).findFirst();
                if (same.isPresent()) {
                    slot.set(same.get().node().deepCopy());
                } else {
                    errors.add(new FieldError(slot.field(), FieldError.SECRET_NOT_SET, slot.field()
                            + " is \"***\" but there is no stored secret to keep" + (stored != null && !sameOrigin
                            ? " (spec.url now names another origin)" : "") + "; send the value itself"));
                }
            }
        }
        return copy;
    }

    /** Whether two URL texts name the same origin ({@link HttpSpec#sameOrigin}); {@code false} when either does not parse. */
    private static boolean sameOrigin(String stored, String requested) {
        try {
            return requested != null && HttpSpec.sameOrigin(new URI(stored), new URI(requested));
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
