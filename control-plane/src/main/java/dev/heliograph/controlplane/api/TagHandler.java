package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.storage.postgres.PgTargetOverview;
import io.swagger.v3.oas.annotations.Operation;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/v1/tags}: the tags the caller's org has put on its targets, with how many targets carry each. */
public final class TagHandler {
    private final PgTargetOverview overview;

    public TagHandler(PgTargetOverview overview) {
        this.overview = overview;
    }

    /**
     * {@code GET /api/v1/tags}: the org's tags in byte order (ASCII: upper case before lower case),
     * each with the number of its targets, enabled or not, that carry it:
     * {@code {"items": [{"tag": "prod", "targets": 12}, ...], "next_cursor": "..." | null}}.
     * Parameters {@code limit} (1..500, default 50) and {@code cursor} (a {@code next_cursor}); 400
     * {@code INVALID_PARAMETER} when either is bad. A tag no target carries any more is not listed.
     */
    @ApiRoute(method = "GET", path = "/api/v1/tags")
    @Operation(summary = "List the org's tags",
            description = "Each tag on the org's targets with how many targets (enabled or not) carry it, in byte order "
                    + "(upper case before lower case).")
    @PagedResponse(value = PgTargetOverview.TagCount.class, itemExample = ApiExamples.TAG)
    private void list(RoutingContext ctx) {
        int limit = Paging.limit(ctx);
        String after = Paging.decode(ctx); // the last tag shown: a bound, passed as a parameter
        overview.tags(ApiServer.org(ctx), after, limit + 1)
                .onSuccess(tags -> Paging.respond(ctx, tags, limit,
                        tag -> tag, PgTargetOverview.TagCount::tag))
                .onFailure(ctx::fail);
    }
}
