package dev.heliograph.controlplane.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heliograph.controlplane.alerting.ChannelKind;
import dev.heliograph.controlplane.alerting.EmailSettings;
import dev.heliograph.controlplane.alerting.WebhookSettings;
import dev.heliograph.probe.codec.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The stored form of alert channel settings: secrets sealed for their channel, everything else readable. */
class ChannelSealerTest {
    private static final byte[] KEY = "heliograph-test-key-0123456789ab".getBytes(StandardCharsets.US_ASCII);
    private static final WebhookSettings WEBHOOK = new WebhookSettings("https://hooks.example.com/x",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Map.of("Authorization", "Bearer t0ken", "X-Team", "sre"));

    @Test
    void sealedTextHoldsCiphertextOnlyAndOpensToTheSameSettings() throws Exception {
        ChannelSealer sealer = new ChannelSealer(new SecretCipher(KEY, null));
        UUID id = UUID.randomUUID();

        String stored = sealer.seal(id, WEBHOOK);

        assertThat(stored).doesNotContain("MfKQ9r8", "t0ken", "\"sre\"").contains("https://hooks.example.com/x", "X-Team");
        assertThat(Json.MAPPER.readTree(stored).path("secret").path("enc").asText()).startsWith("v1:");
        assertThat(ChannelSealer.sealedCount(ChannelKind.WEBHOOK, stored)).isEqualTo(3);
        assertThat(sealer.open(id, ChannelKind.WEBHOOK, stored)).isEqualTo(WEBHOOK);
    }

    @Test
    void aSealedSecretCopiedToAnotherChannelDoesNotOpen() {
        ChannelSealer sealer = new ChannelSealer(new SecretCipher(KEY, null));
        String stored = sealer.seal(UUID.randomUUID(), WEBHOOK);
        assertThatThrownBy(() -> sealer.open(UUID.randomUUID(), ChannelKind.WEBHOOK, stored)).isInstanceOf(SecretKeyException.class);
    }

    @Test
    void settingsWithoutSecretsNeedNoKeyButSecretsDo() throws Exception {
        ChannelSealer keyless = new ChannelSealer(new SecretCipher(null, null));
        EmailSettings open = new EmailSettings("smtp.example.com", 25, "disabled", null, null, "a@example.com", List.of("b@example.com"));
        UUID id = UUID.randomUUID();
        assertThat(keyless.open(id, ChannelKind.EMAIL, keyless.seal(id, open))).isEqualTo(open);
        assertThat(keyless.canSeal()).isFalse();
        assertThatThrownBy(() -> keyless.seal(id, WEBHOOK)).isInstanceOf(SecretKeyException.class);
    }
}
