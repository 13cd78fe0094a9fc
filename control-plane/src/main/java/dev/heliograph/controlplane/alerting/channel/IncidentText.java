package dev.heliograph.controlplane.alerting.channel;

import dev.heliograph.controlplane.alerting.NotificationMessage;
import dev.heliograph.controlplane.alerting.NotificationMessage.IncidentSummary;
import dev.heliograph.controlplane.alerting.NotificationMessage.RegionRef;
import java.util.ArrayList;
import java.util.List;

/**
 * How notifications read for people (Slack sections, the email body, PagerDuty's details): one
 * block of lines per incident. Plain text; each channel escapes it for its own format.
 */
final class IncidentText {
    private IncidentText() {
    }

    /** The incidents a message is about: its incident, the incidents of its group, or none (a test). */
    static List<IncidentSummary> incidents(NotificationMessage message) {
        if (message.incident() != null) {
            return List.of(message.incident());
        }
        return message.group() == null ? List.of() : message.group().incidents();
    }

    /** {@code text} on one line (control characters as spaces), cut to {@code max} characters with an ellipsis. */
    static String oneLine(String text, int max) {
        String line = text == null ? "" : text.replaceAll("\\p{Cntrl}+", " ").strip();
        return line.length() <= max ? line : line.substring(0, max - 1) + "…";
    }

    /**
     * The lines describing {@code incident}: title; state, severity and kind; the target or agent; each
     * region that is not up, with its failure and since when; when it opened, was acknowledged and
     * resolved; the link.
     */
    static List<String> lines(IncidentSummary incident) {
        List<String> lines = new ArrayList<>();
        lines.add(incident.title() == null ? "incident " + incident.id() : incident.title());
        lines.add("State: " + incident.state() + ", severity: " + incident.severity() + ", kind: " + incident.kind());
        if (incident.target() != null) {
            lines.add("Target: " + incident.target().name() + " (" + incident.target().key() + ")"
                    + (incident.target().tags().isEmpty() ? "" : ", tags " + String.join(", ", incident.target().tags())));
        }
        if (incident.agent() != null) {
            lines.add("Agent: " + incident.agent().name() + " in region " + incident.agent().region());
        }
        if (!incident.regionsDown().isEmpty()) {
            lines.add("Regions down: " + String.join(", ", incident.regionsDown()));
        }
        for (RegionRef region : incident.regions()) {
            if (!"up".equals(region.state())) {
                lines.add("  " + region.region() + ": " + region.state()
                        + (region.failure() == null ? "" : ", " + region.failure())
                        + (region.error() == null || region.error().isBlank() ? "" : ": " + region.error())
                        + (region.since() == null ? "" : " since " + region.since()));
            }
        }
        if (incident.openedAt() != null) {
            lines.add("Opened: " + incident.openedAt());
        }
        if (incident.acknowledgedAt() != null) {
            lines.add("Acknowledged: " + incident.acknowledgedAt());
        }
        if (incident.resolvedAt() != null) {
            lines.add("Resolved: " + incident.resolvedAt());
        }
        if (incident.url() != null) {
            lines.add("Link: " + incident.url());
        }
        return lines;
    }

    /** The text of a test notification. */
    static String test(NotificationMessage message) {
        return "This is a test notification from Heliograph (" + message.id() + "), sent at " + message.timestamp()
                + ". If you read this, the channel works.";
    }
}
