package dev.heliograph.controlplane.api;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.heliograph.controlplane.agents.AgentHub;
import dev.heliograph.controlplane.storage.clickhouse.ClickHouseResultStore;
import dev.heliograph.controlplane.storage.postgres.PgTargetOverview;
import dev.heliograph.domain.OrgId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * {@code /api/v1/dashboard}: the caller's org at a glance ({@link DashboardView}), from PostgreSQL
 * (targets), ClickHouse (latest results, the rollup) and the agent hub. An org's answer is computed
 * at most once per {@code maxAge} (5 s in production): a Caffeine async cache keeps it, and requests
 * that arrive while it is being computed share that one computation.
 */
public final class DashboardHandler {
    /** How long one org's dashboard is served from the cache. */
    public static final Duration MAX_AGE = Duration.ofSeconds(5);
    private static final int MAX_ORGS_CACHED = 10_000;

    private final PgTargetOverview targets;
    private final ClickHouseResultStore results;
    private final AgentHub hub;
    private final Clock clock;
    private final AsyncCache<OrgId, DashboardView> cache;

    public DashboardHandler(PgTargetOverview targets, ClickHouseResultStore results, AgentHub hub, Clock clock, Duration maxAge) {
        this.targets = targets;
        this.results = results;
        this.hub = hub;
        this.clock = clock;
        this.cache = Caffeine.newBuilder().expireAfterWrite(maxAge).maximumSize(MAX_ORGS_CACHED).buildAsync();
    }

    /**
     * {@code GET /api/v1/dashboard}: the caller's org's targets by status and by region, its checks in
     * the last complete minute and the agents serving it; the shape and the counting rules are in
     * {@link DashboardView}. Answers are up to {@link #MAX_AGE} old ({@code generated_at} tells when it
     * was computed). 500 {@code INTERNAL} when PostgreSQL or ClickHouse cannot be read.
     */
    @ApiRoute(method = "GET", path = "/api/v1/dashboard")
    @Operation(summary = "Read the org's dashboard",
            description = "Targets by status and by region, checks in the last complete minute and the agents serving "
                    + "the org; computed at most every 5 s (generated_at). A target's status is that of its newest fresh "
                    + "result (started within two intervals plus the timeout); unknown without one.")
    @ApiResponse(responseCode = "200", description = "the dashboard",
            content = @Content(schema = @Schema(implementation = DashboardView.class),
                    examples = @ExampleObject(ApiExamples.DASHBOARD)))
    private void get(RoutingContext ctx) {
        OrgId org = ApiServer.org(ctx);
        Future.fromCompletionStage(cache.get(org, (key, executor) -> compute(key).toCompletionStage().toCompletableFuture()),
                        ctx.vertx().getOrCreateContext())
                .onSuccess(view -> Responses.json(ctx, 200, view))
                .onFailure(ctx::fail);
    }

    private Future<DashboardView> compute(OrgId org) {
        Instant now = clock.instant();
        Instant lastMinute = now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(1));
        return targets.facts(org).compose(facts -> Future.all(
                        results.latestResults(org, now.minus(DashboardView.window(facts)), now),
                        results.checksInMinute(org, lastMinute),
                        hub.list())
                .map(all -> DashboardView.of(now, facts, all.resultAt(0), all.resultAt(1), all.resultAt(2),
                        OrgId.DEFAULT.equals(org))));
    }
}
