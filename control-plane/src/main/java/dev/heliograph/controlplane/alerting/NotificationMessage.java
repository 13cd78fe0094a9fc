package dev.heliograph.controlplane.alerting;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.probe.codec.Json;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One notification as every alert channel renders it: the event, a one-line {@code summary} for
 * people (Slack text, email subject, PagerDuty summary) and the incident it is about, or for a grouped
 * notification the {@code group} of incidents. Rendered once, when the notification is written to the
 * outbox, and stored; every retry sends the same content. {@code id} is the notification's id: the
 * {@code webhook-id} of a signed webhook, stable across retries.
 *
 * @param incident the incident; {@code null} for a test notification and for a group
 * @param group    the incidents of a grouped notification; {@code null} otherwise
 */
@Schema(name = "NotificationContent", description = "The content of one notification.")
public record NotificationMessage(UUID id, NotificationEvent event, Instant timestamp, UUID orgId, String summary,
                                  IncidentSummary incident, Group group) {
    public NotificationMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(summary, "summary");
    }

    /** An incident as a notification shows it. Times are RFC 3339 UTC. */
    @Schema(name = "NotificationIncident")
    public record IncidentSummary(
            UUID id,
            @Schema(allowableValues = {"down", "regional", "degraded", "config_error", "agent_not_reporting"}) String kind,
            @Schema(allowableValues = {"critical", "warning"}) String severity,
            @Schema(allowableValues = {"open", "acknowledged", "resolved"}) String state,
            String title, Instant openedAt, Instant acknowledgedAt, Instant resolvedAt,
            @Schema(description = "the target; null for an agent incident") TargetRef target,
            @Schema(description = "the agent; null for a target incident") AgentRef agent,
            @Schema(description = "regions whose state is down") List<String> regionsDown,
            @Schema(description = "every region of the target with its state") List<RegionRef> regions,
            @Schema(description = "the parent target's incident that caused this one, if any") UUID causedBy,
            @Schema(description = "the incident in the API") String url) {
        public IncidentSummary {
            regionsDown = regionsDown == null ? List.of() : List.copyOf(regionsDown);
            regions = regions == null ? List.of() : List.copyOf(regions);
        }
    }

    /** The target an incident is about. */
    @Schema(name = "NotificationTarget")
    public record TargetRef(UUID id, String key, String name, List<String> tags) {
        public TargetRef {
            tags = tags == null ? List.of() : List.copyOf(tags);
        }
    }

    /** The agent an incident is about. */
    @Schema(name = "NotificationAgent")
    public record AgentRef(UUID id, String name, String region) {
    }

    /** One region of a target: its state and, when failing, why. */
    @Schema(name = "NotificationRegion")
    public record RegionRef(String region, @Schema(allowableValues = {"up", "down", "unknown"}) String state,
                            @Schema(description = "typed failure of the latest failing result, e.g. connect_refused")
                            String failure, String error, Instant since) {
    }

    /** The incidents of a grouped notification, which share {@code key} ({@code tag:shop}, {@code region:eu}). */
    @Schema(name = "NotificationGroup")
    public record Group(String key, List<IncidentSummary> incidents) {
        public Group {
            incidents = List.copyOf(incidents);
        }
    }

    /** The {@code type} of the webhook body: {@code incident.<event>}, or {@code test}. */
    public String type() {
        return event == NotificationEvent.TEST ? "test" : "incident." + event.wire();
    }

    /**
     * The JSON body of a webhook (the published schema {@code WebhookPayload}): {@code {"type",
     * "timestamp", "data": {"notification_id", "event", "org_id", "summary", "incident", "group"}}}, as
     * Standard Webhooks 1.0 recommends (type, timestamp, data).
     */
    public ObjectNode webhookBody() {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("type", type());
        body.put("timestamp", timestamp.toString());
        ObjectNode data = body.putObject("data");
        data.put("notification_id", id.toString());
        data.put("event", event.wire());
        data.put("org_id", orgId == null ? null : orgId.toString());
        data.put("summary", summary);
        data.set("incident", Json.MAPPER.valueToTree(incident));
        data.set("group", Json.MAPPER.valueToTree(group));
        return body;
    }
}
