package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.health.ComponentHealth;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/**
 * Answer shapes that handlers write as maps or that every route shares, as records, so that the
 * OpenAPI document ({@link OpenApiDocument}) can name them with
 * {@code @Schema(implementation = ApiSchemas.X.class)}. Handlers need not use them; the sample
 * calls of {@code OpenApiIT} check every real answer against them, so they cannot drift from what
 * is sent. Field names are written in camelCase and appear in snake_case, as Jackson writes them.
 */
public final class ApiSchemas {
    private ApiSchemas() {
    }

    /**
     * The one error envelope ({@link FailureHandler}): every 4xx and 5xx answer of the API. The
     * document adds it by itself to every error response declared without content.
     */
    @Schema(name = "ErrorEnvelope", description = "Every error answer: {\"error\": {\"code\", \"message\", \"details\", \"request_id\"}}.")
    public record ErrorEnvelope(ErrorBody error) {
    }

    /** The inside of {@link ErrorEnvelope}. */
    @Schema(name = "Error")
    public record ErrorBody(
            @Schema(description = "stable upper-case code, e.g. TARGET_NOT_FOUND, VALIDATION_FAILED", example = "TARGET_NOT_FOUND")
            String code,
            @Schema(description = "what went wrong, for people", example = "no target with id 0190f1c2-7a1e-7c3d-9b0a-1f2e3d4c5b6a")
            String message,
            @Schema(description = "facts for the client, e.g. field (a parameter's name) or fields (every invalid field: "
                    + "field, code, message); empty when there are none")
            Map<String, Object> details,
            @Schema(description = "the request's id, also in the X-Request-Id header; quote it when reporting a problem")
            String requestId) {
    }

    /** {@code GET /api/v1/targets/{id}/stats}: a target's figures over a window, from the 1-minute rollup. */
    @Schema(name = "TargetStats")
    public record StatsView(
            String targetId,
            @Schema(description = "the window asked for, e.g. 1h", example = "1h") String window,
            @Schema(description = "results in the window") long checks,
            @Schema(description = "results with status up or degraded") long upChecks,
            @Schema(types = {"number", "null"}, description = "up_checks / checks; null without checks") Double uptimeRatio,
            @Schema(types = {"number", "null"}, description = "median total_ms; null without checks") Double p50Ms,
            @Schema(types = {"number", "null"}, description = "95th percentile of total_ms; null without checks") Double p95Ms,
            @Schema(types = {"number", "null"}, description = "99th percentile of total_ms; null without checks") Double p99Ms,
            @Schema(description = "seconds of the window inside the target's mute maintenance windows, in whole minutes; "
                    + "those minutes are left out of every figure above") long mutedS) {
    }

    /**
     * The body a webhook alert channel receives ({@code webhooks.notification} of the document): the
     * Standard Webhooks envelope {@code {"type", "timestamp", "data"}} around one notification.
     */
    @Schema(name = "WebhookPayload", description = "What a webhook alert channel receives (POST, application/json), signed per "
            + "Standard Webhooks 1.0 with the headers webhook-id (the notification's id, the same on every retry), "
            + "webhook-timestamp (Unix seconds) and webhook-signature (v1,<base64 HMAC-SHA256 of id.timestamp.body keyed with the "
            + "base64 after whsec_ of the channel's secret>).")
    public record WebhookPayload(
            @Schema(description = "incident.<event> (incident.opened, incident.resolved, incident.regional, incident.degraded, "
                    + "incident.flapping, incident.reminder, incident.agent_not_reporting, incident.config_error), or test",
                    example = "incident.opened") String type,
            @Schema(description = "when the notification was made") java.time.Instant timestamp,
            WebhookData data) {
    }

    /** The {@code data} of {@link WebhookPayload}. */
    @Schema(name = "WebhookData")
    public record WebhookData(
            String notificationId,
            @Schema(description = "the event, as in notification policies") String event,
            String orgId,
            @Schema(description = "one line for people, e.g. DOWN: shop web is down in 2 of 3 regions") String summary,
            @Schema(types = {"object", "null"}, description = "the incident; null for a grouped or a test notification")
            dev.heliograph.controlplane.alerting.NotificationMessage.IncidentSummary incident,
            @Schema(types = {"object", "null"}, description = "the incidents of a grouped notification (they share a tag or a region "
                    + "down); null otherwise") dev.heliograph.controlplane.alerting.NotificationMessage.Group group) {
    }

    /** {@code POST /api/v1/targets/{id}/check-now}. */
    @Schema(name = "CheckNowResult")
    public record CheckNowView(
            @Schema(description = "one result per region checked") List<ResultView> results,
            @Schema(description = "false when the result queue was full and the results were not stored") boolean stored) {
    }

    /** {@code POST /api/v1/targets/test}. */
    @Schema(name = "TestResult")
    public record TestView(@Schema(description = "one result per region checked; nothing is stored") List<ResultView> results) {
    }

