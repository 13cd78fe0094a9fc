package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.registry.TargetRegistry;
import dev.heliograph.controlplane.storage.postgres.PgTargetStore;
import dev.heliograph.controlplane.storage.postgres.TargetTransaction;
import dev.heliograph.controlplane.storage.postgres.TargetTransaction.Scope;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetDraft;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.net.AddressGuard;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Config as code: {@code GET /api/v1/targets:export} writes the org's whole target set as a file,
 * {@code POST /api/v1/targets:apply} makes the org's targets equal to such a file, matched by key,
 * in one Postgres transaction. An export applied unchanged plans nothing but {@code unchanged}.
 * File format: {@link TargetFileCodec}; plan: {@link ApplyPlan}.
 */
public final class TargetFileHandler {
    private final PgTargetStore store;
    private final TargetRegistry registry;
    private final ItemDrafts drafts;

    /**
     * @param guard        the SSRF guard in force now (its allow-list can change at a reload)
     * @param regionExists whether a region a target names exists
     */
    public TargetFileHandler(PgTargetStore store, TargetRegistry registry, RegionId defaultRegion, Supplier<AddressGuard> guard,
                             Predicate<RegionId> regionExists) {
        this.store = store;
        this.registry = registry;
        this.drafts = new ItemDrafts(defaultRegion, guard, regionExists, store::canStoreSecrets);
    }

