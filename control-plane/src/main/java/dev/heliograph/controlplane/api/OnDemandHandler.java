package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.agents.AgentHub;
import dev.heliograph.controlplane.storage.postgres.PgTargetStore;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetDraft;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.ProbeEngine;
import dev.heliograph.probe.ResultSink;
import dev.heliograph.probe.check.Check;
import dev.heliograph.probe.net.AddressGuard;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * On-demand checks, run once now from each region asked for (query {@code region}, repeatable;
 * default every region of the target): the control plane's own region in-process, any other over a
 * held poll of one of its live agents.
 * <ul>
 *   <li>{@code POST /api/v1/targets/{id}/check-now}: checks a stored target; the results are stored
 *       like scheduled ones and returned as {@code {"results": [...], "stored": true}} ({@code false}
 *       when the result queue was full and they were dropped);</li>
 *   <li>{@code POST /api/v1/targets/test}: checks the target described in the body (the body of a
 *       create) without storing it or its results.</li>
 * </ul>
 * 503 {@code PROBE_UNAVAILABLE} when a region has no live agent (nothing is run then); 504
 * {@code PROBE_TIMEOUT} when an agent did not answer within {@code agents.on_demand_timeout_s}.
 */
public final class OnDemandHandler {
    private final PgTargetStore store;
    private final AgentHub hub;
    private final ProbeEngine engine;
    private final ResultSink sink;
    private final RegionId localRegion;
    private final Supplier<AddressGuard> guard;
    private final Predicate<RegionId> regionExists;
    private final Clock clock;

    /** @param sink where results of check-now go (the batcher) */
    public OnDemandHandler(PgTargetStore store, AgentHub hub, ProbeEngine engine, ResultSink sink, RegionId localRegion,
                           Supplier<AddressGuard> guard, Predicate<RegionId> regionExists, Clock clock) {
        this.store = store;
        this.hub = hub;
        this.engine = engine;
        this.sink = sink;
        this.localRegion = localRegion;
        this.guard = guard;
        this.regionExists = regionExists;
        this.clock = clock;
    }


