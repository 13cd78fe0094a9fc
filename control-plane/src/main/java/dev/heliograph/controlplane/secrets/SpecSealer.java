package dev.heliograph.controlplane.secrets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.CheckSpec;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.codec.Json;
import dev.heliograph.probe.codec.SecretSlot;
import dev.heliograph.probe.codec.SpecCodec;

/**
 * A spec's stored JSON: every secret value as {@code {"enc": "v1:...", "secret": true}}, encrypted
 * by {@link SecretCipher} for its target; all other fields as in the API. Plain-text specs exist
 * only in memory.
 */
public final class SpecSealer {
    private final SecretCipher cipher;

    public SpecSealer(SecretCipher cipher) {
        this.cipher = cipher;
    }

    /** Whether specs with secrets can be stored (a key is set). */
    public boolean canSeal() {
        return cipher.hasKey();
    }

    /**
     * The JSON text to store for {@code spec} of target {@code id}.
     *
     * @throws SecretKeyException when the spec has a secret and no key is set
     */
    public String seal(TargetId id, CheckSpec spec) {
        ObjectNode tree = SpecCodec.tree(spec);
        for (SecretSlot slot : SecretSlot.of(spec.kind(), tree)) {
            if (slot.secret()) {
                slot.set(SecretSlot.sealed(cipher.encrypt(id, slot.value())));
            }
        }
        return tree.toString();
    }

    /**
     * The spec of a {@code kind} target {@code id} from its stored JSON text, secrets decrypted.
     *
     * @throws SecretKeyException when a secret does not decrypt or no key is set
     * @throws JsonProcessingException when the text is not a spec of {@code kind}
     */
    public CheckSpec open(TargetId id, CheckKind kind, String stored) throws JsonProcessingException {
        JsonNode tree = Json.MAPPER.readTree(stored);
        for (SecretSlot slot : SecretSlot.of(kind, tree)) {
            String ciphertext = slot.ciphertext();
            if (ciphertext != null) {
                slot.set(SecretSlot.marked(cipher.decrypt(id, ciphertext)));
            }
        }
        return SpecCodec.read(kind, tree);
    }

    /** How many encrypted values the stored JSON text {@code stored} of a {@code kind} spec holds. */
    public static int sealedCount(CheckKind kind, String stored) throws JsonProcessingException {
        return (int) SecretSlot.of(kind, Json.MAPPER.readTree(stored)).stream().filter(slot -> slot.ciphertext() != null).count();
    }
}
