package dev.heliograph.controlplane.incidents;

import dev.heliograph.controlplane.alerting.NotificationEvent;
import java.util.Locale;

/**
 * What an incident is about, with its severity and the event that reports it: {@code down}
 * (critical, {@code opened}), {@code regional} and {@code degraded} (warning, {@code regional} and
 * {@code degraded}: visible, not paged unless a policy asks), {@code config_error} (critical) and
 * {@code agent_not_reporting} (critical).
 */
public enum IncidentKind {
    DOWN("critical", NotificationEvent.OPENED),
    REGIONAL("warning", NotificationEvent.REGIONAL),
    DEGRADED("warning", NotificationEvent.DEGRADED),
    CONFIG_ERROR("critical", NotificationEvent.CONFIG_ERROR),
    AGENT_NOT_REPORTING("critical", NotificationEvent.AGENT_NOT_REPORTING);

    private final String severity;
    private final NotificationEvent event;

    IncidentKind(String severity, NotificationEvent event) {
        this.severity = severity;
        this.event = event;
    }

    /** The wire form, e.g. {@code config_error}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code critical} or {@code warning}. */
    public String severity() {
        return severity;
    }

    /** The event a channel is told when an incident of this kind starts (or becomes this kind). */
    public NotificationEvent event() {
        return event;
    }

    /** Parses the wire form; throws {@link IllegalArgumentException} for an unknown kind. */
    public static IncidentKind fromWire(String text) {
        for (IncidentKind kind : values()) {
            if (kind.wire().equals(text)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown incident kind: " + text);
    }

    /** The kind of a target incident for {@code verdict} ({@code down}, {@code regional}, {@code degraded}). */
    public static IncidentKind of(Verdict verdict) {
        return switch (verdict) {
            case DOWN -> DOWN;
            case REGIONAL -> REGIONAL;
            case DEGRADED -> DEGRADED;
            case UP, UNKNOWN -> throw new IllegalArgumentException("no incident for verdict " + verdict.wire());
        };
    }
}
