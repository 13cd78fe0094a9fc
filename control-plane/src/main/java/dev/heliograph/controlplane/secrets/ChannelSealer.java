package dev.heliograph.controlplane.secrets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.heliograph.controlplane.alerting.ChannelKind;
import dev.heliograph.controlplane.alerting.ChannelSettings;
import dev.heliograph.controlplane.alerting.ChannelSettingsJson;
import dev.heliograph.probe.codec.Json;
import java.util.UUID;

/**
 * An alert channel's stored settings JSON: every secret value ({@link ChannelSettings#secretFields()})
 * as {@code {"enc": "v1:...", "secret": true}}, encrypted by {@link SecretCipher} with the channel's
 * id as associated data (a ciphertext copied to another channel does not decrypt); all other fields
 * as in the API. Plain-text settings exist only in memory.
 */
public final class ChannelSealer {
    private final SecretCipher cipher;

    public ChannelSealer(SecretCipher cipher) {
        this.cipher = cipher;
    }

    /** Whether settings with secrets can be stored (a key is set). */
    public boolean canSeal() {
        return cipher.hasKey();
    }

    /**
     * The JSON text to store for {@code settings} of channel {@code id}.
     *
     * @throws SecretKeyException when the settings hold a secret and no key is set
     */
    public String seal(UUID id, ChannelSettings settings) {
        ObjectNode tree = ChannelSettingsJson.tree(settings);
        for (ChannelSettingsJson.Slot slot : ChannelSettingsJson.slots(settings.kind(), tree)) {
            ObjectNode sealed = Json.MAPPER.createObjectNode().put("enc", cipher.encrypt(id, slot.node().asText()));
            slot.set(sealed.put("secret", true));
        }
        return tree.toString();
    }

    /**
     * The settings of a {@code kind} channel {@code id} from their stored JSON text, secrets decrypted.
     *
     * @throws SecretKeyException when a secret does not decrypt or no key is set
     * @throws JsonProcessingException when the text is not settings of {@code kind}
     */
    public ChannelSettings open(UUID id, ChannelKind kind, String stored) throws JsonProcessingException {
        JsonNode tree = Json.MAPPER.readTree(stored);
        for (ChannelSettingsJson.Slot slot : ChannelSettingsJson.slots(kind, tree)) {
            if (ChannelSettingsJson.sealed(slot.node())) {
                slot.set(TextNode.valueOf(cipher.decrypt(id, slot.node().path("enc").asText())));
            }
        }
        return ChannelSettingsJson.read(Json.MAPPER, kind, tree);
    }

    /** How many encrypted values the stored JSON text of a {@code kind} channel holds. */
    public static int sealedCount(ChannelKind kind, String stored) throws JsonProcessingException {
        return (int) ChannelSettingsJson.slots(kind, Json.MAPPER.readTree(stored)).stream()
                .filter(slot -> ChannelSettingsJson.sealed(slot.node())).count();
    }
}
