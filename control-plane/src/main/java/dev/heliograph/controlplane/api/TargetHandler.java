package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.registry.TargetRegistry;
import dev.heliograph.controlplane.storage.postgres.PgTargetStore;
import dev.heliograph.controlplane.storage.postgres.TargetFilter;
import dev.heliograph.controlplane.storage.postgres.TargetKeyTakenException;
import dev.heliograph.controlplane.storage.postgres.TargetNameTakenException;
import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetDraft;
import dev.heliograph.domain.TargetId;
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
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@code /api/v1/targets}: create, read, replace, delete and list targets. Every write is reported
 * to the {@link TargetRegistry}, so the scheduler follows without a restart. Answers show secret
 * fields masked ({@link TargetView}); a replace that sends {@code "***"} keeps a stored secret.
 */
public final class TargetHandler {
    private final PgTargetStore store;
    private final TargetRegistry registry;
    private final RegionId defaultRegion;
    private final Supplier<AddressGuard> guard;
    private final Predicate<RegionId> regionExists;

    /**
     * @param guard        the SSRF guard in force now (its allow-list can change at a reload)
     * @param regionExists whether a region a target names exists
     */
    public TargetHandler(PgTargetStore store, TargetRegistry registry, RegionId defaultRegion, Supplier<AddressGuard> guard,
                         Predicate<RegionId> regionExists) {
        this.store = store;
        this.registry = registry;
        this.defaultRegion = defaultRegion;
        this.guard = guard;
        this.regionExists = regionExists;
    }


