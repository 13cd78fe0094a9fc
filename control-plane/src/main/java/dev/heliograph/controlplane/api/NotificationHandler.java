package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.alerting.NotificationEvent;
import dev.heliograph.controlplane.alerting.NotificationQueries;
import dev.heliograph.domain.OrgId;
import dev.heliograph.probe.codec.Json;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /api/v1/notifications}: the outbox, newest first, filtered by state (e.g. {@code dead}: the
 * dead letters), channel, incident or event; one notification with its message and delivery attempts;
 * and {@code retry} of a dead letter.
 */
public final class NotificationHandler {
    private static final Set<String> STATES = Set.of("pending", "grouped", "delivered", "dead", "suppressed");
    private final NotificationQueries queries;
    private final Runnable wake;
    private final Clock clock;

    /** @param wake called after a retry (wakes the senders) */
    public NotificationHandler(NotificationQueries queries, Runnable wake, Clock clock) {
        this.queries = queries;
        this.wake = wake;
        this.clock = clock;
    }

    /** A notification as listed. */
    @Schema(name = "Notification")
    public record NotificationView(
            String id, String channelId,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "absent for a grouped notification") String incidentId,
            @Schema(description = "opened, resolved, regional, degraded, flapping, reminder, agent_not_reporting, config_error") String event,
            @Schema(allowableValues = {"pending", "grouped", "delivered", "dead", "suppressed"}, description = "pending: to be sent "
                    + "(again); grouped: held for a grouped notification; delivered; dead: given up (dead letter); suppressed: cancelled "
                    + "before it was sent") String state,
            int attempts, Instant createdAt, Instant nextAttemptAt,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) Instant deliveredAt,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) String lastError,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "the grouped notification it went out in") String groupId,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "its one-line summary") String summary,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, types = "object",
                    description = "the message (GET of one notification only)") JsonNode message,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "delivery attempts, oldest first (one notification only)")
            List<AttemptView> deliveryAttempts) {
        static NotificationView of(NotificationQueries.Listed n) {
            return of(n, null, null);
        }

        static NotificationView of(NotificationQueries.Listed n, JsonNode message, List<AttemptView> attempts) {
            return new NotificationView(n.id().toString(), n.channelId().toString(), n.incidentId() == null ? null : n.incidentId().toString(),
                    n.event(), n.state(), n.attempts(), n.createdAt(), n.nextAttemptAt(), n.deliveredAt(), n.lastError(),
                    n.groupId() == null ? null : n.groupId().toString(), n.summary(), message, attempts);
        }
    }

    /** One delivery attempt: what the receiver answered. */
    @Schema(name = "DeliveryAttempt")
    public record AttemptView(int attempt, Instant at, @Schema(allowableValues = {"delivered", "failed", "rejected"}) String outcome,
                              @Schema(description = "HTTP (or SMTP) status; 0 when none was read") int httpStatus,
                              @Schema(description = "the start of the receiver's answer") String response, String error, int durationMs) {
    }

    @ApiRoute(method = "GET", path = "/api/v1/notifications")
    @Operation(summary = "List notifications", description = "The outbox, newest first; state=dead lists the dead letters.")
    @PagedResponse(value = NotificationView.class, itemExample = ApiExamples.NOTIFICATION)
    @Parameter(name = "state", description = "pending, grouped, delivered, dead or suppressed", example = "dead",
            schema = @Schema(types = "string"))
    @Parameter(name = "channel_id", description = "only this alert channel's", schema = @Schema(types = "string"),
            example = "0190f1d2-2b3c-7d4e-9f5a-6b7c8d9e0f1a")
    @Parameter(name = "incident_id", description = "only this incident's", schema = @Schema(types = "string"), example = ApiExamples.INCIDENT_ID)
    @Parameter(name = "event", description = "only this event", schema = @Schema(types = "string"), example = "opened")
    @ApiResponse(responseCode = "400", description = "INVALID_PARAMETER: a filter, limit or cursor is not valid")
    private void list(RoutingContext ctx) {
        int limit = Paging.limit(ctx);
        UUID before = Ids.parameter(Paging.decode(ctx), "cursor");
        String state = ctx.request().getParam("state");
        if (state != null && !STATES.contains(state)) {
            throw ApiException.badParameter("state", "state must be one of pending, grouped, delivered, dead, suppressed");
        }
        String event = ctx.request().getParam("event");
        if (event != null) {
            try {
                NotificationEvent.fromWire(event);
            } catch (IllegalArgumentException e) {
                throw ApiException.badParameter("event", "event is not one of the notification events");
            }
        }
        NotificationQueries.Filter filter = new NotificationQueries.Filter(state, Ids.parameter(ctx.request().getParam("channel_id"), "channel_id"),
                Ids.parameter(ctx.request().getParam("incident_id"), "incident_id"), event);
        queries.list(ApiServer.org(ctx), filter, before, limit)
                .onSuccess(found -> Paging.respond(ctx, found, limit, NotificationView::of, n -> n.id().toString()))
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "GET", path = "/api/v1/notifications/{id}")
    @Operation(summary = "Read a notification", description = "With its message and every delivery attempt.")
    @Parameter(name = "id", description = "the notification's id (also its webhook-id)", example = "0190f1d3-3c4d-7e5f-8a6b-7c8d9e0f1a2b")
    @ApiResponse(responseCode = "200", description = "the notification",
            content = @Content(schema = @Schema(implementation = NotificationView.class), examples = @ExampleObject(ApiExamples.NOTIFICATION)))
    @ApiResponse(responseCode = "404", description = "NOTIFICATION_NOT_FOUND: the org has no notification with this id")
    private void get(RoutingContext ctx) {
        OrgId org = ApiServer.org(ctx);
        UUID id = id(ctx);
        queries.get(org, id).compose(found -> found.isEmpty() ? Future.failedFuture(notFound(id.toString()))
                        : Future.all(queries.payload(org, id), queries.attempts(org, id)).map(all -> {
                            String payload = all.<java.util.Optional<String>>resultAt(0).orElse("{}");
                            List<AttemptView> attempts = all.<List<NotificationQueries.Attempt>>resultAt(1).stream()
                                    .map(a -> new AttemptView(a.attempt(), a.at(), a.outcome(), a.httpStatus(), a.response(), a.error(),
                                            a.durationMs())).toList();
                            return NotificationView.of(found.get(), tree(payload), attempts);
                        }))
                .onSuccess(view -> Responses.json(ctx, 200, view))
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "POST", path = "/api/v1/notifications/{id}/retry", role = Role.EDITOR)
    @Operation(summary = "Send a dead letter again", description = "A dead notification goes back to pending, due now, with a fresh "
            + "dead-letter window; its webhook-id stays the same. No body.")
    @Parameter(name = "id", description = "the notification's id", example = "0190f1d3-3c4d-7e5f-8a6b-7c8d9e0f1a2b")
    @ApiResponse(responseCode = "200", description = "the notification, pending again",
            content = @Content(schema = @Schema(implementation = NotificationView.class), examples = @ExampleObject(ApiExamples.NOTIFICATION)))
    @ApiResponse(responseCode = "404", description = "NOTIFICATION_NOT_FOUND: the org has no notification with this id")
    @ApiResponse(responseCode = "409", description = "NOTIFICATION_NOT_DEAD: only a dead notification can be sent again")
    private void retry(RoutingContext ctx) {
        OrgId org = ApiServer.org(ctx);
        UUID id = id(ctx);
        queries.get(org, id).compose(found -> {
            if (found.isEmpty()) {
                return Future.failedFuture(notFound(id.toString()));
            }
            return queries.retry(org, id, clock.instant()).compose(retried -> retried ? queries.get(org, id).map(again -> again.orElseThrow())
                    : Future.failedFuture(new ApiException(409, "NOTIFICATION_NOT_DEAD", "notification " + id + " is "
                    + found.get().state() + ", not dead", Map.of("state", found.get().state()))));
        }).onSuccess(again -> {
            wake.run();
            Responses.json(ctx, 200, NotificationView.of(again));
        }).onFailure(ctx::fail);
    }

    private static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Json.MAPPER.createObjectNode();
        }
    }

    private static UUID id(RoutingContext ctx) {
        return Ids.path(ctx, NotificationHandler::notFound);
    }

    private static ApiException notFound(String id) {
        return Ids.notFound("NOTIFICATION_NOT_FOUND", "notification", id);
    }
}
