package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.incidents.Incident;
import dev.heliograph.controlplane.incidents.IncidentQueries;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * An incident as the API shows it. Times are RFC 3339 UTC; absent fields (a target incident's agent,
 * an open incident's resolution) are omitted. {@code timeline} only in {@code GET /api/v1/incidents/{id}}.
 */
@Schema(name = "Incident")
public record IncidentView(
        String id,
        @Schema(allowableValues = {"down", "regional", "degraded", "config_error", "agent_not_reporting"}) String kind,
        @Schema(allowableValues = {"critical", "warning"}) String severity,
        @Schema(allowableValues = {"open", "acknowledged", "resolved"}) String state,
        String title,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "the target (target incidents)") String targetId,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) String targetKey,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "the target's name, or the agent's") String targetName,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "the agent (agent_not_reporting)") String agentId,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "the agent's region") String region,
        @Schema(description = "the target's tags when the incident opened") List<String> tags,
        @Schema(description = "regions whose state is down now") List<String> regionsDown,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "the parent target's incident that caused this one")
        String causedBy,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "start of the failing streak that led to it")
        Instant firstFailureAt,
        Instant openedAt,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) Instant acknowledgedAt,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) String acknowledgedBy,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) Instant resolvedAt,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "heliograph, or the API key that resolved it") String resolvedBy,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) String resolutionNote,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "what happened, oldest first (one incident only)")
        List<TimelineLine> timeline) {

    /** One line of a timeline. */
    @Schema(name = "IncidentTimelineLine")
    public record TimelineLine(
            Instant at,
            @Schema(description = "opened, region_down, region_up, escalated, deescalated, unknown, flapping, flapping_ended, "
                    + "caused_by, acknowledged, notified, notification_failed, resolved") String type,
            String message,
            @Schema(types = "object", description = "facts of the line, e.g. region and failure") JsonNode details) {
    }

    /** The view of {@code incident} without its timeline. */
    public static IncidentView of(Incident incident) {
        return of(incident, null);
    }

    /** The view of {@code incident} with {@code timeline} ({@code null}: without). */
    public static IncidentView of(Incident i, List<IncidentQueries.Line> timeline) {
        return new IncidentView(i.id().toString(), i.kind().wire(), i.kind().severity(), i.state(), i.title(),
                i.targetId() == null ? null : i.targetId().toString(), i.targetKey(), i.targetName(),
                i.agentId() == null ? null : i.agentId().toString(), i.region(), i.tags(), i.regionsDown(),
                i.causedBy() == null ? null : i.causedBy().toString(), i.firstFailureAt(), i.openedAt(), i.acknowledgedAt(),
                i.acknowledgedBy(), i.resolvedAt(), i.resolvedBy(), i.resolutionNote(),
                timeline == null ? null : timeline.stream().map(l -> new TimelineLine(l.at(), l.type(), l.message(), l.details())).toList());
    }
}
