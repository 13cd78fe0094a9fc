package dev.heliograph.probe.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.CheckSpec;
import dev.heliograph.domain.HttpSpec;
import dev.heliograph.domain.TcpSpec;

/**
 * Maps a {@link CheckSpec} to and from its JSON form, chosen by the target's kind (the kind is a
 * sibling of the spec on the wire and in Postgres, so the spec itself carries no type tag).
 */
public final class SpecCodec {
    private SpecCodec() {
    }

    /**
     * Reads the spec of a {@code kind} target. Throws Jackson's exceptions (with the offending
     * field's path) when the JSON has unknown fields or values of the wrong type.
     */
    public static CheckSpec read(CheckKind kind, JsonNode json) throws JsonProcessingException {
        Class<? extends CheckSpec> type = switch (kind) {
            case HTTP -> HttpSpec.class;
            case TCP -> TcpSpec.class;
        };
        return Json.STRICT.treeToValue(json, type);
    }

    /** The spec's JSON text, as stored in Postgres. */
    public static String write(CheckSpec spec) {
        try {
            return Json.MAPPER.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("spec is not serialisable", e);
        }
    }
}
