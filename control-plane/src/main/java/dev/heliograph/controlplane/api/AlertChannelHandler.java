package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.ChannelSender;
import dev.heliograph.controlplane.alerting.NotificationEvent;
import dev.heliograph.controlplane.alerting.NotificationMessage;
import dev.heliograph.controlplane.storage.postgres.AlertChannelStore;
import dev.heliograph.controlplane.storage.postgres.AlertChannelTakenException;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.Uuid7;
import dev.heliograph.probe.net.AddressGuard;
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
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code /api/v1/alert-channels}: create, read, replace, delete and list the org's alert channels,
 * and send a channel a test notification. Answers show secret values as {@code "***"}
 * ({@link AlertChannelView}); a replace that sends {@code "***"} keeps a stored secret. Editors write
 * and test, viewers read; another org's channel answers 404 like a missing one.
 */
public final class AlertChannelHandler {
    private final AlertChannelStore store;
    private final ChannelSender sender;
    private final Supplier<AddressGuard> guard;
    private final Clock clock;
    private final Runnable changed;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param sender sends test notifications (the senders of every kind)
     * @param guard  the SSRF guard in force now (its allow-list can change at a reload)
     * @param clock  the wall clock of test notifications
     */
    public AlertChannelHandler(AlertChannelStore store, ChannelSender sender, Supplier<AddressGuard> guard, Clock clock) {
        this(store, sender, guard, clock, () -> { });
    }

    /** @param changed called after every create, replace and delete (notification routing follows the channels) */
    public AlertChannelHandler(AlertChannelStore store, ChannelSender sender, Supplier<AddressGuard> guard, Clock clock, Runnable changed) {
        this.store = store;
        this.sender = sender;
        this.guard = guard;
        this.clock = clock;
        this.changed = changed;
    }

