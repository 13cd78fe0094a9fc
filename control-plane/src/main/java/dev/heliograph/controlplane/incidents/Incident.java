package dev.heliograph.controlplane.incidents;

import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.TargetId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * An incident: a period during which a target (or an agent) has a problem, opened and resolved by the
 * control plane from results, acknowledged and resolved by hand through the API. Immutable; the
 * {@code with*} methods return changed copies. Times are UTC.
 *
 * @param state            {@code open}, {@code acknowledged} or {@code resolved}
 * @param targetId         the target; {@code null} for an agent incident
 * @param agentId          the agent; {@code null} for a target incident
 * @param region           the agent's region; {@code null} for a target incident
 * @param tags             the target's tags when the incident opened (policies route by them)
 * @param regionsDown      regions whose state is down now
 * @param causedBy         the incident of the parent target that was open when this one opened
 * @param firstFailureAt   start of the failing streak that led to it (time to detect is measured from it)
 */
public record Incident(UUID id, OrgId orgId, IncidentKind kind, String state, String title, TargetId targetId, String targetKey,
                       String targetName, UUID agentId, String region, List<String> tags, List<String> regionsDown, UUID causedBy,
                       Instant firstFailureAt, Instant openedAt, Instant acknowledgedAt, String acknowledgedBy, Instant resolvedAt,
                       String resolvedBy, String resolutionNote) {
    /** State of an incident that is open and not acknowledged. */
    public static final String OPEN = "open";
    /** State of an open incident someone acknowledged. */
    public static final String ACKNOWLEDGED = "acknowledged";
    /** State of an incident that is over. */
    public static final String RESOLVED = "resolved";

    public Incident {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(orgId, "orgId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(state, "state");
        tags = tags == null ? List.of() : List.copyOf(tags);
        regionsDown = regionsDown == null ? List.of() : List.copyOf(regionsDown);
    }

    /** Whether it is not resolved. */
    public boolean active() {
        return !RESOLVED.equals(state);
    }

    /** This incident with another kind (its title follows). */
    public Incident withKind(IncidentKind newKind, String newTitle) {
        return new Incident(id, orgId, newKind, state, newTitle, targetId, targetKey, targetName, agentId, region, tags, regionsDown,
                causedBy, firstFailureAt, openedAt, acknowledgedAt, acknowledgedBy, resolvedAt, resolvedBy, resolutionNote);
    }

    /** This incident with the regions that are down now. */
    public Incident withRegionsDown(List<String> regions) {
        return new Incident(id, orgId, kind, state, title, targetId, targetKey, targetName, agentId, region, tags, regions, causedBy,
                firstFailureAt, openedAt, acknowledgedAt, acknowledgedBy, resolvedAt, resolvedBy, resolutionNote);
    }

    /** This incident acknowledged {@code at} by {@code by}. */
    public Incident acknowledged(Instant at, String by) {
        return new Incident(id, orgId, kind, ACKNOWLEDGED, title, targetId, targetKey, targetName, agentId, region, tags, regionsDown,
                causedBy, firstFailureAt, openedAt, at, by, resolvedAt, resolvedBy, resolutionNote);
    }

    /** This incident resolved {@code at} by {@code by} (the control plane, or a caller) with {@code note}. */
    public Incident resolved(Instant at, String by, String note) {
        return new Incident(id, orgId, kind, RESOLVED, title, targetId, targetKey, targetName, agentId, region, tags, regionsDown,
                causedBy, firstFailureAt, openedAt, acknowledgedAt, acknowledgedBy, at, by, note);
    }
}
