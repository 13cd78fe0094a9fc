package dev.heliograph.controlplane.maintenance;

import java.util.Locale;

/**
 * What maintenance means for a target at a given time. A window is {@link #MUTE} or {@link #PAUSE};
 * {@link #NONE} is the answer for a target no enabled window covers.
 */
public enum MaintenanceMode {
    /** No window in force: checks run, incidents are notified, the time counts for uptime. */
    NONE,
    /** Checks run, but nothing is notified and the time is left out of uptime. */
    MUTE,
    /** The target is not checked at all (its stored {@code enabled} flag stays as it is). */
    PAUSE;

    /** The API's spelling: {@code none}, {@code mute}, {@code pause}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The stronger of two modes: pause over mute over none. */
    public MaintenanceMode and(MaintenanceMode other) {
        return compareTo(other) >= 0 ? this : other;
    }

    /** The mode a window may have ({@code mute} or {@code pause}); throws {@link IllegalArgumentException} otherwise. */
    public static MaintenanceMode ofWindow(String wire) {
        return switch (wire) {
            case "mute" -> MUTE;
            case "pause" -> PAUSE;
            default -> throw new IllegalArgumentException("mode must be mute or pause, was " + wire);
        };
    }
}
