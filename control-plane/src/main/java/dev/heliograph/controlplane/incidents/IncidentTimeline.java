package dev.heliograph.controlplane.incidents;

import dev.heliograph.domain.RegionId;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes the lines of incident timelines ({@link Op.Timeline}) into a decision's list of writes. Line
 * types: {@code opened}, {@code region_down}, {@code region_up}, {@code escalated}, {@code deescalated},
 * {@code unknown}, {@code flapping}, {@code flapping_ended}, {@code caused_by}, {@code acknowledged},
 * {@code resolved}; the notification senders add {@code notified} and {@code notification_failed}.
 */
final class IncidentTimeline {
    private final List<Op> ops;

    IncidentTimeline(List<Op> ops) {
        this.ops = ops;
    }

    void opened(Incident incident, Instant at, UUID causedBy) {
        Map<String, Object> details = new HashMap<>();
        details.put("kind", incident.kind().wire());
        details.put("regions_down", incident.regionsDown());
        if (incident.firstFailureAt() != null) {
            details.put("first_failure_at", incident.firstFailureAt().toString());
        }
        if (causedBy != null) {
            details.put("caused_by", causedBy.toString());
        }
        add(incident, at, "opened", "opened: " + incident.title()
                + (incident.regionsDown().isEmpty() ? "" : " (regions down: " + String.join(", ", incident.regionsDown()) + ")")
                + (causedBy == null ? "" : "; caused by the parent target's incident " + causedBy), details);
    }

    void regionDown(Incident incident, Change.RegionDown down) {
        if (incident == null) {
            return;
        }
        add(incident, down.firstFailureAt() == null ? incident.openedAt() : down.firstFailureAt(), "region_down",
                "region " + down.region() + " is down: " + down.error(),
                Map.of("region", down.region().value(), "failure", down.failure().wire(), "error", down.error()));
    }

    void regionUp(Incident incident, RegionId region, Instant at) {
        if (incident != null) {
            add(incident, at, "region_up", "region " + region + " is up again", Map.of("region", region.value()));
        }
    }

    void kindChanged(Incident incident, Instant at, IncidentKind from, IncidentKind to) {
        String type = to == IncidentKind.DOWN || (to == IncidentKind.REGIONAL && from == IncidentKind.DEGRADED) ? "escalated" : "deescalated";
        add(incident, at, type, from.wire() + " -> " + to.wire() + ": " + incident.title(), Map.of("from", from.wire(), "to", to.wire()));
    }

    void resolved(Incident incident, Instant at, String by, String note) {
        add(incident, at, "resolved", "resolved by " + by + (note == null || note.isBlank() ? "" : ": " + note),
                note == null ? Map.of("by", by) : Map.of("by", by, "note", note));
    }

    /** A line of {@code type} with {@code message}; nothing when there is no incident. */
    void note(Incident incident, Instant at, String type, String message) {
        if (incident != null) {
            add(incident, at, type, message, Map.of());
        }
    }

    private void add(Incident incident, Instant at, String type, String message, Map<String, Object> details) {
        ops.add(new Op.Timeline(incident.id(), at, type, message, details));
    }
}
