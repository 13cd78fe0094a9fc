package dev.heliograph.controlplane.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heliograph.controlplane.config.ConfigException;
import dev.heliograph.controlplane.config.ConfigLoader;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.domain.TargetId;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AES-256-GCM of target secrets (NIST SP 800-38D), keys and rotation (issue 7). */
class SecretCipherTest {
    private static final byte[] KEY = "heliograph-test-key-0123456789ab".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OTHER_KEY = "heliograph-test-key-rotated-0001".getBytes(StandardCharsets.US_ASCII);
    private static final TargetId TARGET = TargetId.random();

    @Test
    void roundTripWithAFreshNonceEachTime() {
        SecretCipher cipher = new SecretCipher(KEY, null);

        String first = cipher.encrypt(TARGET, "Bearer pläin");
        String second = cipher.encrypt(TARGET, "Bearer pläin");

        assertThat(first).startsWith("v1:").doesNotContain("pläin").isNotEqualTo(second);
        // 12-byte nonce, 12 bytes of UTF-8 plaintext, 16-byte tag.
        assertThat(Base64.getDecoder().decode(first.substring(3))).hasSize(12 + 13 + 16);
        assertThat(cipher.decrypt(TARGET, first)).isEqualTo("Bearer pläin");
        assertThat(cipher.decrypt(TARGET, second)).isEqualTo("Bearer pläin");
    }

    @Test
    void wrongKeyFailsAsSecretKeyException() {
        String sealed = new SecretCipher(KEY, null).encrypt(TARGET, "s3cret");

        assertThatThrownBy(() -> new SecretCipher(OTHER_KEY, null).decrypt(TARGET, sealed))
                .isInstanceOf(SecretKeyException.class)
                .hasMessage("secret.key does not decrypt the stored secrets (wrong key? while rotating, set secret.previous_key to the old key)");
    }

    @Test
    void previousKeyDecryptsWhileNewEncryptionsUseTheKey() {
        String old = new SecretCipher(KEY, null).encrypt(TARGET, "s3cret");
        SecretCipher rotating = new SecretCipher(OTHER_KEY, KEY);

        assertThat(rotating.decrypt(TARGET, old)).isEqualTo("s3cret");
        String fresh = rotating.encrypt(TARGET, "s3cret");
        assertThat(new SecretCipher(OTHER_KEY, null).decrypt(TARGET, fresh)).isEqualTo("s3cret");
        assertThatThrownBy(() -> new SecretCipher(KEY, null).decrypt(TARGET, fresh)).isInstanceOf(SecretKeyException.class);
    }

    @Test
    void ciphertextIsBoundToItsTarget() {
        SecretCipher cipher = new SecretCipher(KEY, null);
        String sealed = cipher.encrypt(TARGET, "s3cret");

        assertThatThrownBy(() -> cipher.decrypt(TargetId.random(), sealed)).isInstanceOf(SecretKeyException.class);
    }

    @Test
    void damagedOrForeignTextFails() {
        SecretCipher cipher = new SecretCipher(KEY, null);
        String sealed = cipher.encrypt(TARGET, "s3cret");
        byte[] bytes = Base64.getDecoder().decode(sealed.substring(3));
        bytes[bytes.length - 1] ^= 1;

        for (String text : List.of("v1:" + Base64.getEncoder().encodeToString(bytes), "v2:" + sealed.substring(3), "v1:***", "")) {
            assertThatThrownBy(() -> cipher.decrypt(TARGET, text)).isInstanceOf(SecretKeyException.class);
        }
    }

    @Test
    void withoutAKeyNothingIsEncryptedOrDecrypted() {
        SecretCipher none = new SecretCipher(null, null);

        assertThat(none.hasKey()).isFalse();
        assertThatThrownBy(() -> none.encrypt(TARGET, "s3cret")).isInstanceOf(SecretKeyException.class)
                .hasMessageContaining("HELIOGRAPH_SECRET_KEY");
        assertThatThrownBy(() -> none.decrypt(TARGET, "v1:AAAA")).isInstanceOf(SecretKeyException.class);
    }

    @Test
    void keysComeFromTheEnvironmentAndBadOnesAreReportedWithoutTheirValue() throws Exception {
        String key = Base64.getEncoder().encodeToString(KEY);
        String previous = Base64.getEncoder().encodeToString(OTHER_KEY);
        HeliographConfig config = ConfigLoader.load(null,
                Map.of("HELIOGRAPH_SECRET_KEY", key, "HELIOGRAPH_SECRET_PREVIOUS_KEY", previous), List.of());

        assertThat(config.secret().key()).isEqualTo(key);
        assertThat(config.secret().previousKey()).isEqualTo(previous);
        assertThat(config.secret().toString()).doesNotContain(key, previous);
        String old = new SecretCipher(OTHER_KEY, null).encrypt(TARGET, "s3cret");
        assertThat(SecretCipher.of(config.secret()).decrypt(TARGET, old)).isEqualTo("s3cret");

        String shortKey = Base64.getEncoder().encodeToString("sixteen-byte-key".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("HELIOGRAPH_SECRET_KEY", shortKey,
                "HELIOGRAPH_SECRET_PREVIOUS_KEY", "not base64!"), List.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(2).allMatch(p -> p.contains("base64 of exactly 32 bytes"));
                    assertThat(String.join("\n", e.problems())).doesNotContain(shortKey, "not base64!");
                });
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("HELIOGRAPH_SECRET_PREVIOUS_KEY", previous), List.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .containsExactly("secret.previous_key needs secret.key (the new key) as well"));
    }
}
