package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.alerting.NotificationEvent;
import dev.heliograph.controlplane.alerting.NotificationPolicy;
import dev.heliograph.controlplane.alerting.PgPolicyStore;
import dev.heliograph.controlplane.alerting.RoutingCatalog;
import dev.heliograph.domain.FieldError;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.TargetDraft;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /api/v1/notification-policies}: which events go to which alert channels, by event, severity,
 * tag and region, with a reminder interval. Every write reloads the routing catalog, so the next
 * event is routed by it.
 */
public final class PolicyHandler {
    /** Shortest reminder interval, s. */
    static final int MIN_REMINDER_S = 60;
    /** Longest reminder interval, s (a week). */
    static final int MAX_REMINDER_S = 7 * 86_400;

    private final PgPolicyStore store;
    private final RoutingCatalog routing;

    public PolicyHandler(PgPolicyStore store, RoutingCatalog routing) {
        this.store = store;
        this.routing = routing;
    }

    /** The body of create and replace. */
    @Schema(name = "NotificationPolicyRequest", description = "Which events go to which channels.")
    public record PolicyRequest(
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "stable name for tools, 1..128 of [A-Za-z0-9_.:/-], "
                    + "unique within the org; default the id's text (create) or the stored key (replace)") String key,
            @Schema(description = "1..200 characters, unique within the org") String name,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "events routed: opened, resolved, regional, degraded, "
                    + "flapping, reminder, agent_not_reporting, config_error; default opened, resolved, reminder, flapping, "
                    + "agent_not_reporting, config_error") List<String> events,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "critical and/or warning; default critical "
                    + "(down, config_error, agent_not_reporting; regional and degraded are warnings)") List<String> severities,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "only targets with one of these tags; default any")
            List<String> tags,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "only incidents with one of these regions down (or "
                    + "an agent of one of them); default any") List<String> regions,
            @Schema(description = "alert channel ids of the org, 1..20") List<String> channels,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "remind of an open, unacknowledged incident this "
                    + "often, s: 0 (never, the default) or 60..604800") Integer reminderIntervalS,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "default true") Boolean enabled) {
    }

    /** A policy as answered. */
    @Schema(name = "NotificationPolicy")
    public record PolicyView(String id, String key, String name, List<String> events, List<String> severities, List<String> tags,
                             List<String> regions, List<String> channels, int reminderIntervalS, boolean enabled, Instant createdAt,
                             Instant updatedAt, long version) {
        static PolicyView of(NotificationPolicy p) {
            return new PolicyView(p.id().toString(), p.key(), p.name(), p.events().stream().map(NotificationEvent::wire).sorted().toList(),
                    p.severities().stream().sorted().toList(), p.tags().stream().sorted().toList(), p.regions().stream().sorted().toList(),
                    p.channels().stream().map(UUID::toString).toList(), p.reminderIntervalS(), p.enabled(), p.createdAt(), p.updatedAt(),
                    p.version());
        }
    }

    @ApiRoute(method = "POST", path = "/api/v1/notification-policies", role = Role.EDITOR)
    @Operation(summary = "Create a notification policy")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = PolicyRequest.class),
            examples = @ExampleObject(ApiExamples.POLICY_REQUEST)))
    @ApiResponse(responseCode = "201", description = "the stored policy",
            content = @Content(schema = @Schema(implementation = PolicyView.class), examples = @ExampleObject(ApiExamples.POLICY)),
            headers = @Header(name = "Location", description = "/api/v1/notification-policies/{id}", schema = @Schema(types = "string")))
    @ApiResponse(responseCode = "409", description = "POLICY_KEY_TAKEN or POLICY_NAME_TAKEN: another policy of the org has it")
    @ApiResponse(responseCode = "422", description = "VALIDATION_FAILED: every invalid field in details.fields (UNKNOWN_CHANNEL for a "
            + "channel id that is not the org's)")
    private void create(RoutingContext ctx) {
        OrgId org = ApiServer.org(ctx);
        draft(ctx, org).compose(draft -> store.create(org, draft))
                .onSuccess(policy -> {
                    routing.reload();
                    ctx.response().putHeader("location", "/api/v1/notification-policies/" + policy.id());
                    Responses.json(ctx, 201, PolicyView.of(policy));
                })
                .onFailure(error -> ctx.fail(conflict(error)));
    }

    @ApiRoute(method = "GET", path = "/api/v1/notification-policies")
    @Operation(summary = "List notification policies", description = "In id (creation) order.")
    @PagedResponse(value = PolicyView.class, itemExample = ApiExamples.POLICY)
    @ApiResponse(responseCode = "400", description = "INVALID_PARAMETER: limit or cursor is not valid")
    private void list(RoutingContext ctx) {
        int limit = Paging.limit(ctx);
        UUID after = Ids.parameter(Paging.decode(ctx), "cursor");
        store.list(ApiServer.org(ctx), after, limit)
                .onSuccess(found -> Paging.respond(ctx, found, limit, PolicyView::of, p -> p.id().toString()))
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "GET", path = "/api/v1/notification-policies/{id}")
    @Operation(summary = "Read a notification policy")
    @Parameter(name = "id", description = "the policy's id", example = "0190f1d1-1a2b-7c3d-8e4f-5a6b7c8d9e0f")
    @ApiResponse(responseCode = "200", description = "the policy",
            content = @Content(schema = @Schema(implementation = PolicyView.class), examples = @ExampleObject(ApiExamples.POLICY)))
    @ApiResponse(responseCode = "404", description = "POLICY_NOT_FOUND: the org has no policy with this id")
    private void get(RoutingContext ctx) {
        UUID id = id(ctx);
        store.get(ApiServer.org(ctx), id).onComplete(found -> answer(ctx, id, found.map(p -> p)));
    }

    @ApiRoute(method = "PUT", path = "/api/v1/notification-policies/{id}", role = Role.EDITOR)
    @Operation(summary = "Replace a notification policy", description = "Same body as create; version grows by one.")
    @Parameter(name = "id", description = "the policy's id", example = "0190f1d1-1a2b-7c3d-8e4f-5a6b7c8d9e0f")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = PolicyRequest.class),
            examples = @ExampleObject(ApiExamples.POLICY_REQUEST)))
    @ApiResponse(responseCode = "200", description = "the policy as stored now",
            content = @Content(schema = @Schema(implementation = PolicyView.class), examples = @ExampleObject(ApiExamples.POLICY)))
    @ApiResponse(responseCode = "404", description = "POLICY_NOT_FOUND: the org has no policy with this id")
    @ApiResponse(responseCode = "409", description = "POLICY_KEY_TAKEN or POLICY_NAME_TAKEN")
    @ApiResponse(responseCode = "422", description = "VALIDATION_FAILED: every invalid field in details.fields")
    private void replace(RoutingContext ctx) {
        OrgId org = ApiServer.org(ctx);
        UUID id = id(ctx);
        // Existence first: another org's id answers 404 whatever the body holds.
        store.get(org, id).compose(found -> found.isEmpty() ? Future.succeededFuture(Optional.<NotificationPolicy>empty())
                : draft(ctx, org).compose(draft -> store.update(org, id, draft))).onComplete(updated -> {
            if (updated.succeeded()) {
                routing.reload();
            }
            answer(ctx, id, updated);
        });
    }

    @ApiRoute(method = "DELETE", path = "/api/v1/notification-policies/{id}", role = Role.EDITOR)
    @Operation(summary = "Delete a notification policy", description = "Events stop going through it at once.")
    @Parameter(name = "id", description = "the policy's id", example = "0190f1d1-1a2b-7c3d-8e4f-5a6b7c8d9e0f")
    @ApiResponse(responseCode = "204", description = "deleted")
    @ApiResponse(responseCode = "404", description = "POLICY_NOT_FOUND: the org has no policy with this id")
    private void delete(RoutingContext ctx) {
        UUID id = id(ctx);
        store.delete(ApiServer.org(ctx), id).onSuccess(existed -> {
            if (!existed) {
                ctx.fail(notFound(id.toString()));
                return;
            }
            routing.reload();
            ctx.response().setStatusCode(204).end();
        }).onFailure(ctx::fail);
    }

    /** The validated draft of the body; channels must be the org's. Fails with 422 listing every problem. */
    private Future<PgPolicyStore.Draft> draft(RoutingContext ctx, OrgId org) {
        var body = JsonBody.tree(ctx);
        if (!body.isObject()) {
            throw new ApiException(400, "MALFORMED_JSON", "request body must be a JSON object");
        }
        PolicyRequest request = JsonBody.bind(body, PolicyRequest.class, "");
        List<FieldError> errors = new ArrayList<>();
        if (request.key() != null && !TargetDraft.validKey(request.key())) {
            errors.add(new FieldError("key", FieldError.INVALID_FORMAT, "key must be 1-128 characters of letters, digits and _.:/-"));
        }
        if (request.name() == null || request.name().isBlank() || request.name().length() > 200
                || request.name().chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError("name", request.name() == null ? FieldError.REQUIRED : FieldError.INVALID_FORMAT,
                    "name is required: 1..200 characters without control characters"));
        }
        Set<NotificationEvent> events = new LinkedHashSet<>();
        if (request.events() == null) {
            events.addAll(NotificationPolicy.DEFAULT_EVENTS);
        } else {
            for (int i = 0; i < request.events().size(); i++) {
                try {
                    NotificationEvent event = NotificationEvent.fromWire(String.valueOf(request.events().get(i)));
                    if (event == NotificationEvent.TEST) {
                        throw new IllegalArgumentException("test");
                    }
                    events.add(event);
                } catch (IllegalArgumentException e) {
                    errors.add(new FieldError("events[" + i + "]", FieldError.INVALID_FORMAT, "event must be one of opened, resolved, "
                            + "regional, degraded, flapping, reminder, agent_not_reporting, config_error"));
                }
            }
            if (request.events().isEmpty()) {
                errors.add(new FieldError("events", FieldError.REQUIRED, "events must name at least one event"));
            }
        }
        Set<String> severities = new LinkedHashSet<>(request.severities() == null ? NotificationPolicy.DEFAULT_SEVERITIES : request.severities());
        if (severities.isEmpty() || !NotificationPolicy.SEVERITIES.containsAll(severities)) {
            errors.add(new FieldError("severities", FieldError.INVALID_FORMAT, "severities must be critical and/or warning"));
        }
        Set<String> tags = new LinkedHashSet<>(request.tags() == null ? List.of() : request.tags());
        tags.stream().filter(tag -> !TargetDraft.validTag(tag)).findFirst().ifPresent(tag -> errors.add(new FieldError("tags",
                FieldError.INVALID_FORMAT, "tag '" + tag + "' must be 1-64 characters of letters, digits and _.:/=-")));
        Set<String> regions = new LinkedHashSet<>(request.regions() == null ? List.of() : request.regions());
        regions.stream().filter(region -> !RegionId.isValid(region)).findFirst().ifPresent(region -> errors.add(new FieldError("regions",
                FieldError.INVALID_FORMAT, "region '" + region + "' must be 1-63 characters of a-z, 0-9 and '-'")));
        List<UUID> channels = new ArrayList<>();
        if (request.channels() == null || request.channels().isEmpty() || request.channels().size() > 20) {
            errors.add(new FieldError("channels", FieldError.REQUIRED, "channels must name 1..20 alert channels"));
        } else {
            for (int i = 0; i < request.channels().size(); i++) {
                try {
                    UUID channel = UUID.fromString(String.valueOf(request.channels().get(i)));
                    if (!channels.contains(channel)) {
                        channels.add(channel);
                    }
                } catch (IllegalArgumentException e) {
                    errors.add(new FieldError("channels[" + i + "]", FieldError.INVALID_FORMAT, "channel must be an alert channel's id"));
                }
            }
        }
        int reminder = request.reminderIntervalS() == null ? 0 : request.reminderIntervalS();
        if (reminder != 0 && (reminder < MIN_REMINDER_S || reminder > MAX_REMINDER_S)) {
            errors.add(new FieldError("reminder_interval_s", FieldError.OUT_OF_RANGE,
                    "reminder_interval_s must be 0 or between " + MIN_REMINDER_S + " and " + MAX_REMINDER_S));
        }
        return store.channelsOf(org, channels).compose(found -> {
            for (UUID channel : channels) {
                if (!found.contains(channel)) {
                    errors.add(new FieldError("channels", "UNKNOWN_CHANNEL", "no alert channel " + channel + " in the org"));
                }
            }
            if (!errors.isEmpty()) {
                return Future.failedFuture(ApiException.validation(errors));
            }
            return Future.succeededFuture(new PgPolicyStore.Draft(request.key(), request.name(), events, severities, tags, regions, channels,
                    reminder, request.enabled() == null || request.enabled()));
        });
    }

    private static void answer(RoutingContext ctx, UUID id, io.vertx.core.AsyncResult<Optional<NotificationPolicy>> found) {
        if (found.failed()) {
            ctx.fail(conflict(found.cause()));
        } else if (found.result().isEmpty()) {
            ctx.fail(notFound(id.toString()));
        } else {
            Responses.json(ctx, 200, PolicyView.of(found.result().get()));
        }
    }

    private static Throwable conflict(Throwable error) {
        if (error instanceof PgPolicyStore.TakenException taken) {
            return new ApiException(409, taken.field.equals("key") ? "POLICY_KEY_TAKEN" : "POLICY_NAME_TAKEN", taken.getMessage(),
                    Map.of("field", taken.field));
        }
        return error;
    }

    private static UUID id(RoutingContext ctx) {
        return Ids.path(ctx, PolicyHandler::notFound);
    }

    private static ApiException notFound(String id) {
        return Ids.notFound("POLICY_NOT_FOUND", "notification policy", id);
    }
}
