package dev.heliograph.controlplane.health;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The health of one component, after Grafana Agent Flow's component controller: {@code unknown}
 * (not started yet), {@code healthy} (working as expected), {@code unhealthy} (running, but not
 * working as expected; it keeps its last good settings), {@code exited} (stopped for good).
 */
public enum HealthState {
    UNKNOWN, HEALTHY, UNHEALTHY, EXITED;

    /** The lower-case name used on the wire and in logs ({@code healthy}). */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