    @ApiRoute(method = "POST", path = "/api/v1/alert-channels", role = Role.EDITOR)
    @Operation(summary = "Create an alert channel",
            description = "Stores the channel. Secret settings are stored encrypted and answered as ***. A webhook created "
                    + "without settings.secret gets a generated one (whsec_ + base64 of 32 random bytes), shown in this answer "
                    + "only: store it to verify signatures. Not idempotent by Idempotency-Key, since the answer may hold that "
                    + "secret.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = AlertChannelRequest.class),
            examples = @ExampleObject(ApiExamples.ALERT_CHANNEL_REQUEST)))
    @ApiResponse(responseCode = "201", description = "the stored channel; a generated webhook secret in clear, this once",
            content = @Content(schema = @Schema(implementation = AlertChannelView.class),
                    examples = @ExampleObject(ApiExamples.ALERT_CHANNEL_CREATED)),
            headers = @Header(name = "Location", description = "/api/v1/alert-channels/{id}", schema = @Schema(types = "string")))
    @ApiResponse(responseCode = "400",
            description = "MALFORMED_JSON, UNKNOWN_FIELD or INVALID_FIELD_TYPE: the body or its settings do not parse")
    @ApiResponse(responseCode = "409",
            description = "ALERT_CHANNEL_NAME_TAKEN or ALERT_CHANNEL_KEY_TAKEN: another channel of the org has this name or key")
    @ApiResponse(responseCode = "422", description = "VALIDATION_FAILED: every invalid field is listed in details.fields "
            + "(BLOCKED_ADDRESS for an address the SSRF guard refuses, SECRET_KEY_MISSING without secret.key)")
    private void create(RoutingContext ctx) {
        AlertChannelRequest.Validated validated = request(ctx).validate(null, guard.get(), store.canStoreSecrets(), random);
        store.create(ApiServer.org(ctx), validated.draft())
                .onSuccess(channel -> {
                    changed.run();
                    ctx.response().putHeader("location", "/api/v1/alert-channels/" + channel.id());
                    Responses.json(ctx, 201, AlertChannelView.of(channel, validated.generatedSecret()));
                })
                .onFailure(error -> ctx.fail(conflict(error)));
    }

    @ApiRoute(method = "GET", path = "/api/v1/alert-channels/{id}")
    @Operation(summary = "Read an alert channel")
    @Parameter(name = "id", description = "the channel's id", example = ApiExamples.ALERT_CHANNEL_ID)
    @ApiResponse(responseCode = "200", description = "the channel, secrets masked",
            content = @Content(schema = @Schema(implementation = AlertChannelView.class),
                    examples = @ExampleObject(ApiExamples.ALERT_CHANNEL)))
    @ApiResponse(responseCode = "404", description = "ALERT_CHANNEL_NOT_FOUND: the org has no channel with this id")
    private void get(RoutingContext ctx) {
        require(ctx).onSuccess(channel -> Responses.json(ctx, 200, AlertChannelView.of(channel))).onFailure(ctx::fail);
    }

    @ApiRoute(method = "PUT", path = "/api/v1/alert-channels/{id}", role = Role.EDITOR)
    @Operation(summary = "Replace an alert channel's settings",
            description = "Same body as create; version grows by one. *** in a secret field keeps the stored secret while the "
                    + "channel still sends to the same place (scheme, host and port; for email host and port); a webhook's "
                    + "secret is kept when left out, or replaced by a new whsec_ value.")
    @Parameter(name = "id", description = "the channel's id", example = ApiExamples.ALERT_CHANNEL_ID)
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = AlertChannelRequest.class),
            examples = @ExampleObject(ApiExamples.ALERT_CHANNEL_REQUEST)))
    @ApiResponse(responseCode = "200", description = "the channel as stored now, secrets masked",
            content = @Content(schema = @Schema(implementation = AlertChannelView.class),
                    examples = @ExampleObject(ApiExamples.ALERT_CHANNEL)))
    @ApiResponse(responseCode = "400",
            description = "MALFORMED_JSON, UNKNOWN_FIELD or INVALID_FIELD_TYPE: the body or its settings do not parse")
    @ApiResponse(responseCode = "404", description = "ALERT_CHANNEL_NOT_FOUND: the org has no channel with this id")
    @ApiResponse(responseCode = "409",
            description = "ALERT_CHANNEL_NAME_TAKEN or ALERT_CHANNEL_KEY_TAKEN: another channel of the org has this name or key")
    @ApiResponse(responseCode = "422", description = "VALIDATION_FAILED: every invalid field is listed in details.fields; "
            + "SECRET_NOT_SET where *** has no stored secret to keep")
    private void replace(RoutingContext ctx) {
        AlertChannelRequest request = request(ctx);
        OrgId org = ApiServer.org(ctx);
        require(ctx)
                .map(stored -> request.validate(stored.settings(), guard.get(), store.canStoreSecrets(), random))
                .compose(validated -> store.update(org, id(ctx), validated.draft()))
                .onSuccess(updated -> updated.ifPresentOrElse(channel -> {
                            changed.run();
                            Responses.json(ctx, 200, AlertChannelView.of(channel));
                        },
                        () -> ctx.fail(notFound(ctx.pathParam("id")))))
                .onFailure(error -> ctx.fail(conflict(error)));
    }

    @ApiRoute(method = "DELETE", path = "/api/v1/alert-channels/{id}", role = Role.EDITOR)
    @Operation(summary = "Delete an alert channel", description = "Its pending notifications are deleted with it.")
    @Parameter(name = "id", description = "the channel's id", example = ApiExamples.ALERT_CHANNEL_ID)
    @ApiResponse(responseCode = "204", description = "deleted")
    @ApiResponse(responseCode = "404", description = "ALERT_CHANNEL_NOT_FOUND: the org has no channel with this id")
    @ApiResponse(responseCode = "409", description = "ALERT_CHANNEL_IN_USE: notification policies (details.policies, their keys) "
            + "route to it; remove it from them first")
    private void delete(RoutingContext ctx) {
        store.delete(ApiServer.org(ctx), id(ctx))
                .onSuccess(existed -> {
                    if (existed) {
                        changed.run();
                        ctx.response().setStatusCode(204).end();
                    } else {
                        ctx.fail(notFound(ctx.pathParam("id")));
                    }
                })
                .onFailure(error -> ctx.fail(error instanceof AlertChannelStore.AlertChannelInUseException inUse
                        ? new ApiException(409, "ALERT_CHANNEL_IN_USE", inUse.getMessage(), Map.of("policies", inUse.policies()))
                        : error));
    }

    @ApiRoute(method = "GET", path = "/api/v1/alert-channels")
    @Operation(summary = "List alert channels", description = "Ordered by id (oldest first), secrets masked.")
    @PagedResponse(value = AlertChannelView.class, itemExample = ApiExamples.ALERT_CHANNEL)
    private void list(RoutingContext ctx) {
        int limit = Paging.limit(ctx);
        String cursor = Paging.decode(ctx);
        UUID after;
        try {
            after = cursor == null ? null : UUID.fromString(cursor);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter("cursor", "cursor is not valid; pass next_cursor back unchanged");
        }
        store.list(ApiServer.org(ctx), after, limit)
                .onSuccess(page -> Responses.page(ctx, page.items().stream().map(AlertChannelView::of).toList(),
                        page.next() == null ? null : Paging.encode(page.next().toString())))
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "POST", path = "/api/v1/alert-channels/{id}/test", role = Role.EDITOR)
    @Operation(summary = "Send an alert channel a test notification",
            description = "Sends a test notification (event test, no incident) to the channel now, once, past the outbox, its "
                    + "retries and its rate limit, even when the channel is disabled, and answers what the receiver answered. "
                    + "A failed delivery is a 200 answer with delivered false. No body.")
    @Parameter(name = "id", description = "the channel's id", example = ApiExamples.ALERT_CHANNEL_ID)
    @ApiResponse(responseCode = "200", description = "what the receiver answered",
            content = @Content(schema = @Schema(implementation = AlertChannelTestView.class),
                    examples = @ExampleObject(ApiExamples.ALERT_CHANNEL_TEST)))
    @ApiResponse(responseCode = "404", description = "ALERT_CHANNEL_NOT_FOUND: the org has no channel with this id")
    private void test(RoutingContext ctx) {
        require(ctx)
                .compose(channel -> sender.send(channel, testMessage(channel)))
                .onSuccess(result -> Responses.json(ctx, 200, AlertChannelTestView.of(result)))
                .onFailure(ctx::fail);
    }

    /** A test notification for {@code channel}: a fresh id, no incident. */
    private NotificationMessage testMessage(AlertChannel channel) {
        return new NotificationMessage(Uuid7.next(), NotificationEvent.TEST, clock.instant(), channel.orgId().value(),
                "Heliograph test notification for alert channel " + channel.name(), null, null);
    }

    private static AlertChannelRequest request(RoutingContext ctx) {
        JsonNode body = JsonBody.tree(ctx);
        if (!body.isObject()) {
            throw new ApiException(400, "MALFORMED_JSON", "request body must be a JSON object");
        }
        return JsonBody.bind(body, AlertChannelRequest.class, "");
    }

    /** The channel of the path's id in the caller's org, or a failed future with 404. */
    private Future<AlertChannel> require(RoutingContext ctx) {
        return store.get(ApiServer.org(ctx), id(ctx)).compose(found -> found.map(Future::succeededFuture)
                .orElseGet(() -> Future.failedFuture(notFound(ctx.pathParam("id")))));
    }

    private static UUID id(RoutingContext ctx) {
        return Ids.path(ctx, AlertChannelHandler::notFound);
    }

    private static ApiException notFound(String id) {
        return Ids.notFound("ALERT_CHANNEL_NOT_FOUND", "alert channel", id);
    }

    /** 409 for a duplicate key or name; other errors unchanged. */
    static Throwable conflict(Throwable error) {
        if (error instanceof AlertChannelTakenException taken) {
            return new ApiException(409, "ALERT_CHANNEL_" + taken.field().toUpperCase(java.util.Locale.ROOT) + "_TAKEN",
                    taken.getMessage(), Map.of("field", taken.field()));
        }
        return error;
    }
}