    /**
     * {@code POST /api/v1/targets}: creates a target from a {@link TargetRequest} body; 201 with the
     * target ({@link TargetView}) and {@code Location}. Honours {@code Idempotency-Key}
     * ({@link Idempotency}): a retry with the same key and body gets the same answer and creates
     * nothing more.
     */
    @ApiRoute(method = "POST", path = "/api/v1/targets", role = Role.EDITOR, idempotent = true)
    @Operation(summary = "Create a target",
            description = "Stores the target; its checks start at once. Absent fields take defaults: interval_s 60, timeout_ms "
                    + "the smaller of 10000 and half the interval, regions the control plane's own, no tags, enabled. Secret "
                    + "fields (Authorization headers, basic_auth.password, fields sent as {\"value\": ..., \"secret\": true}) "
                    + "are stored encrypted and answered as ***.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = TargetRequest.class),
            examples = @ExampleObject(ApiExamples.TARGET_REQUEST)))
    @ApiResponse(responseCode = "201", description = "the stored target",
            content = @Content(schema = @Schema(implementation = TargetView.class),
                    examples = @ExampleObject(ApiExamples.TARGET)),
            headers = @Header(name = "Location", description = "/api/v1/targets/{id}", schema = @Schema(types = "string")))
    @ApiResponse(responseCode = "409", description = "TARGET_NAME_TAKEN: another target of the org has this name")
    @ApiResponse(responseCode = "422",
            description = "VALIDATION_FAILED: every invalid field is listed in details.fields (field, code, message)")
    private void create(RoutingContext ctx) {
        TargetDraft draft = request(ctx).toDraft(defaultRegion, guard.get(), regionExists, null, store.canStoreSecrets());
        requireParent(store, ApiServer.org(ctx), draft)
                .compose(checked -> store.create(ApiServer.org(ctx), checked))
                .onSuccess(target -> {
                    registry.changed(target);
                    ctx.response().putHeader("location", "/api/v1/targets/" + target.id());
                    Responses.json(ctx, 201, TargetView.of(target));
                })
                .onFailure(error -> fail(ctx, error));
    }

    @ApiRoute(method = "GET", path = "/api/v1/targets/{id}")
    @Operation(summary = "Read a target")
    @Parameter(name = "id", description = "the target's id", example = ApiExamples.TARGET_ID)
    @ApiResponse(responseCode = "200", description = "the target, secrets masked",
            content = @Content(schema = @Schema(implementation = TargetView.class),
                    examples = @ExampleObject(ApiExamples.TARGET)))
    @ApiResponse(responseCode = "404", description = "TARGET_NOT_FOUND: the org has no target with this id")
    private void get(RoutingContext ctx) {
        TargetId id = targetId(ctx);
        store.get(ApiServer.org(ctx), id).onComplete(found -> answer(ctx, id, found));
    }

    @ApiRoute(method = "PUT", path = "/api/v1/targets/{id}", role = Role.EDITOR)
    @Operation(summary = "Replace a target's settings",
            description = "Same body as create; version grows by one. *** in a secret field keeps the stored secret, unless "
                    + "spec.url now names another origin.")
    @Parameter(name = "id", description = "the target's id", example = ApiExamples.TARGET_ID)
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = TargetRequest.class),
            examples = @ExampleObject(ApiExamples.TARGET_REQUEST)))
    @ApiResponse(responseCode = "200", description = "the target as stored now",
            content = @Content(schema = @Schema(implementation = TargetView.class),
                    examples = @ExampleObject(ApiExamples.TARGET)))
    @ApiResponse(responseCode = "404", description = "TARGET_NOT_FOUND: the org has no target with this id")
    @ApiResponse(responseCode = "409", description = "TARGET_NAME_TAKEN: another target of the org has this name")
    @ApiResponse(responseCode = "422",
            description = "VALIDATION_FAILED: every invalid field is listed in details.fields; SECRET_NOT_SET where *** has no "
                    + "stored secret to keep")
    private void replace(RoutingContext ctx) {
        TargetId id = targetId(ctx);
        TargetRequest request = request(ctx);
        OrgId org = ApiServer.org(ctx);
        // Read first: "***" in a secret field keeps the stored value.
        store.get(org, id)
                .map(stored -> request.toDraft(defaultRegion, guard.get(), regionExists,
                        stored.map(Target::spec).orElse(null), store.canStoreSecrets()))
                .compose(draft -> requireParent(store, org, draft))
                .compose(draft -> store.update(org, id, draft))
                .onComplete(updated -> {
                    if (updated.succeeded()) {
                        updated.result().ifPresent(registry::changed);
                    }
                    answer(ctx, id, updated);
                });
    }

    @ApiRoute(method = "DELETE", path = "/api/v1/targets/{id}", role = Role.EDITOR)
    @Operation(summary = "Delete a target", description = "Its checks stop at once.")
    @Parameter(name = "id", description = "the target's id", example = ApiExamples.TARGET_ID)
    @ApiResponse(responseCode = "204", description = "deleted")
    @ApiResponse(responseCode = "404", description = "TARGET_NOT_FOUND: the org has no target with this id")
    private void delete(RoutingContext ctx) {
        TargetId id = targetId(ctx);
        store.delete(ApiServer.org(ctx), id)
                .onSuccess(existed -> {
                    if (!existed) {
                        ctx.fail(ApiException.targetNotFound(id.toString()));
                        return;
                    }
                    registry.removed(id);
                    ctx.response().setStatusCode(204).end();
                })
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "GET", path = "/api/v1/targets")
    @Operation(summary = "List targets",
            description = "Ordered by id (oldest first), filtered by tag, kind, enabled and a name fragment.")
    @PagedResponse(value = TargetView.class, itemExample = ApiExamples.TARGET)
    @Parameter(name = "tag", description = "only targets with this tag", example = "prod", schema = @Schema(types = "string"))
    @Parameter(name = "kind", description = "only targets of this kind", example = "http",
            schema = @Schema(types = "string", allowableValues = {"http", "tcp"}))
    @Parameter(name = "enabled", description = "only enabled (true) or paused (false) targets", example = "true",
            schema = @Schema(types = "boolean"))
    @Parameter(name = "q", description = "only targets whose name contains this text, ignoring case", example = "health",
            schema = @Schema(types = "string"))
    @ApiResponse(responseCode = "400",
            description = "INVALID_PARAMETER: limit, cursor, kind or enabled is not valid (details.field names it)")
    private void list(RoutingContext ctx) {
        int limit = Paging.limit(ctx);
        String cursor = Paging.decode(ctx);
        TargetId after;
        try {
            after = cursor == null ? null : TargetId.parse(cursor);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter("cursor", "cursor is not valid; pass next_cursor back unchanged");
        }
        store.list(ApiServer.org(ctx), filter(ctx), after, limit)
                .onSuccess(page -> Responses.page(ctx, page.items().stream().map(TargetView::of).toList(),
                        page.next() == null ? null : Paging.encode(page.next().toString())))
                .onFailure(ctx::fail);
    }

    private static TargetFilter filter(RoutingContext ctx) {
        String kind = ctx.request().getParam("kind");
        String enabled = ctx.request().getParam("enabled");
        CheckKind checkKind = null;
        if (kind != null) {
            try {
                checkKind = CheckKind.fromWire(kind);
            } catch (IllegalArgumentException e) {
                throw ApiException.badParameter("kind", "kind must be http or tcp");
            }
        }
        if (enabled != null && !enabled.equals("true") && !enabled.equals("false")) {
            throw ApiException.badParameter("enabled", "enabled must be true or false");
        }
        String query = ctx.request().getParam("q");
        return new TargetFilter(ctx.request().getParam("tag"), checkKind,
                enabled == null ? null : Boolean.valueOf(enabled), query == null || query.isBlank() ? null : query);
    }

    private static TargetRequest request(RoutingContext ctx) {
        JsonNode body = JsonBody.tree(ctx);
        if (!body.isObject()) {
            throw new ApiException(400, "MALFORMED_JSON", "request body must be a JSON object");
        }
        return JsonBody.bind(body, TargetRequest.class, "");
    }

    static TargetId targetId(RoutingContext ctx) {
        String text = ctx.pathParam("id");
        try {
            return TargetId.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.targetNotFound(text);
        }
    }

    private static void answer(RoutingContext ctx, TargetId id, io.vertx.core.AsyncResult<Optional<Target>> found) {
        if (found.failed()) {
            fail(ctx, found.cause());
        } else if (found.result().isEmpty()) {
            ctx.fail(ApiException.targetNotFound(id.toString()));
        } else {
            Responses.json(ctx, 200, TargetView.of(found.result().get()));
        }
    }

    private static void fail(RoutingContext ctx, Throwable error) {
        ctx.fail(conflict(error));
    }

    /** 409 {@code TARGET_NAME_TAKEN} or {@code TARGET_KEY_TAKEN} for a duplicate name or key; other errors unchanged. */
    static Throwable conflict(Throwable error) {
        if (error instanceof TargetNameTakenException taken) {
            return new ApiException(409, "TARGET_NAME_TAKEN", taken.getMessage(), Map.of("field", "name"));
        }
        if (error instanceof TargetKeyTakenException taken) {
            return new ApiException(409, "TARGET_KEY_TAKEN", taken.getMessage(), Map.of("field", "key"));
        }
        return error;
    }

    /**
     * {@code draft}, or a failed future with 422 {@code VALIDATION_FAILED} ({@code incident_rules.parent},
     * {@code UNKNOWN_TARGET}) when it names a parent that is not the key of a target of {@code org}.
     */
    static Future<TargetDraft> requireParent(PgTargetStore store, OrgId org, TargetDraft draft) {
        String parent = draft.rules().parent();
        if (parent == null) {
            return Future.succeededFuture(draft);
        }
        return store.idsByKey(org, java.util.List.of(parent)).compose(found -> found.containsKey(parent)
                ? Future.succeededFuture(draft)
                : Future.failedFuture(TargetRequest.validationFailed(java.util.List.of(new dev.heliograph.domain.FieldError(
                        "incident_rules.parent", dev.heliograph.domain.FieldError.UNKNOWN_TARGET,
                        "parent '" + parent + "' is not the key of a target of the org")))));
    }

    /** The target {@code id} of the caller's org, or a failed future with 404 {@code TARGET_NOT_FOUND}. */
    static Future<Target> require(PgTargetStore store, RoutingContext ctx, TargetId id) {
        return store.get(ApiServer.org(ctx), id)
                .compose(found -> found.map(Future::succeededFuture)
                        .orElseGet(() -> Future.failedFuture(ApiException.targetNotFound(id.toString()))));
    }
}
