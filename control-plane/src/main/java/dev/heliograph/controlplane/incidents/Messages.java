package dev.heliograph.controlplane.incidents;

import dev.heliograph.controlplane.alerting.NotificationEvent;
import dev.heliograph.controlplane.alerting.NotificationMessage;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.Uuid7;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes the notifications about incidents: their titles, one-line summaries and the incident as
 * channels show it ({@link NotificationMessage}). Links point at {@code <publicUrl>/api/v1/incidents/<id>}.
 */
public final class Messages {
    private final java.util.function.Supplier<String> publicUrl;

    /** @param publicUrl base of links, e.g. {@code https://heliograph.example.com} */
    public Messages(String publicUrl) {
        this(() -> publicUrl);
    }

    /** @param publicUrl base of links, read when a link is made (the API's port may be known only after start) */
    public Messages(java.util.function.Supplier<String> publicUrl) {
        this.publicUrl = publicUrl;
    }

    /** The title of a target incident of {@code kind}, e.g. {@code "web is down"}. */
    public static String title(IncidentKind kind, Target target, List<String> regionsDown) {
        return switch (kind) {
            case DOWN -> target.name() + " is down";
            case REGIONAL -> target.name() + " is down in " + String.join(", ", regionsDown);
            case DEGRADED -> target.name() + " is degraded";
            case CONFIG_ERROR -> target.name() + " cannot be checked as configured";
            case AGENT_NOT_REPORTING -> throw new IllegalArgumentException("not a target incident");
        };
    }

    /** The link to {@code incident} in the API. */
    public String url(Incident incident) {
        String base = publicUrl.get();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v1/incidents/" + incident.id();
    }

    /**
     * The notification of {@code event} about a target's {@code incident}, made {@code at}; a fresh
     * UUIDv7 id (also its {@code webhook-id}).
     *
     * @param health the target's health now, for the per-region states (may be {@code null})
     * @param silent regions whose agents are all silent
     */
    public NotificationMessage about(NotificationEvent event, Incident incident, Target target, TargetHealth health, Set<RegionId> silent,
                                     Instant at) {
        List<NotificationMessage.RegionRef> regions = new ArrayList<>();
        if (target != null) {
            for (RegionId region : target.regions()) {
                RegionState state = health == null ? RegionState.CLEAN : health.region(region);
                String condition = silent.contains(region) ? "unknown" : state.down() ? "down" : "up";
                regions.add(new NotificationMessage.RegionRef(region.value(), condition, state.lastFailure().wire(),
                        state.lastError(), state.since()));
            }
        }
        NotificationMessage.IncidentSummary summary = summary(incident, regions);
        return new NotificationMessage(Uuid7.at(at.toEpochMilli()), event, at, incident.orgId().value(),
                line(event, incident, target, regions), summary, null);
    }

    /** The incident as a notification shows it. */
    public NotificationMessage.IncidentSummary summary(Incident incident, List<NotificationMessage.RegionRef> regions) {
        NotificationMessage.TargetRef target = incident.targetId() == null ? null
                : new NotificationMessage.TargetRef(incident.targetId().value(), incident.targetKey(), incident.targetName(),
                incident.tags());
        NotificationMessage.AgentRef agent = incident.agentId() == null ? null
                : new NotificationMessage.AgentRef(incident.agentId(), incident.targetName(), incident.region());
        return new NotificationMessage.IncidentSummary(incident.id(), incident.kind().wire(), incident.kind().severity(),
                incident.state(), incident.title(), incident.openedAt(), incident.acknowledgedAt(), incident.resolvedAt(), target,
                agent, incident.regionsDown(), regions, incident.causedBy(), url(incident));
    }

    /** One line for people: Slack text, email subject, PagerDuty summary. */
    static String line(NotificationEvent event, Incident incident, Target target, List<NotificationMessage.RegionRef> regions) {
        String reason = regions.stream().filter(r -> r.state().equals("down") && !r.error().isEmpty())
                .map(r -> r.region() + ": " + r.error()).findFirst().map(text -> " (" + text + ")").orElse("");
        long total = regions.stream().filter(r -> !r.state().equals("unknown")).count();
        String where = regions.isEmpty() ? "" : " in " + incident.regionsDown().size() + " of " + total + " regions";
        return switch (event) {
            case OPENED -> "DOWN: " + incident.title() + where + reason;
            case REGIONAL -> "REGIONAL: " + incident.title() + where + reason;
            case DEGRADED -> "DEGRADED: " + incident.title() + regions.stream().filter(r -> !r.error().isEmpty())
                    .map(r -> " (" + r.region() + ": " + r.error() + ")").findFirst().orElse("");
            case CONFIG_ERROR -> "CONFIG ERROR: " + incident.title() + regions.stream().filter(r -> !r.error().isEmpty())
                    .map(r -> " (" + r.error() + ")").findFirst().orElse("");
            case RESOLVED -> "RESOLVED: " + incident.title() + (incident.resolutionNote() == null ? "" : " (" + incident.resolutionNote() + ")");
            case FLAPPING -> "FLAPPING: " + (target == null ? incident.title() : target.name() + " keeps changing state; quiet until it is stable");
            case REMINDER -> "REMINDER: " + incident.title() + " (open since " + incident.openedAt() + ")";
            case AGENT_NOT_REPORTING -> "AGENT NOT REPORTING: " + incident.title();
            case TEST -> "TEST: a test notification from Heliograph";
        };
    }
}
