package dev.heliograph.controlplane.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.HttpSpec;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.codec.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The stored form of specs: secrets encrypted, everything else readable (issue 7). */
class SpecSealerTest {
    private static final byte[] KEY = "heliograph-test-key-0123456789ab".getBytes(StandardCharsets.US_ASCII);
    private static final HttpSpec SPEC = new HttpSpec("POST", "http://example.com/",
            Map.of("Authorization", "Bearer t0k3n", "X-Api-Key", "k3y", "X-Trace", "visible"), "b0dy", null, null, null, null,
            null, null, new HttpSpec.BasicAuth("monitor", "p4ss"), Set.of("X-Api-Key"), true);

    @Test
    void sealedTextHoldsCiphertextOnlyAndOpensToTheSameSpec() throws Exception {
        SpecSealer sealer = new SpecSealer(new SecretCipher(KEY, null));
        TargetId id = TargetId.random();

        String stored = sealer.seal(id, SPEC);

        assertThat(stored).doesNotContain("t0k3n", "k3y\"", "b0dy", "p4ss").contains("\"X-Trace\":\"visible\"", "monitor");
        assertThat(Json.MAPPER.readTree(stored).path("headers").path("Authorization").path("enc").asText()).startsWith("v1:");
        assertThat(SpecSealer.sealedCount(CheckKind.HTTP, stored)).isEqualTo(4);
        assertThat(sealer.open(id, CheckKind.HTTP, stored)).isEqualTo(SPEC);
    }

    @Test
    void specWithoutSecretsNeedsNoKey() throws Exception {
        SpecSealer keyless = new SpecSealer(new SecretCipher(null, null));
        HttpSpec plain = new HttpSpec(null, "http://example.com", Map.of("X-Trace", "1"), "hello", null, null, null, null,
                null, null);
        TargetId id = TargetId.random();

        assertThat(keyless.open(id, CheckKind.HTTP, keyless.seal(id, plain))).isEqualTo(plain);
        assertThatThrownBy(() -> keyless.seal(id, SPEC)).isInstanceOf(SecretKeyException.class);
    }
}
