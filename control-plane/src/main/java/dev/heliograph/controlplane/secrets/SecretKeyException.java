package dev.heliograph.controlplane.secrets;

/**
 * The stored secrets cannot be used: {@code secret.key} is not set, or neither {@code secret.key}
 * nor {@code secret.previous_key} decrypts them. The message is one line for an operator and never
 * holds a key or a secret.
 */
public final class SecretKeyException extends RuntimeException {
    private SecretKeyException(String message) {
        super(message, null, false, false);
    }

    /** No {@code secret.key}, while secrets are stored or must be. */
    public static SecretKeyException missing() {
        return new SecretKeyException("targets hold encrypted secrets but secret.key (HELIOGRAPH_SECRET_KEY) is not set");
    }

    /** No {@code secret.key}, while alert channels hold secrets. */
    public static SecretKeyException missingForChannels() {
        return new SecretKeyException("alert channels hold encrypted secrets but secret.key (HELIOGRAPH_SECRET_KEY) is not set");
    }

    /** Neither key decrypts a stored secret. */
    public static SecretKeyException wrong() {
        return new SecretKeyException("secret.key does not decrypt the stored secrets "
                + "(wrong key? while rotating, set secret.previous_key to the old key)");
    }
}
