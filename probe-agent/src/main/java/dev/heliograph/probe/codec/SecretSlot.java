package dev.heliograph.probe.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.HttpSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * One field of a spec's JSON that can hold a secret (an HTTP header value, the body, the basic-auth
 * password), found in its parent object so that it can be read and replaced in place. Its value
 * takes one of three forms: a plain string; {@code {"value": "...", "secret": true}} (API requests,
 * the agent wire; {@code "secret": false} is allowed in requests); {@code {"enc": "v1:...", "secret": true}}
 * (Postgres, see the control plane's cipher).
 *
 * @param field        the API's path of the field, e.g. {@code spec.headers.Authorization}
 * @param alwaysSecret secret whatever it is marked: {@code Authorization}, {@code Proxy-Authorization},
 *                     the basic-auth password
 */
public record SecretSlot(ObjectNode parent, String key, String field, boolean alwaysSecret) {
    /** Name of the plain-text value in the object form. */
    public static final String VALUE = "value";
    /** Name of the marker in the object forms. */
    public static final String SECRET = "secret";
    /** Name of the ciphertext in the stored form. */
    public static final String ENC = "enc";

    /** The secret-capable fields present in {@code spec} (a spec of {@code kind}); empty when it is not an object. */
    public static List<SecretSlot> of(CheckKind kind, JsonNode spec) {
        List<SecretSlot> slots = new ArrayList<>();
        if (kind != CheckKind.HTTP || !(spec instanceof ObjectNode http)) {
            return slots;
        }
        if (http.get("headers") instanceof ObjectNode headers) {
            headers.fieldNames().forEachRemaining(name -> slots.add(
                    new SecretSlot(headers, name, "spec.headers." + name, HttpSpec.alwaysSecretHeader(name))));
        }
        if (http.hasNonNull("body")) {
            slots.add(new SecretSlot(http, "body", "spec.body", false));
        }
        if (http.get("basic_auth") instanceof ObjectNode basic && basic.hasNonNull("password")) {
            slots.add(new SecretSlot(basic, "password", "spec.basic_auth.password", true));
        }
        return slots;
    }

    /** {@code {"value": value, "secret": true}}. */
    public static ObjectNode marked(String value) {
        return Json.MAPPER.createObjectNode().put(VALUE, value).put(SECRET, true);
    }

    /** {@code {"enc": ciphertext, "secret": true}}. */
    public static ObjectNode sealed(String ciphertext) {
        return Json.MAPPER.createObjectNode().put(ENC, ciphertext).put(SECRET, true);
    }

    /** The field's JSON value as it is now. */
    public JsonNode node() {
        return parent.get(key);
    }

    /** Replaces the field's JSON value. */
    public void set(JsonNode value) {
        parent.set(key, value);
    }

    /** Whether this is a header value. */
    public boolean isHeader() {
        return field.startsWith("spec.headers.");
    }

    /** Whether this is the request body. */
    public boolean isBody() {
        return field.equals("spec.body");
    }

    /** Whether the value is secret: marked {@code "secret": true}, or the field is always secret. */
    public boolean secret() {
        return alwaysSecret || node().path(SECRET).asBoolean(false);
    }

    /** The plain text of a string or {@code {"value": "..."}} form; {@code null} for any other form. */
    public String value() {
        JsonNode node = node();
        JsonNode value = node.isObject() ? node.path(VALUE) : node;
        return value.isTextual() ? value.asText() : null;
    }

    /** The ciphertext of the stored form; {@code null} for any other form. */
    public String ciphertext() {
        JsonNode enc = node().path(ENC);
        return enc.isTextual() ? enc.asText() : null;
    }
}