    @ApiRoute(method = "POST", path = "/api/v1/targets/{id}/check-now", role = Role.EDITOR)
    @Operation(summary = "Check a target now",
            description = "Runs one check now from each of the target's regions (or those named by region) and waits for the "
                    + "results, which are stored like scheduled ones. No body.")
    @Parameter(name = "id", description = "the target's id", example = ApiExamples.TARGET_ID)
    @Parameter(name = "region", description = "check only from these regions (repeatable); each must be one of the target's",
            example = "local", array = @ArraySchema(schema = @Schema(types = "string")))
    @ApiResponse(responseCode = "200", description = "one result per region; stored is false when the result queue was full",
            content = @Content(schema = @Schema(implementation = ApiSchemas.CheckNowView.class),
                    examples = @ExampleObject(ApiExamples.CHECK_NOW)))
    @ApiResponse(responseCode = "404", description = "TARGET_NOT_FOUND: the org has no target with this id")
    @ApiResponse(responseCode = "400", description = "INVALID_PARAMETER: a region is not one of the target's")
    @ApiResponse(responseCode = "503",
            description = "PROBE_UNAVAILABLE: no live agent serves a region asked for; nothing was run")
    @ApiResponse(responseCode = "504", description = "PROBE_TIMEOUT: an agent did not answer within agents.on_demand_timeout_s")
    private void checkNow(RoutingContext ctx) {
        TargetId id = TargetHandler.targetId(ctx);
        TargetHandler.require(store, ctx, id)
                .compose(target -> run(target, regions(ctx, target)))
                .onSuccess(results -> {
                    boolean stored = true;
                    for (CheckResult result : results) {
                        stored &= sink.offer(result);
                    }
                    Responses.json(ctx, 200, Map.of("results", results.stream().map(ResultView::of).toList(), "stored", stored));
                })
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "POST", path = "/api/v1/targets/test", role = Role.EDITOR)
    @Operation(summary = "Test a target without storing it",
            description = "Checks the target described in the body (the body of a create) once from its regions (or those named "
                    + "by region); neither the target nor its results are stored.")
    @Parameter(name = "region", description = "check only from these regions (repeatable); each must be one of the body's",
            example = "local", array = @ArraySchema(schema = @Schema(types = "string")))
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = TargetRequest.class),
            examples = @ExampleObject(ApiExamples.TEST_REQUEST)))
    @ApiResponse(responseCode = "200", description = "one result per region",
            content = @Content(schema = @Schema(implementation = ApiSchemas.TestView.class),
                    examples = @ExampleObject(ApiExamples.TEST)))
    @ApiResponse(responseCode = "400",
            description = "MALFORMED_JSON, UNKNOWN_FIELD, INVALID_FIELD_TYPE or INVALID_PARAMETER: the body is not a valid "
                    + "target body, or a region is not one of its regions")
    @ApiResponse(responseCode = "422", description = "VALIDATION_FAILED: every invalid field is listed in details.fields")
    @ApiResponse(responseCode = "503",
            description = "PROBE_UNAVAILABLE: no live agent serves a region asked for; nothing was run")
    @ApiResponse(responseCode = "504", description = "PROBE_TIMEOUT: an agent did not answer within agents.on_demand_timeout_s")
    private void test(RoutingContext ctx) {
        JsonNode body = JsonBody.tree(ctx);
        if (!body.isObject()) {
            throw new ApiException(400, "MALFORMED_JSON", "request body must be a JSON object");
        }
        TargetDraft draft = JsonBody.bind(body, TargetRequest.class, "").toDraft(localRegion, guard.get(), regionExists);
        OrgId org = ApiServer.org(ctx);
        Target target = new Target(TargetId.random(), org, draft.name(), draft.spec(), Duration.ofSeconds(draft.intervalS()),
                Duration.ofMillis(draft.timeoutMs()), draft.regions(), draft.tags(), true, clock.instant(), clock.instant(), 1);
        run(target, regions(ctx, target))
                .onSuccess(results -> Responses.json(ctx, 200, Map.of("results", results.stream().map(ResultView::of).toList())))
                .onFailure(ctx::fail);
    }

    private static List<RegionId> regions(RoutingContext ctx, Target target) {
        List<String> asked = ctx.queryParam("region");
        if (asked.isEmpty()) {
            return target.regions();
        }
        List<RegionId> regions = new ArrayList<>();
        for (String text : asked) {
            if (!RegionId.isValid(text) || !target.regions().contains(new RegionId(text))) {
                throw ApiException.badParameter("region", "region " + text + " is not one of the target's regions "
                        + target.regions());
            }
            regions.add(new RegionId(text));
        }
        return regions;
    }

    /** Checks {@code target} from every region; fails as a whole when a region cannot run it. */
    private Future<List<CheckResult>> run(Target target, List<RegionId> regions) {
        List<RegionId> remote = regions.stream().filter(region -> !region.equals(localRegion)).toList();
        Future<Void> available = Future.succeededFuture();
        for (RegionId region : remote) {
            available = available.compose(v -> hub.liveAgents(region).compose(live -> live > 0 ? Future.<Void>succeededFuture()
                    : Future.failedFuture(unavailable(region))));
        }
        return available.compose(v -> {
            List<Future<CheckResult>> runs = new ArrayList<>();
            for (RegionId region : regions) {
                runs.add(region.equals(localRegion)
                        ? engine.runNow(new Check(target, region, clock.instant()))
                        : hub.runOnce(target, region).recover(error -> Future.failedFuture(error instanceof AgentHub.JobFailure failure
                        ? toApi(failure) : error)));
            }
            return Future.all(runs).map(all -> {
                List<CheckResult> results = new ArrayList<>();
                for (int i = 0; i < runs.size(); i++) {
                    CheckResult result = all.resultAt(i);
                    // The org comes from the target, whatever the agent reported.
                    results.add(result.placed(target.orgId(), result.region(), result.agentId()));
                }
                return results;
            });
        });
    }

    private static ApiException unavailable(RegionId region) {
        return new ApiException(503, "PROBE_UNAVAILABLE", "no live agent serves region " + region, Map.of("region", region.value()));
    }

    private static ApiException toApi(AgentHub.JobFailure failure) {
        return "PROBE_UNAVAILABLE".equals(failure.code)
                ? new ApiException(503, failure.code, failure.getMessage())
                : new ApiException(504, failure.code, failure.getMessage());
    }
}