    /** An item of {@code POST /api/v1/targets:bulk}: a target body, with {@code id} to replace that target. */
    @Schema(name = "BulkTargetItem", description = "A target body as for POST /api/v1/targets (see TargetRequest); with id "
            + "it replaces that target, with a key that a target of the org has it replaces that one, else it creates one.")
    public record BulkItem(
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "the target to replace") String id,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) String key, String name, @Schema(allowableValues = {"http", "tcp"}) String kind,
            @Schema(types = "object", description = TargetRequest.SPEC_DOC) JsonNode spec,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) Integer intervalS, @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) Integer timeoutMs,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) List<String> regions, @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) List<String> tags,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) Boolean enabled,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, types = "object", description = TargetRequest.INCIDENT_RULES_DOC)
            JsonNode incidentRules) {
    }

    /** Body of {@code POST /api/v1/targets:bulk}. */
    @Schema(name = "BulkTargetsRequest")
    public record BulkRequest(@Schema(description = "1..1000 items") List<BulkItem> items) {
    }

    /** Answer of {@code POST /api/v1/targets:bulk}. */
    @Schema(name = "BulkTargetsResult")
    public record BulkView(long created, long updated, @Schema(description = "in request order") List<BulkItemView> items) {
    }

    /** One written target of {@code POST /api/v1/targets:bulk}. */
    @Schema(name = "BulkTargetResult")
    public record BulkItemView(@Schema(allowableValues = {"created", "updated"}) String action, TargetView target) {
    }

    /** Answer of {@code POST /api/v1/targets:bulk-action}. */
    @Schema(name = "BulkActionResult")
    public record BulkActionView(@Schema(description = "targets that changed (already paused, tagged, ... ones do not count)")
                                 long affected) {
    }

    /** A target file as exported. */
    @Schema(name = "TargetFile", description = "The org's targets as a file (YAML or JSON), sorted by key.")
    public record TargetFileView(@Schema(minimum = "1", maximum = "1", description = "the file format: 1") int version,
                                 List<FileTarget> targets) {
    }

    /** One target of an exported file. */
    @Schema(name = "TargetFileTarget")
    public record FileTarget(String key, String name, @Schema(allowableValues = {"http", "tcp"}) String kind,
                             @Schema(types = "object", description = "the kind's settings; secret values as "
                                     + "{\"value\": \"***\", \"secret\": true}") JsonNode spec,
                             long intervalS, long timeoutMs, List<String> regions, List<String> tags, boolean enabled,
                             @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, types = "object",
                                     description = "only when not the defaults; see TargetRequest") JsonNode incidentRules) {
    }

    /** Body of {@code POST /api/v1/targets:apply}: an exported file, edited; each target needs a key. */
    @Schema(name = "TargetFileRequest", description = "A target file to apply: the export's shape; each target needs a key.")
    public record TargetFileRequest(@Schema(minimum = "1", maximum = "1", description = "the file format: 1") int version,
                                    List<TargetRequest> targets) {
    }

    /** Answer of {@code POST /api/v1/targets:apply}. */
    @Schema(name = "ApplyResult")
    public record ApplyView(boolean dryRun, boolean prune, ApplySummary summary,
                            @Schema(description = "one per target of the file and of the org, sorted by key") List<ApplyItem> items) {
    }

    /**
     * How many items each action touches; {@code not_in_file}: the org's items the file lacks, kept
     * without prune (the target file counts targets, the alerting file channels, policies and windows).
     */
    @Schema(name = "ApplySummary")
    public record ApplySummary(long create, long update, long delete, long unchanged, long notInFile) {
    }

    /** One step of an apply. */
    @Schema(name = "ApplyItem")
    public record ApplyItem(String key, @Schema(allowableValues = {"create", "update", "delete", "unchanged"}) String action,
                            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "the fields that change (updates only)") List<String> fields,
                            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "the target's id, once it has one") String id) {
    }

    /** Answer of {@code POST /api/v1/alerting:apply}. */
    @Schema(name = "AlertingApplyResult")
    public record AlertingApplyView(boolean dryRun, boolean prune, ApplySummary summary,
                                    @Schema(description = "one per item of the file and of the org: alert channels, then "
                                            + "notification policies, then maintenance windows, each sorted by key")
                                    List<AlertingApplyItem> items) {
    }

    /** One step of an alerting apply. */
    @Schema(name = "AlertingApplyItem")
    public record AlertingApplyItem(
            @Schema(allowableValues = {"alert_channel", "notification_policy", "maintenance_window"}) String kind,
            String key,
            @Schema(allowableValues = {"create", "update", "delete", "unchanged"}) String action,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "the fields that change (updates only)")
            List<String> fields,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "the item's id, once it has one") String id,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "the secret generated for a webhook channel "
                    + "this apply created without settings.secret (whsec_...): shown here only, once") String webhookSecret) {
    }

    /** {@code GET /api/v1/health}. */
    @Schema(name = "Health")
    public record HealthView(
            @Schema(allowableValues = {"healthy", "unhealthy"}, description = "healthy only when every component is") String status,
            @Schema(description = "whether every required component is healthy (what /readyz answers)") boolean ready,
            List<ComponentHealth> components) {
    }
}
