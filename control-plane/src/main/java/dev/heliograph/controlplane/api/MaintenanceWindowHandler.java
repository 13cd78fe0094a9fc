package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.maintenance.MaintenanceSchedule;
import dev.heliograph.controlplane.maintenance.MaintenanceWindow;
import dev.heliograph.controlplane.maintenance.MaintenanceWindowId;
import dev.heliograph.controlplane.maintenance.MaintenanceWindowRequest;
import dev.heliograph.controlplane.maintenance.MaintenanceWindowStore;
import dev.heliograph.controlplane.maintenance.WindowTakenException;
import dev.heliograph.domain.FieldError;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.TargetId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/maintenance-windows}: create, read, replace, delete, list and preview maintenance
 * windows of the caller's org (an id of another org answers 404 like an unknown one). Every write
 * reloads the {@link MaintenanceSchedule} before it answers, so a pause stops checks and a mute
 * silences notifications from then on; the schedule tells its listeners. Every window in an answer
 * carries {@code active_now} and its next occurrences ({@link MaintenanceWindowView}).
 */
public final class MaintenanceWindowHandler {
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceWindowHandler.class);
    /** Most occurrences a preview lists. */
    static final int MAX_PREVIEW = 100;

    private final MaintenanceWindowStore store;
    private final MaintenanceSchedule schedule;
    private final Clock clock;

    /** @param clock decides {@code active_now} and which occurrences are next */
    public MaintenanceWindowHandler(MaintenanceWindowStore store, MaintenanceSchedule schedule, Clock clock) {
        this.store = store;
        this.schedule = schedule;
        this.clock = clock;
    }

    /** Answer of {@code POST /api/v1/maintenance-windows:preview}. */
    @Schema(name = "MaintenancePreview")
    public record PreviewView(
            @Schema(description = "whether the window could be stored as sent") boolean valid,
            @Schema(description = "every problem, as details.fields of a 422 would list them") List<ErrorView> errors,
            @Schema(description = "an occurrence would run now (and enabled is not false)") boolean activeNow,
            @Schema(description = "the first count occurrences not ended yet; empty while starts_at, time_zone, duration_s "
                    + "or rrule is invalid") List<MaintenanceWindowView.OccurrenceView> nextOccurrences) {
    }

    /** One problem of a previewed window. */
    @Schema(name = "MaintenanceFieldError")
    public record ErrorView(String field, String code, String message) {
    }

    @ApiRoute(method = "POST", path = "/api/v1/maintenance-windows", role = Role.EDITOR, idempotent = true)
    @Operation(summary = "Create a maintenance window",
            description = "A one-off or recurring (RFC 5545 RRULE) time, in an IANA time zone, when the targets in scope "
                    + "(target_ids, and every target carrying one of tags) are muted (checks run, nothing is notified, the "
                    + "time is left out of uptime) or paused (not checked). It takes effect at once.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = MaintenanceWindowRequest.class),
            examples = @ExampleObject(MaintenanceExamples.WINDOW_REQUEST)))
    @ApiResponse(responseCode = "201", description = "the stored window",
            content = @Content(schema = @Schema(implementation = MaintenanceWindowView.class),
                    examples = @ExampleObject(MaintenanceExamples.WINDOW)),
            headers = @Header(name = "Location", description = "/api/v1/maintenance-windows/{id}", schema = @Schema(types = "string")))
    @ApiResponse(responseCode = "409", description = "MAINTENANCE_WINDOW_NAME_TAKEN or MAINTENANCE_WINDOW_KEY_TAKEN: another "
            + "window of the org has this name or key")
    @ApiResponse(responseCode = "422", description = "VALIDATION_FAILED: every invalid field is listed in details.fields "
            + "(codes such as INVALID_FORMAT, OUT_OF_RANGE, REQUIRED, NO_OCCURRENCE, UNKNOWN_TARGET)")
    private void create(RoutingContext ctx) {
        MaintenanceWindowRequest request = request(ctx);
        OrgId org = ApiServer.org(ctx);
        validated(org, request)
                .compose(validation -> store.create(org, request.key(), validation.settings()))
                .compose(window -> reloaded(window))
                .onSuccess(window -> {
                    ctx.response().putHeader("location", "/api/v1/maintenance-windows/" + window.id());
                    Responses.json(ctx, 201, MaintenanceWindowView.of(window, clock.instant()));
                })
                .onFailure(error -> ctx.fail(conflict(error)));
    }

    @ApiRoute(method = "GET", path = "/api/v1/maintenance-windows/{id}")
    @Operation(summary = "Read a maintenance window")
    @Parameter(name = "id", description = "the window's id", example = MaintenanceExamples.WINDOW_ID)
    @ApiResponse(responseCode = "200", description = "the window with active_now and its next occurrences",
            content = @Content(schema = @Schema(implementation = MaintenanceWindowView.class),
                    examples = @ExampleObject(MaintenanceExamples.WINDOW)))
    @ApiResponse(responseCode = "404", description = "MAINTENANCE_WINDOW_NOT_FOUND: the org has no window with this id")
    private void get(RoutingContext ctx) {
        MaintenanceWindowId id = windowId(ctx);
        store.get(ApiServer.org(ctx), id).onComplete(found -> answer(ctx, id, found));
    }

    @ApiRoute(method = "PUT", path = "/api/v1/maintenance-windows/{id}", role = Role.EDITOR)
    @Operation(summary = "Replace a maintenance window's settings",
            description = "Same body as create; version grows by one. Without key the stored key stays.")
    @Parameter(name = "id", description = "the window's id", example = MaintenanceExamples.WINDOW_ID)
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = MaintenanceWindowRequest.class),
            examples = @ExampleObject(MaintenanceExamples.WINDOW_REQUEST)))
    @ApiResponse(responseCode = "200", description = "the window as stored now",
            content = @Content(schema = @Schema(implementation = MaintenanceWindowView.class),
                    examples = @ExampleObject(MaintenanceExamples.WINDOW)))
    @ApiResponse(responseCode = "404", description = "MAINTENANCE_WINDOW_NOT_FOUND: the org has no window with this id")
    @ApiResponse(responseCode = "409", description = "MAINTENANCE_WINDOW_NAME_TAKEN or MAINTENANCE_WINDOW_KEY_TAKEN: another "
            + "window of the org has this name or key")
    @ApiResponse(responseCode = "422", description = "VALIDATION_FAILED: every invalid field is listed in details.fields")
    private void replace(RoutingContext ctx) {
        MaintenanceWindowId id = windowId(ctx);
        MaintenanceWindowRequest request = request(ctx);
        OrgId org = ApiServer.org(ctx);
        validated(org, request)
                .compose(validation -> store.update(org, id, request.key(), validation.settings()))
                .compose(updated -> updated.isEmpty() ? Future.succeededFuture(updated) : reloaded(updated.get()).map(Optional::of))
                .onComplete(updated -> answer(ctx, id, updated));
    }

    @ApiRoute(method = "DELETE", path = "/api/v1/maintenance-windows/{id}", role = Role.EDITOR)
    @Operation(summary = "Delete a maintenance window",
            description = "Takes effect at once: paused targets are checked again, muted ones notified again.")
    @Parameter(name = "id", description = "the window's id", example = MaintenanceExamples.WINDOW_ID)
    @ApiResponse(responseCode = "204", description = "deleted")
    @ApiResponse(responseCode = "404", description = "MAINTENANCE_WINDOW_NOT_FOUND: the org has no window with this id")
    private void delete(RoutingContext ctx) {
        MaintenanceWindowId id = windowId(ctx);
        store.delete(ApiServer.org(ctx), id)
                .compose(existed -> existed ? reloaded(true) : Future.succeededFuture(false))
                .onSuccess(existed -> {
                    if (existed) {
                        ctx.response().setStatusCode(204).end();
                    } else {
                        ctx.fail(notFound(id.toString()));
                    }
                })
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "GET", path = "/api/v1/maintenance-windows")
    @Operation(summary = "List maintenance windows", description = "The org's windows in id (creation) order, each with "
            + "active_now and its next occurrences.")
    @PagedResponse(value = MaintenanceWindowView.class, itemExample = MaintenanceExamples.WINDOW)
    private void list(RoutingContext ctx) {
        int limit = Paging.limit(ctx);
        String cursor = Paging.decode(ctx);
        MaintenanceWindowId after;
        try {
            after = cursor == null ? null : MaintenanceWindowId.parse(cursor);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter("cursor", "cursor is not valid; pass next_cursor back unchanged");
        }
        store.list(ApiServer.org(ctx), after, limit + 1)
                .onSuccess(windows -> Paging.respond(ctx, windows, limit,
                        window -> MaintenanceWindowView.of(window, clock.instant()), window -> window.id().toString()))
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "POST", path = "/api/v1/maintenance-windows:preview")
    @Operation(summary = "Preview a maintenance window",
            description = "Validates a window body without storing it and lists its next occurrences (from now), so a "
                    + "client can show when a window would run before saving it. Invalid fields are listed in errors "
                    + "(valid is false); the occurrences are listed whenever starts_at, time_zone, duration_s and rrule are "
                    + "valid.")
    @Parameter(name = "count", description = "how many occurrences to list, 1..100 (default 5)", example = "10",
            schema = @Schema(types = "integer"))
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = MaintenanceWindowRequest.class),
            examples = @ExampleObject(MaintenanceExamples.WINDOW_REQUEST)))
    @ApiResponse(responseCode = "200", description = "the validation result and the occurrences",
            content = @Content(schema = @Schema(implementation = PreviewView.class), examples = {
                    @ExampleObject(name = "valid", value = MaintenanceExamples.PREVIEW),
                    @ExampleObject(name = "invalid", value = MaintenanceExamples.PREVIEW_INVALID)}))
    @ApiResponse(responseCode = "400", description = "INVALID_PARAMETER: count is not a whole number between 1 and 100")
    private void preview(RoutingContext ctx) {
        int count = count(ctx);
        MaintenanceWindowRequest request = request(ctx);
        MaintenanceWindowRequest.Validation checked = request.validate();
        unknownTargets(ApiServer.org(ctx), request, checked)
                .map(checked::with)
                .onSuccess(validation -> {
                    boolean enabled = request.enabled() == null || request.enabled();
                    var occurrences = validation.occurrences();
                    Responses.json(ctx, 200, new PreviewView(validation.valid(),
                            validation.errors().stream().map(e -> new ErrorView(e.field(), e.code(), e.message())).toList(),
                            occurrences != null && MaintenanceWindowView.activeNow(enabled, occurrences, clock.instant()),
                            occurrences == null ? List.of() : MaintenanceWindowView.next(occurrences, count, clock.instant())));
                })
                .onFailure(ctx::fail);
    }

    /** The request's validation with unknown targets; a failed future with 422 when anything is invalid. */
    private Future<MaintenanceWindowRequest.Validation> validated(OrgId org, MaintenanceWindowRequest request) {
        MaintenanceWindowRequest.Validation checked = request.validate();
        return unknownTargets(org, request, checked).map(checked::with).compose(validation -> validation.valid()
                ? Future.succeededFuture(validation) : Future.failedFuture(ApiException.validation(validation.errors())));
    }

    /** The errors of target ids that are not the org's; none to look up when the ids do not even parse. */
    private Future<List<FieldError>> unknownTargets(OrgId org, MaintenanceWindowRequest request,
                                                    MaintenanceWindowRequest.Validation checked) {
        if (request.targetIds() == null || request.targetIds().isEmpty()
                || checked.errors().stream().anyMatch(e -> e.field().startsWith("target_ids"))) {
            return Future.succeededFuture(List.of());
        }
        Set<TargetId> ids = request.targetIds().stream().map(TargetId::parse).collect(Collectors.toSet());
        return store.unknownTargets(org, ids).map(request::unknownTargets);
    }

    /** Reloads the schedule, then yields {@code value}; a failed reload is logged (the periodic one repairs it). */
    private <T> Future<T> reloaded(T value) {
        return schedule.reload().otherwise(error -> {
            LOG.warn("maintenance schedule reload after a write failed: {}", error.getMessage());
            return null;
        }).map(value);
    }

    private void answer(RoutingContext ctx, MaintenanceWindowId id, AsyncResult<Optional<MaintenanceWindow>> found) {
        if (found.failed()) {
            ctx.fail(conflict(found.cause()));
        } else if (found.result().isEmpty()) {
            ctx.fail(notFound(id.toString()));
        } else {
            Responses.json(ctx, 200, MaintenanceWindowView.of(found.result().get(), clock.instant()));
        }
    }

    private static MaintenanceWindowRequest request(RoutingContext ctx) {
        JsonNode body = JsonBody.tree(ctx);
        if (!body.isObject()) {
            throw new ApiException(400, "MALFORMED_JSON", "request body must be a JSON object");
        }
        return JsonBody.bind(body, MaintenanceWindowRequest.class, "");
    }

    private static int count(RoutingContext ctx) {
        String text = ctx.request().getParam("count");
        if (text == null) {
            return MaintenanceWindowView.NEXT;
        }
        try {
            int count = Integer.parseInt(text);
            if (count >= 1 && count <= MAX_PREVIEW) {
                return count;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badParameter("count", "count must be a whole number between 1 and " + MAX_PREVIEW);
    }

    private static MaintenanceWindowId windowId(RoutingContext ctx) {
        String text = ctx.pathParam("id");
        try {
            return MaintenanceWindowId.parse(text);
        } catch (IllegalArgumentException e) {
            throw notFound(text);
        }
    }

    private static ApiException notFound(String id) {
        return new ApiException(404, "MAINTENANCE_WINDOW_NOT_FOUND", "no maintenance window with id " + id, Map.of("id", id));
    }

    /** 409 for a duplicate name or key; other errors unchanged. */
    static Throwable conflict(Throwable error) {
        if (error instanceof WindowTakenException taken) {
            return new ApiException(409, "MAINTENANCE_WINDOW_" + taken.field().toUpperCase(Locale.ROOT) + "_TAKEN",
                    taken.getMessage(), Map.of("field", taken.field()));
        }
        return error;
    }
}
