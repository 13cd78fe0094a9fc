package dev.heliograph.controlplane.maintenance;

/** Another maintenance window of the org already has this key or name (a unique constraint). */
public final class WindowTakenException extends RuntimeException {
    private final String field;

    /** @param field {@code key} or {@code name} */
    public WindowTakenException(String field, String value) {
        super("another maintenance window of the org has the " + field + " " + value, null, false, false);
        this.field = field;
    }

    /** {@code key} or {@code name}: the API field that clashes. */
    public String field() {
        return field;
    }
}
