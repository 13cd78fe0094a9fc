package dev.heliograph.controlplane.incidents;

import java.util.Locale;

/**
 * A target's state decided from its regions' states: {@code down} when at least its quorum of
 * reporting regions are down; {@code regional} when some are down, fewer than the quorum;
 * {@code degraded} when a quorum of reporting regions answer slowly or with soft failures;
 * {@code unknown} when no region reports (every agent of each region is silent); else {@code up}.
 */
public enum Verdict {
    UP,
    DEGRADED,
    REGIONAL,
    DOWN,
    UNKNOWN;

    /** The wire form: {@code up}, {@code degraded}, {@code regional}, {@code down}, {@code unknown}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the wire form; throws {@link IllegalArgumentException} for an unknown verdict. */
    public static Verdict fromWire(String text) {
        for (Verdict verdict : values()) {
            if (verdict.wire().equals(text)) {
                return verdict;
            }
        }
        throw new IllegalArgumentException("unknown verdict: " + text);
    }

    /** Whether an incident is open for this verdict ({@code degraded}, {@code regional}, {@code down}). */
    public boolean problem() {
        return this == DEGRADED || this == REGIONAL || this == DOWN;
    }
}
