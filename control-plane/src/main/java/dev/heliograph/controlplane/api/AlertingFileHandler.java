package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.alerting.PgPolicyStore;
import dev.heliograph.controlplane.maintenance.MaintenanceSchedule;
import dev.heliograph.controlplane.maintenance.MaintenanceWindowStore;
import dev.heliograph.controlplane.storage.postgres.AlertChannelStore;
import dev.heliograph.controlplane.storage.postgres.OrgTransactions;
import dev.heliograph.domain.OrgId;
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
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Config as code for alerting: {@code GET /api/v1/alerting:export} writes the org's alert channels,
 * notification policies and maintenance windows as one file ({@link AlertingFileCodec}),
 * {@code POST /api/v1/alerting:apply} makes them equal to such a file, matched by key, in one
 * Postgres transaction ({@link AlertingFileStore}), with the validation of the three APIs
 * ({@link AlertingPlan}). An export applied unchanged plans nothing but {@code unchanged}. After an
 * apply that changed something, the routing catalog and the maintenance schedule are reloaded, as
 * the three APIs reload them after their writes.
 */
public final class AlertingFileHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AlertingFileHandler.class);

    private final AlertingFileStore store;
    private final MaintenanceSchedule schedule;
    private final Supplier<AddressGuard> guard;
    private final Runnable routingChanged;
    private final SecureRandom random = new SecureRandom();

    /** The stores and the transactions of the alerting file. */
    public record Stores(AlertChannelStore channels, PgPolicyStore policies, MaintenanceWindowStore windows,
                         OrgTransactions transactions) {
    }

    /**
     * @param schedule       reloaded after an apply that changed a window
     * @param guard          the SSRF guard in force now (its allow-list can change at a reload)
     * @param routingChanged called after an apply that changed a channel or policy (notification
     *                       routing follows them), as {@link AlertChannelHandler} is told
     */
    public AlertingFileHandler(Stores stores, MaintenanceSchedule schedule, Supplier<AddressGuard> guard, Runnable routingChanged) {
        this.store = new AlertingFileStore(stores.channels(), stores.policies(), stores.windows(), stores.transactions());
        this.schedule = schedule;
        this.guard = guard;
        this.routingChanged = routingChanged;
    }

    /**
     * The org's alerting as a file: {@code {"version": 1, "alert_channels": [...], "notification_policies":
     * [...], "maintenance_windows": [...]}}, each list sorted by key, items naming channels and targets
     * by key, channel secrets as {@code "***"}. YAML ({@code application/yaml}) when {@code Accept}
     * asks for it, is absent, or is {@code *}{@code /*}; JSON for {@code Accept: application/json};
     * 406 {@code NOT_ACCEPTABLE} when it allows neither.
     */
    @ApiRoute(method = "GET", path = "/api/v1/alerting:export")
    @Operation(summary = "Export the org's alert channels, notification policies and maintenance windows as a file",
            description = "Each list sorted by key; a policy names its channels and a window its targets by key, never by id, so "
                    + "the file moves between orgs and installations. Channel secrets as ***, exactly as the channel API answers "
                    + "them. YAML (application/yaml) unless Accept asks for application/json; both have the shape shown.")
    // Only JSON here: vertx-openapi refuses a contract with an application/yaml answer.
    @ApiResponse(responseCode = "200", description = "the alerting file: application/yaml by default, this shape as "
            + "application/json for Accept: application/json",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = AlertingFileCodec.File.class),
                    examples = @ExampleObject(AlertingExamples.FILE)))
    @ApiResponse(responseCode = "406", description = "NOT_ACCEPTABLE: Accept allows neither application/yaml nor "
            + "application/json")
    private void export(RoutingContext ctx) {
        ConfigFile.Format format = ConfigFile.accepted(ctx, AlertingFileCodec.WHAT);
        store.contents(ApiServer.org(ctx))
                .onSuccess(contents -> ConfigFile.send(ctx, format, AlertingFileCodec.write(format, contents)))
                .onFailure(ctx::fail);
    }

    /**
     * Applies an alerting file (the export's shape; {@code Content-Type: application/yaml} or
     * {@code application/json}). Query: {@code dry_run} ({@code true}: only plan), {@code prune}
     * ({@code true}: also delete the org's channels, policies and windows that the file lacks). Each
     * item needs a {@code key}; {@code "***"} in a channel secret keeps the stored secret of the channel
     * with that key while it sends to the same place. A new webhook channel without
     * {@code settings.secret} gets a generated one, shown once in this answer ({@code webhook_secret}).
     * Not idempotent by {@code Idempotency-Key}, since the answer may hold such a secret.
     *
     * <p>Answer 200 (also for a dry run): {@code {"dry_run", "prune", "summary": {"create", "update",
     * "delete", "unchanged", "not_in_file"}, "items": [{"kind", "key", "action", "fields", "id"}, ...]}}.
     * Errors, nothing written: 422 {@code VALIDATION_FAILED} listing every bad item of every list
     * ({@code details.fields[].field} such as {@code notification_policies[2].channels[0]}, and
     * {@code details.items[]} with {@code list}, {@code index}, {@code key}, {@code fields}); 409
     * {@code ALERT_CHANNEL_NAME_TAKEN}, {@code POLICY_NAME_TAKEN} or {@code MAINTENANCE_WINDOW_NAME_TAKEN}
     * when a name belongs to an item that is not in the file and stays; 400 for a file that does not
     * parse or has the wrong shape, or a bad flag; 415 for another content type.
     */
    @ApiRoute(method = "POST", path = "/api/v1/alerting:apply", role = Role.EDITOR)
    @Operation(summary = "Apply an alerting file",
            description = "Makes the org's alert channels, notification policies and maintenance windows equal to the file, "
                    + "matched by key, in one transaction (all or nothing): creates and updates them, and with prune=true deletes "
                    + "those the file lacks. dry_run=true only plans. Validation is that of the three APIs; a policy may name a "
                    + "channel created by the same file, a window names the org's targets by key. *** in a channel secret keeps "
                    + "the stored secret while the channel sends to the same place. A new webhook channel without settings.secret "
                    + "gets a generated one, shown once here as webhook_secret. Not idempotent by Idempotency-Key, since the "
                    + "answer may hold that secret.")
    @Parameter(name = "dry_run", description = "true: only plan, write nothing (default false)", example = "true",
            schema = @Schema(types = "boolean"))
    @Parameter(name = "prune", description = "true: delete the org's channels, policies and windows that the file lacks "
            + "(default false)", example = "false", schema = @Schema(types = "boolean"))
    // Only JSON here: vertx-openapi refuses a contract with an application/yaml request body.
    @RequestBody(required = true, description = "the alerting file as application/json, or the same as application/yaml",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = AlertingFileCodec.File.class),
                    examples = @ExampleObject(AlertingExamples.FILE)))
    @ApiResponse(responseCode = "200", description = "the plan, carried out unless dry_run",
            content = @Content(schema = @Schema(implementation = ApiSchemas.AlertingApplyView.class),
                    examples = @ExampleObject(AlertingExamples.APPLY)))
    @ApiResponse(responseCode = "400", description = "MALFORMED_YAML, MALFORMED_JSON, UNKNOWN_FIELD, INVALID_FIELD_TYPE or "
            + "INVALID_PARAMETER: the file does not parse or has the wrong shape, or dry_run or prune is not true or false")
    @ApiResponse(responseCode = "409", description = "ALERT_CHANNEL_NAME_TAKEN, POLICY_NAME_TAKEN or MAINTENANCE_WINDOW_NAME_TAKEN: a "
            + "name of the file belongs to an item that is not in the file and stays (details list every one)")
    @ApiResponse(responseCode = "415", description = "UNSUPPORTED_MEDIA_TYPE: send the file as application/yaml or application/json")
    @ApiResponse(responseCode = "422", description = "VALIDATION_FAILED: every bad item of every list (details.fields such as "
            + "notification_policies[2].channels[0], and details.items), missing keys, keys or names used twice (DUPLICATE), "
            + "UNKNOWN_CHANNEL, UNKNOWN_TARGET, SECRET_NOT_SET, a missing list, or a version other than 1")
    private void apply(RoutingContext ctx) {
        ConfigFile.Format format = ConfigFile.sent(ctx, AlertingFileCodec.WHAT);
        boolean dryRun = ConfigFile.flag(ctx, "dry_run");
        boolean prune = ConfigFile.flag(ctx, "prune");
        AlertingPlan.Problems problems = AlertingPlan.Problems.create();
        AlertingPlan.Items items = AlertingPlan.bind(ConfigFile.read(format, ctx.body().asString(), AlertingFileCodec.WHAT), problems);
        ChannelFileItems channelRules = new ChannelFileItems(guard.get(), store.canStoreSecrets(), random);
        OrgId org = ApiServer.org(ctx);
        store.inTransaction(org, conn -> store.lockAll(conn, org).compose(stored -> {
                    AlertingPlan plan = AlertingPlan.of(items, stored, prune, channelRules, problems);
                    ApiException failure = problems.failure();
                    if (failure != null) {
                        return Future.<Applied>failedFuture(failure);
                    }
                    Map<String, String> ids = new HashMap<>();
                    stored.channels().forEach(c -> ids.put(AlertingPlan.CHANNEL + ":" + c.key(), c.id().toString()));
                    stored.policies().forEach(p -> ids.put(AlertingPlan.POLICY + ":" + p.key(), p.id().toString()));
                    stored.windows().forEach(w -> ids.put(AlertingPlan.WINDOW + ":" + w.key(), w.id().toString()));
                    if (dryRun) {
                        return Future.succeededFuture(new Applied(plan, plan.answer(true, prune, ids)));
                    }
                    return store.write(conn, org, plan).map(written -> {
                        ids.putAll(written);
                        return new Applied(plan, plan.answer(false, prune, ids));
                    });
                }))
                .compose(applied -> dryRun ? Future.succeededFuture(applied) : reloaded(applied.plan()).map(applied))
                .onSuccess(applied -> Responses.json(ctx, 200, applied.answer()))
                .onFailure(error -> ctx.fail(AlertChannelHandler.conflict(PolicyHandler.conflict(MaintenanceWindowHandler.conflict(error)))));
    }

    /** A plan carried out (or only planned) and its answer. */
    private record Applied(AlertingPlan plan, Map<String, Object> answer) {
    }

    /**
     * Tells the routing catalog when channels or policies changed, and reloads the maintenance
     * schedule when windows did; a failed reload is logged (the periodic one repairs it).
     */
    private Future<Void> reloaded(AlertingPlan plan) {
        if (plan.channels.changes() || plan.policies.changes()) {
            routingChanged.run();
        }
        if (!plan.windows.changes()) {
            return Future.succeededFuture();
        }
        return schedule.reload().otherwise(error -> {
            LOG.warn("maintenance schedule reload after an alerting apply failed: {}", error.getMessage());
            return null;
        });
    }
}
