package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.incidents.IncidentQueries;
import dev.heliograph.controlplane.incidents.RegionState;
import dev.heliograph.controlplane.incidents.SilentRegions;
import dev.heliograph.controlplane.incidents.TargetHealth;
import dev.heliograph.controlplane.incidents.Verdict;
import dev.heliograph.controlplane.storage.postgres.PgTargetStore;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Target verdicts: {@code GET /api/v1/targets/{id}/verdict} (the verdict, each region's state and
 * streaks, the open incident) and {@code GET /api/v1/verdicts} (the targets whose verdict is not
 * {@code up}: regional problems are visible here even when no policy pages for them). A region that
 * cannot see the target now (its agents all silent, or its latest checks of it did not run) shows
 * {@code sees_target: false} and state {@code unknown}, or {@code down} when it was down.
 */
public final class VerdictHandler {
    private final PgTargetStore targets;
    private final IncidentQueries queries;
    private final SilentRegions silent;

    public VerdictHandler(PgTargetStore targets, IncidentQueries queries, SilentRegions silent) {
        this.targets = targets;
        this.queries = queries;
        this.silent = silent;
    }

    /** One region of a target. */
    @Schema(name = "RegionVerdict")
    public record RegionView(String region, @Schema(allowableValues = {"up", "down", "unknown"}, description = "unknown: the region "
                                     + "cannot see the target now (sees_target false) and was not down") String state,
                             @Schema(description = "false while the region's agents are all silent or its latest checks of the target "
                                     + "did not run (circuit open, throttled); a down region stays down meanwhile") boolean seesTarget,
                             boolean degraded,
                             @Schema(description = "consecutive failing results, capped at the failure threshold") int consecutiveFailures,
                             @Schema(description = "consecutive good results while down, capped at the recovery threshold")
                             int consecutiveSuccesses,
                             @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "when the region last went down or up")
                             Instant since,
                             @Schema(description = "typed failure of the latest failing result; none when none") String lastFailure,
                             String lastError) {
    }

    /** A target's verdict. */
    @Schema(name = "TargetVerdict")
    public record VerdictView(String targetId, @Schema(allowableValues = {"up", "degraded", "regional", "down", "unknown"}) String verdict,
                              @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "when the verdict last changed")
                              Instant since,
                              List<RegionView> regions, boolean flapping,
                              @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "the active down/regional/degraded incident")
                              String openIncidentId) {
    }

    @ApiRoute(method = "GET", path = "/api/v1/targets/{id}/verdict")
    @Operation(summary = "A target's verdict", description = "up, degraded, regional (some regions down, fewer than the quorum), down "
            + "(a quorum of the reporting regions down) or unknown (no region reports), with each region's state.")
    @Parameter(name = "id", description = "the target's id", example = ApiExamples.TARGET_ID)
    @ApiResponse(responseCode = "200", description = "the verdict",
            content = @Content(schema = @Schema(implementation = VerdictView.class), examples = @ExampleObject(ApiExamples.VERDICT)))
    @ApiResponse(responseCode = "404", description = "TARGET_NOT_FOUND: the org has no target with this id")
    private void verdict(RoutingContext ctx) {
        TargetId id = TargetHandler.targetId(ctx);
        TargetHandler.require(targets, ctx, id)
                .compose(target -> Future.all(queries.verdict(ApiServer.org(ctx), id), queries.activeIncident(ApiServer.org(ctx), id))
                        .map(both -> view(target, both.<Optional<IncidentQueries.StoredVerdict>>resultAt(0),
                                both.<Optional<java.util.UUID>>resultAt(1))))
                .onSuccess(view -> Responses.json(ctx, 200, view))
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "GET", path = "/api/v1/verdicts")
    @Operation(summary = "Targets that are not up", description = "The org's targets whose verdict is one of verdict (repeatable; default "
            + "degraded, regional, down, unknown), in target id order.")
    @PagedResponse(value = VerdictView.class, itemExample = ApiExamples.VERDICT)
    @Parameter(name = "verdict", description = "degraded, regional, down or unknown (repeatable)", example = "regional",
            array = @ArraySchema(schema = @Schema(types = "string")))
    @ApiResponse(responseCode = "400", description = "INVALID_PARAMETER: verdict, limit or cursor is not valid")
    private void verdicts(RoutingContext ctx) {
        int limit = Paging.limit(ctx);
        String cursor = Paging.decode(ctx);
        TargetId after;
        try {
            after = cursor == null ? null : TargetId.parse(cursor);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter("cursor", "cursor is not valid; pass next_cursor back unchanged");
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String text : ctx.queryParam("verdict")) {
            try {
                Verdict verdict = Verdict.fromWire(text);
                if (verdict == Verdict.UP) {
                    throw new IllegalArgumentException("up");
                }
                wanted.add(verdict.wire());
            } catch (IllegalArgumentException e) {
                throw ApiException.badParameter("verdict", "verdict must be degraded, regional, down or unknown");
            }
        }
        if (wanted.isEmpty()) {
            wanted.addAll(List.of("degraded", "regional", "down", "unknown"));
        }
        queries.verdicts(ApiServer.org(ctx), wanted, after, limit)
                .onSuccess(found -> Paging.respond(ctx, found, limit,
                        row -> new VerdictView(row.target().toString(), row.verdict().verdict().wire(), row.verdict().since(),
                                regions(row.verdict().health(), new ArrayList<>(row.verdict().health().regions().keySet()), Set.of(),
                                        row.failureThreshold()),
                                row.verdict().health().flapping(), null),
                        row -> row.target().toString()))
                .onFailure(ctx::fail);
    }

    private VerdictView view(Target target, Optional<IncidentQueries.StoredVerdict> stored, Optional<java.util.UUID> incident) {
        Set<RegionId> quiet = silent.of(target.regions());
        TargetHealth health = stored.map(IncidentQueries.StoredVerdict::health).orElse(TargetHealth.clean(Instant.EPOCH));
        String verdict = stored.map(s -> s.verdict().wire())
                .orElse(quiet.containsAll(target.regions()) && !target.regions().isEmpty() ? "unknown" : "up");
        return new VerdictView(target.id().toString(), verdict, stored.map(IncidentQueries.StoredVerdict::since).orElse(null),
                regions(health, target.regions(), quiet, target.rules().failureThreshold()), health.flapping(), incident.map(java.util.UUID::toString).orElse(null));
    }

    private static List<RegionView> regions(TargetHealth health, List<RegionId> regions, Set<RegionId> quiet, int threshold) {
        List<RegionView> views = new ArrayList<>();
        for (RegionId region : regions) {
            RegionState s = health.region(region);
            boolean sees = !quiet.contains(region) && !s.blind(threshold);
            String state = s.down() ? "down" : sees ? "up" : "unknown";
            views.add(new RegionView(region.value(), state, sees, s.degraded(), s.failures(), s.successes(), s.since(),
                    s.lastFailure().wire(), s.lastError()));
        }
        return views;
    }
}
