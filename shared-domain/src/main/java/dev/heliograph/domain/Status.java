package dev.heliograph.domain;

import java.util.Locale;

/**
 * The verdict of one check: {@code up}; {@code degraded} (slow, throttled, or soft assertions
 * failed); {@code down} (the target answered wrong or not at all); {@code error} (the probe itself
 * could not run the check).
 */
public enum Status {
    UP,
    DEGRADED,
    DOWN,
    ERROR;

    /** The wire form: {@code up}, {@code degraded}, {@code down}, {@code error}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the wire form; throws {@link IllegalArgumentException} for an unknown status. */
    public static Status fromWire(String text) {
        for (Status status : values()) {
            if (status.wire().equals(text)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown status: " + text);
    }
}
