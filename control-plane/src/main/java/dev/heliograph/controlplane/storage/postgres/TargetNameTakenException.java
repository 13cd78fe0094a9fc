package dev.heliograph.controlplane.storage.postgres;

/** Another target of the same org already has this name. */
public final class TargetNameTakenException extends RuntimeException {
    /** @param name the name written, or {@code null} when unknown (a conflict found at commit) */
    public TargetNameTakenException(String name) {
        super(name == null ? "another target of the org already has one of these names"
                : "a target named '" + name + "' already exists", null, false, false);
    }
}
