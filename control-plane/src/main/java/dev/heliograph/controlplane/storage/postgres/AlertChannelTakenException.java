package dev.heliograph.controlplane.storage.postgres;

/** Another alert channel of the same org already has this key or name. */
public final class AlertChannelTakenException extends RuntimeException {
    private final String field;

    /**
     * @param field {@code key} or {@code name}
     * @param value the value written
     */
    public AlertChannelTakenException(String field, String value) {
        super("an alert channel with " + field + " '" + value + "' already exists", null, false, false);
        this.field = field;
    }

    /** The field that clashes: {@code key} or {@code name}. */
    public String field() {
        return field;
    }
}
