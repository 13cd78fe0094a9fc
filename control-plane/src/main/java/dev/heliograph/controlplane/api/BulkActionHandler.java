package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.registry.TargetRegistry;
import dev.heliograph.controlplane.storage.postgres.PgTargetStore;
import dev.heliograph.controlplane.storage.postgres.TargetTransaction;
import dev.heliograph.controlplane.storage.postgres.TargetTransaction.Scope;
import dev.heliograph.domain.FieldError;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetDraft;
import dev.heliograph.domain.TargetId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/v1/targets:bulk-action}: pause, resume, delete, tag or untag many targets of the
 * caller's org in one Postgres transaction. Every change is reported to the {@link TargetRegistry}
 * after the commit, so the scheduler follows at once.
 */
public final class BulkActionHandler {
    /** Most ids in one request. */
    public static final int MAX_IDS = 1000;
    private static final List<String> ACTIONS = List.of("pause", "resume", "delete", "add_tag", "remove_tag");

    private final PgTargetStore store;
    private final TargetRegistry registry;

    public BulkActionHandler(PgTargetStore store, TargetRegistry registry) {
        this.store = store;
        this.registry = registry;
    }

    /**
     * The request body.
     *
     * @param action   {@code pause}, {@code resume}, {@code delete}, {@code add_tag} or {@code remove_tag}
     * @param ids      the targets to act on (exactly one of {@code ids} and {@code selector})
     * @param selector the targets to act on, chosen by a tag
     * @param tag      the tag to add or remove (only for {@code add_tag} and {@code remove_tag})
     */
    @Schema(name = "BulkActionRequest")
    public record Request(@Schema(allowableValues = {"pause", "resume", "delete", "add_tag", "remove_tag"}) String action,
                          @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "the targets to act on, at most 1000; or selector")
                          List<String> ids,
                          @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "the targets to act on, by tag; or ids")
                          Selector selector,
                          @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "the tag to add or remove (add_tag, remove_tag)")
                          String tag) {
        /** Every target of the org that carries {@code tag}. */
        @Schema(name = "BulkActionSelector")
        public record Selector(String tag) {
        }
    }

    /**
     * Acts on many targets at once. Request: {@code {"action": "pause" | "resume" | "delete" |
     * "add_tag" | "remove_tag", "ids": ["<target id>", ...]}} (at most {@value #MAX_IDS} ids) or
     * {@code {"action": ..., "selector": {"tag": "prod"}}}, exactly one of {@code ids} and
     * {@code selector}; {@code "tag": "..."} names the tag for {@code add_tag} and {@code remove_tag}.
     * Ids that the org does not have (unknown, deleted, or another org's) are not affected and not
     * reported.
     *
     * <p>Answer 200: {@code {"affected": N}}, the number of targets that changed: targets already
     * paused (resumed, carrying the tag, without the tag) are not counted; deletes count the targets
     * deleted.
     *
     * <p>Errors, nothing changed: 422 {@code VALIDATION_FAILED} listing every bad field ({@code action},
     * {@code ids}, {@code ids[2]}, {@code selector}, {@code selector.tag}, {@code tag}), also when
     * {@code add_tag} would give a target more than 32 tags; 400 for a malformed body or unknown fields.
     */
    @ApiRoute(method = "POST", path = "/api/v1/targets:bulk-action", role = Role.EDITOR, idempotent = true)
    @Operation(summary = "Pause, resume, delete, tag or untag many targets",
            description = "Acts on the targets listed in ids or chosen by selector.tag (exactly one of them) in one "
                    + "transaction. Ids the org does not have are skipped and not reported.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = Request.class),
            examples = @ExampleObject(ApiExamples.BULK_ACTION_REQUEST)))
    @ApiResponse(responseCode = "200", description = "how many targets changed",
            content = @Content(schema = @Schema(implementation = ApiSchemas.BulkActionView.class),
                    examples = @ExampleObject(ApiExamples.BULK_ACTION)))
    @ApiResponse(responseCode = "422", description = "VALIDATION_FAILED: every bad field (action, ids, ids[2], selector, "
            + "selector.tag, tag), also when add_tag would give a target more than 32 tags")
    private void bulkAction(RoutingContext ctx) {
        JsonNode body = JsonBody.tree(ctx);
        if (!body.isObject()) {
            throw new ApiException(400, "MALFORMED_JSON", "request body must be a JSON object");
        }
        Request request = JsonBody.bind(body, Request.class, "");
        Scope scope = validate(request);
        OrgId org = ApiServer.org(ctx);
        String action = request.action();
        if (action.equals("delete")) {
            store.inTransaction(org, tx -> tx.delete(org, scope))
                    .onSuccess(deleted -> {
                        deleted.forEach(registry::removed);
                        Responses.json(ctx, 200, Map.of("affected", deleted.size()));
                    })
                    .onFailure(ctx::fail);
            return;
        }
        store.inTransaction(org, tx -> change(tx, org, scope, request))
                .onSuccess(changed -> {
                    changed.forEach(registry::changed);
                    Responses.json(ctx, 200, Map.of("affected", changed.size()));
                })
                .onFailure(ctx::fail);
    }

    private static Future<List<Target>> change(TargetTransaction tx, OrgId org, Scope scope, Request request) {
        return switch (request.action()) {
            case "pause" -> tx.setEnabled(org, scope, false);
            case "resume" -> tx.setEnabled(org, scope, true);
            case "remove_tag" -> tx.removeTag(org, scope, request.tag());
            case "add_tag" -> tx.addTag(org, scope, request.tag()).compose(changed -> {
                long over = changed.stream().filter(t -> t.tags().size() > TargetDraft.MAX_TAGS).count();
                return over == 0 ? Future.succeededFuture(changed) : Future.failedFuture(ApiException.validation(List.of(
                        new FieldError("tag", FieldError.OUT_OF_RANGE, over + " of the targets already have " + TargetDraft.MAX_TAGS
                                + " tags, the most a target may have"))));
            });
            default -> throw new IllegalStateException("unvalidated action " + request.action());
        };
    }

    /** The scope of a valid request; throws 422 {@code VALIDATION_FAILED} with every problem. */
    private static Scope validate(Request request) {
        List<FieldError> errors = new ArrayList<>();
        String action = request.action();
        if (action == null) {
            errors.add(new FieldError("action", FieldError.REQUIRED, "action is required: one of " + String.join(", ", ACTIONS)));
        } else if (!ACTIONS.contains(action)) {
            errors.add(new FieldError("action", FieldError.INVALID_FORMAT, "action must be one of " + String.join(", ", ACTIONS)));
        }
        boolean tagAction = "add_tag".equals(action) || "remove_tag".equals(action);
        if (tagAction && request.tag() == null) {
            errors.add(new FieldError("tag", FieldError.REQUIRED, "tag is required for " + action));
        } else if (tagAction && !TargetDraft.validTag(request.tag())) {
            errors.add(new FieldError("tag", FieldError.INVALID_FORMAT, "tag must be 1-64 characters of letters, digits and _.:/=-"));
        } else if (!tagAction && action != null && ACTIONS.contains(action) && request.tag() != null) {
            errors.add(new FieldError("tag", FieldError.INVALID_FORMAT, "tag is only for add_tag and remove_tag"));
        }
        Scope scope = null;
        if ((request.ids() == null) == (request.selector() == null)) {
            errors.add(new FieldError("ids", FieldError.REQUIRED, "give exactly one of ids and selector"));
        } else if (request.ids() != null) {
            scope = ids(request.ids(), errors);
        } else if (request.selector().tag() == null) {
            errors.add(new FieldError("selector.tag", FieldError.REQUIRED, "selector.tag is required"));
        } else if (!TargetDraft.validTag(request.selector().tag())) {
            errors.add(new FieldError("selector.tag", FieldError.INVALID_FORMAT, "selector.tag must be 1-64 characters of letters, digits and _.:/=-"));
        } else {
            scope = new Scope.Tagged(request.selector().tag());
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
        return scope;
    }

    private static Scope ids(List<String> texts, List<FieldError> errors) {
        if (texts.isEmpty() || texts.size() > MAX_IDS) {
            errors.add(new FieldError("ids", FieldError.OUT_OF_RANGE, "ids must hold 1 to " + MAX_IDS + " target ids"));
            return null;
        }
        List<TargetId> ids = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            try {
                ids.add(TargetId.parse(texts.get(i)));
            } catch (IllegalArgumentException | NullPointerException e) {
                errors.add(new FieldError("ids[" + i + "]", FieldError.INVALID_FORMAT, "ids[" + i + "] is not a target id (a UUID)"));
            }
        }
        return new Scope.Ids(ids);
    }
}