    /**
     * Every target of the caller's org as a target file: {@code {"version": 1, "targets": [{"key",
     * "name", "kind", "spec", "interval_s", "timeout_ms", "regions", "tags", "enabled"}, ...]}}, sorted
     * by key; secret spec fields appear as {@code {"value": "***", "secret": true}}. YAML
     * ({@code application/yaml}) when {@code Accept} asks for it, is absent, or is {@code *}{@code /*};
     * JSON for {@code Accept: application/json}; 406 {@code NOT_ACCEPTABLE} when it allows neither.
     */
    @ApiRoute(method = "GET", path = "/api/v1/targets:export")
    @Operation(summary = "Export the org's targets as a target file",
            description = "Sorted by key; secret spec fields as {\"value\": \"***\", \"secret\": true}. YAML "
                    + "(application/yaml) unless Accept asks for application/json; both have the shape shown.")
    // Only JSON here: vertx-openapi refuses a contract with an application/yaml answer.
    @ApiResponse(responseCode = "200", description = "the target file: application/yaml by default, this shape as "
            + "application/json for Accept: application/json",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiSchemas.TargetFileView.class),
                    examples = @ExampleObject(ApiExamples.TARGET_FILE)))
    @ApiResponse(responseCode = "406", description = "NOT_ACCEPTABLE: Accept allows neither application/yaml nor "
            + "application/json")
    private void export(RoutingContext ctx) {
        ConfigFile.Format format = ConfigFile.accepted(ctx, TargetFileCodec.WHAT);
        store.listAll(ApiServer.org(ctx))
                .onSuccess(targets -> ConfigFile.send(ctx, format, TargetFileCodec.write(format, targets)))
                .onFailure(ctx::fail);
    }

    /**
     * Applies a target file (the export's shape; {@code Content-Type: application/yaml} or
     * {@code application/json}). Query: {@code dry_run} ({@code true}: only plan; default
     * {@code false}), {@code prune} ({@code true}: delete the org's targets the file lacks; default
     * {@code false}: keep them). Each file target needs a {@code key}; {@code "***"} in a secret field
     * keeps the stored secret of the target with that key.
     *
     * <p>Answer 200 (also for a dry run, which writes nothing): {@code {"dry_run": false, "prune":
     * false, "summary": {"create": 1, "update": 1, "delete": 0, "unchanged": 8, "not_in_file": 2},
     * "items": [{"key": "web", "action": "create" | "update" | "delete" | "unchanged", "fields":
     * ["interval_s", "spec.url"] (updates only), "id": "..."}, ...]}}, sorted by key.
     *
     * <p>Errors, nothing written: 422 {@code VALIDATION_FAILED} listing every bad target
     * ({@code details.fields[].field} such as {@code targets[3].spec.url}, and {@code details.items[]}
     * with {@code index}, {@code key}, {@code fields}), including missing keys and keys or names used
     * twice ({@code DUPLICATE}); 422 for a {@code version} other than 1; 409 {@code TARGET_NAME_TAKEN}
     * when a file target's name belongs to a target that is not in the file and stays (no prune);
     * 400 {@code MALFORMED_YAML}/{@code MALFORMED_JSON}, {@code UNKNOWN_FIELD}, {@code INVALID_PARAMETER};
     * 415 for another content type.
     */
    @ApiRoute(method = "POST", path = "/api/v1/targets:apply", role = Role.EDITOR, idempotent = true)
    @Operation(summary = "Apply a target file",
            description = "Makes the org's targets equal to the file, matched by key, in one transaction: creates and "
                    + "updates them, and with prune=true deletes the org's targets the file lacks. dry_run=true only "
                    + "plans. *** in a secret field keeps the stored secret of the target with that key.")
    @Parameter(name = "dry_run", description = "true: only plan, write nothing (default false)", example = "true",
            schema = @Schema(types = "boolean"))
    @Parameter(name = "prune", description = "true: delete the org's targets that the file lacks (default false)",
            example = "false", schema = @Schema(types = "boolean"))
    // Only JSON here: vertx-openapi refuses a contract with an application/yaml request body.
    @RequestBody(required = true, description = "the target file as application/json, or the same as application/yaml",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiSchemas.TargetFileRequest.class),
                    examples = @ExampleObject(ApiExamples.TARGET_FILE)))
    @ApiResponse(responseCode = "200", description = "the plan, carried out unless dry_run",
            content = @Content(schema = @Schema(implementation = ApiSchemas.ApplyView.class),
                    examples = @ExampleObject(ApiExamples.APPLY)))
    @ApiResponse(responseCode = "400", description = "MALFORMED_YAML, MALFORMED_JSON, UNKNOWN_FIELD, INVALID_FIELD_TYPE or "
            + "INVALID_PARAMETER: the file does not parse or has the wrong shape, or dry_run or prune is not true or false")
    @ApiResponse(responseCode = "409", description = "TARGET_NAME_TAKEN: a file target's name belongs to a target that is "
            + "not in the file and stays")
    @ApiResponse(responseCode = "415", description = "UNSUPPORTED_MEDIA_TYPE: send the file as application/yaml or "
            + "application/json")
    @ApiResponse(responseCode = "422", description = "VALIDATION_FAILED: every bad target (details.fields such as "
            + "targets[3].spec.url, and details.items), missing keys, keys or names used twice (DUPLICATE), or a version "
            + "other than 1")
    private void apply(RoutingContext ctx) {
        ConfigFile.Format format = ConfigFile.sent(ctx, TargetFileCodec.WHAT);
        boolean dryRun = ConfigFile.flag(ctx, "dry_run");
        boolean prune = ConfigFile.flag(ctx, "prune");
        ItemErrors errors = new ItemErrors("targets");
        List<ApplyPlan.Entry> entries = entries(TargetFileCodec.read(format, ctx.body().asString()), errors);
        OrgId org = ApiServer.org(ctx);
        List<Target> changed = new ArrayList<>();
        List<TargetId> removed = new ArrayList<>();
        store.inTransaction(org, tx -> tx.lockAll(org).compose(existing -> {
                    ItemErrors taken = new ItemErrors("targets");
                    KeyedPlan<Target, TargetDraft> plan = ApplyPlan.of(entries, existing, prune, drafts, errors, taken);
                    if (errors.any()) {
                        return Future.failedFuture(errors.validationFailed());
                    }
                    if (taken.any()) {
                        return Future.failedFuture(taken.conflict());
                    }
                    Map<String, String> ids = new HashMap<>();
                    existing.forEach(t -> ids.put(t.key(), t.id().toString()));
                    if (dryRun) {
                        return Future.succeededFuture(answer(true, prune, plan, ids));
                    }
                    return write(tx, org, plan, changed, removed).map(written -> {
                        written.forEach(t -> ids.put(t.key(), t.id().toString()));
                        return answer(false, prune, plan, ids);
                    });
                }))
                .onSuccess(answer -> {
                    removed.forEach(registry::removed);
                    changed.forEach(registry::changed);
                    Responses.json(ctx, 200, answer);
                })
                .onFailure(error -> ctx.fail(TargetHandler.conflict(error)));
    }

    /** The file's targets; problems of the document's shape throw, problems of single targets go to {@code errors}. */
    private List<ApplyPlan.Entry> entries(JsonNode document, ItemErrors errors) {
        JsonNode targets = ConfigFile.lists(document, List.of("targets"), TargetFileCodec.WHAT).get("targets");
        List<ApplyPlan.Entry> entries = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            TargetRequest request = drafts.bind(targets.get(i), i, errors);
            if (request != null) {
                errors.key(i, request.key());
                entries.add(new ApplyPlan.Entry(i, request));
            }
        }
        return entries;
    }

    /** The answer: the plan's items, each with the target's id when it has one (stored, or created by a real apply). */
    private static Map<String, Object> answer(boolean dryRun, boolean prune, KeyedPlan<Target, TargetDraft> plan, Map<String, String> ids) {
        return KeyedPlan.answer(dryRun, prune, List.of(plan), plan.items(null, step -> ids.get(step.key())));
    }

    /** Deletes, then updates, then creates; adds what it wrote to {@code changed} and {@code removed}. */
    private static Future<List<Target>> write(TargetTransaction tx, OrgId org, KeyedPlan<Target, TargetDraft> plan, List<Target> changed,
                                              List<TargetId> removed) {
        List<TargetId> deletes = plan.steps(KeyedPlan.DELETE).stream().map(s -> s.current().id()).toList();
        Future<Void> chain = tx.deferUniqueness();
        if (!deletes.isEmpty()) {
            chain = chain.compose(v -> tx.delete(org, new Scope.Ids(deletes))).map(gone -> {
                removed.addAll(gone);
                return null;
            });
        }
        Map<TargetId, TargetDraft> updates = new LinkedHashMap<>();
        plan.steps(KeyedPlan.UPDATE).forEach(step -> updates.put(step.current().id(), step.draft()));
        List<TargetDraft> creates = plan.steps(KeyedPlan.CREATE).stream().map(KeyedPlan.Step::draft).toList();
        return chain.compose(v -> tx.updateAll(org, updates))
                .compose(updated -> {
                    changed.addAll(updated);
                    return tx.createAll(org, creates);
                })
                .map(created -> {
                    changed.addAll(created);
                    return changed;
                });
    }
}
