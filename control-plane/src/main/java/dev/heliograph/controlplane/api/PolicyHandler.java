package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.alerting.NotificationEvent;
import dev.heliograph.controlplane.alerting.NotificationPolicy;
import dev.heliograph.controlplane.alerting.PgPolicyStore;
import dev.heliograph.controlplane.alerting.RoutingCatalog;
import dev.heliograph.domain.FieldError;
import dev.heliograph.domain.OrgId;
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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code /api/v1/notification-policies}: which events go to which alert channels, by event, severity,
 * tag and region, with a reminder interval. Every write reloads the routing catalog, so the next
 * event is routed by it.
 */
public final class PolicyHandler {
    private final PgPolicyStore store;
    private final RoutingCatalog routing;

    public PolicyHandler(PgPolicyStore store, RoutingCatalog routing) {
        this.store = store;
        this.routing = routing;
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

    /** The validated draft of the body; channels must be ids of the org's channels. Fails with 422 listing every problem. */
    private Future<PgPolicyStore.Draft> draft(RoutingContext ctx, OrgId org) {
        var body = JsonBody.tree(ctx);
        if (!body.isObject()) {
            throw new ApiException(400, "MALFORMED_JSON", "request body must be a JSON object");
        }
        PolicyRequest request = JsonBody.bind(body, PolicyRequest.class, "");
        List<UUID> named = request.channels() == null ? List.of() : request.channels().stream().map(PolicyHandler::uuid)
                .filter(Objects::nonNull).toList();
        return store.channelsOf(org, named).compose(found -> {
            PolicyRequest.Validated validated = request.validate(new PolicyRequest.ChannelRefs() {
                @Override
                public UUID resolve(String ref) {
                    UUID id = uuid(ref);
                    return found.contains(id) ? id : null;
                }

                @Override
                public FieldError unknown(String path, String ref) {
                    return uuid(ref) == null ? new FieldError(path, FieldError.INVALID_FORMAT, "channel must be an alert channel's id")
                            : new FieldError(path, PolicyRequest.UNKNOWN_CHANNEL, "no alert channel " + ref + " in the org");
                }
            });
            return validated.errors().isEmpty() ? Future.succeededFuture(validated.draft())
                    : Future.failedFuture(ApiException.validation(validated.errors()));
        });
    }

    /** {@code text} as a UUID, or {@code null} when it is none. */
    private static UUID uuid(String text) {
        try {
            return text == null ? null : UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
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

    static Throwable conflict(Throwable error) {
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
