package dev.heliograph.controlplane.secrets;

import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.domain.TargetId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts and decrypts one secret value of a target with AES-256-GCM (NIST SP 800-38D): a fresh
 * random 96-bit nonce per encryption, a 128-bit tag, and the target id's 16 bytes as additional
 * authenticated data, so a ciphertext copied to another target does not decrypt. The text form is
 * {@code v1:} followed by the base64 of nonce (12 bytes) || ciphertext || tag (16 bytes).
 *
 * <p>{@code key} encrypts and decrypts; {@code previousKey} only decrypts (key rotation). Either may
 * be absent. Thread-safe.
 */
public final class SecretCipher {
    /** Prefix of the current text form. */
    public static final String VERSION = "v1:";

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecretKeySpec previousKey;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param key         32 bytes, or {@code null} when no key is set
     * @param previousKey 32 bytes, or {@code null}
     * @throws IllegalArgumentException when a key is not 32 bytes long
     */
    public SecretCipher(byte[] key, byte[] previousKey) {
        this.key = aesKey(key);
        this.previousKey = aesKey(previousKey);
    }

    /** The cipher for a validated configuration: blank keys are absent, others are base64. */
    public static SecretCipher of(HeliographConfig.Secret config) {
        return new SecretCipher(decode(config.key()), decode(config.previousKey()));
    }

    /** Whether a key is set, so that secrets can be encrypted. */
    public boolean hasKey() {
        return key != null;
    }

    /**
     * The text form of {@code plaintext} (UTF-8) encrypted for target {@code id}.
     *
     * @throws SecretKeyException when no key is set
     */
    public String encrypt(TargetId id, String plaintext) {
        return encrypt(id.value(), plaintext);
    }

    /**
     * The text form of {@code plaintext} (UTF-8) encrypted for the row {@code owner} (a target's or an
     * alert channel's id, the associated data: a ciphertext moved to another row does not decrypt).
     *
     * @throws SecretKeyException when no key is set
     */
    public String encrypt(UUID owner, String plaintext) {
        if (key == null) {
            throw SecretKeyException.missing();
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, nonce, owner);
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
            return VERSION + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    /**
     * The plaintext of {@code text} (made by {@link #encrypt} for target {@code id}), decrypted with
     * the key or else the previous key.
     *
     * @throws SecretKeyException when no key is set, or neither key decrypts it (wrong key, another
     *     target's ciphertext, or a damaged one)
     */
    public String decrypt(TargetId id, String text) {
        return decrypt(id.value(), text);
    }

    /**
     * The plaintext of {@code text} (made by {@link #encrypt(UUID, String)} for {@code owner}),
     * decrypted with the key or else the previous key.
     *
     * @throws SecretKeyException when no key is set, or neither key decrypts it
     */
    public String decrypt(UUID owner, String text) {
        if (key == null) {
            throw SecretKeyException.missing();
        }
        byte[] data;
        try {
            data = text.startsWith(VERSION) ? Base64.getDecoder().decode(text.substring(VERSION.length())) : new byte[0];
        } catch (IllegalArgumentException e) {
            data = new byte[0];
        }
        if (data.length >= NONCE_BYTES + TAG_BITS / 8) {
            for (SecretKeySpec candidate : new SecretKeySpec[] {key, previousKey}) {
                if (candidate != null) {
                    try {
                        Cipher cipher = cipher(Cipher.DECRYPT_MODE, candidate, Arrays.copyOf(data, NONCE_BYTES), owner);
                        byte[] plain = cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES);
                        return new String(plain, StandardCharsets.UTF_8);
                    } catch (GeneralSecurityException wrongKey) {
                        // try the next key
                    }
                }
            }
        }
        throw SecretKeyException.wrong();
    }

    private static Cipher cipher(int mode, SecretKeySpec key, byte[] nonce, UUID owner) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance(TRANSFORMATION);
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce, 0, NONCE_BYTES));
        cipher.updateAAD(ByteBuffer.allocate(16).putLong(owner.getMostSignificantBits())
                .putLong(owner.getLeastSignificantBits()).array());
        return cipher;
    }

    private static SecretKeySpec aesKey(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length != HeliographConfig.Secret.KEY_BYTES) {
            throw new IllegalArgumentException("a secret key must be " + HeliographConfig.Secret.KEY_BYTES + " bytes");
        }
        return new SecretKeySpec(bytes, "AES");
    }

    private static byte[] decode(String base64) {
        return base64 == null || base64.isBlank() ? null : Base64.getDecoder().decode(base64.trim());
    }
}
