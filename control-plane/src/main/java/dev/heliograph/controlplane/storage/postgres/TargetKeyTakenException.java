package dev.heliograph.controlplane.storage.postgres;

/** Another target of the same org already has this key. */
public final class TargetKeyTakenException extends RuntimeException {
    /** @param key the key written, or {@code null} when unknown (a conflict found at commit) */
    public TargetKeyTakenException(String key) {
        super(key == null ? "another target of the org already has one of these keys"
                : "a target with key '" + key + "' already exists", null, false, false);
    }
}
