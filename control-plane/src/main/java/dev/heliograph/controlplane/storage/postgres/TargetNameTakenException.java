package dev.heliograph.controlplane.storage.postgres;

/** Another target of the same org already has this name. */
public final class TargetNameTakenException extends RuntimeException {
    public TargetNameTakenException(String name) {
        super("a target named '" + name + "' already exists", null, false, false);
    }
}
