package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.maintenance.MaintenanceSchedule;
import dev.heliograph.controlplane.storage.clickhouse.ClickHouseResultStore;
import dev.heliograph.controlplane.storage.clickhouse.ExcludedMinutes;
import dev.heliograph.controlplane.storage.clickhouse.ResultCursor;
import dev.heliograph.controlplane.storage.clickhouse.TargetStats;
import dev.heliograph.controlplane.storage.postgres.PgTargetStore;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/targets/{id}/results} (raw results from ClickHouse, newest first, cursor paged) and
 * {@code /api/v1/targets/{id}/stats} (count, uptime and latency quantiles from the 1-minute rollup).
 * The stats leave out the target's muted maintenance time ({@link MaintenanceSchedule#muted}) in
 * whole minutes: a minute that a mute window touches counts for no figure, and {@code muted_s} says
 * how much was left out. The muted time is that of the windows as they are now: a deleted window no
 * longer hides its past.
 */
public final class ResultHandler {
    /** Longest stats window. */
    static final Duration MAX_WINDOW = Duration.ofDays(90);
    private static final Pattern WINDOW = Pattern.compile("(\\d{1,5})([mhd])");

    private final PgTargetStore targets;
    private final ClickHouseResultStore results;
    private final MaintenanceSchedule maintenance;
    private final Clock clock;

    public ResultHandler(PgTargetStore targets, ClickHouseResultStore results, MaintenanceSchedule maintenance, Clock clock) {
        this.targets = targets;
        this.results = results;
        this.maintenance = maintenance;
        this.clock = clock;
    }


    @ApiRoute(method = "GET", path = "/api/v1/targets/{id}/results")
    @Operation(summary = "List a target's check results",
            description = "Raw results from ClickHouse, newest first, from every region, in the window [from, to).")
    @Parameter(name = "id", description = "the target's id", example = ApiExamples.TARGET_ID)
    @PagedResponse(value = ResultView.class, itemExample = ApiExamples.RESULT)
    @Parameter(name = "from", description = "start of the window, RFC 3339 (default: an hour before to)",
            example = "2026-01-31T11:00:00Z", schema = @Schema(types = "string", format = "date-time"))
    @Parameter(name = "to", description = "end of the window, RFC 3339 (default: now)", example = "2026-01-31T12:00:00Z",
            schema = @Schema(types = "string", format = "date-time"))
    @ApiResponse(responseCode = "404", description = "TARGET_NOT_FOUND: the org has no target with this id")
    @ApiResponse(responseCode = "400",
            description = "INVALID_PARAMETER: from, to, limit or cursor is not valid, or from is not before to")
    private void results(RoutingContext ctx) {
        TargetId id = TargetHandler.targetId(ctx);
        Instant to = instant(ctx, "to", clock.instant());
        Instant from = instant(ctx, "from", to.minus(Duration.ofHours(1)));
        if (!from.isBefore(to)) {
            throw ApiException.badParameter("from", "from must be before to");
        }
        int limit = Paging.limit(ctx);
        ResultCursor cursor = cursor(ctx);
        TargetHandler.require(targets, ctx, id)
                .compose(target -> results.results(target.orgId(), id, from, to, cursor, limit))
                .onSuccess(page -> Responses.page(ctx, page.items().stream().map(ResultView::of).toList(),
                        page.next() == null ? null
                                : Paging.encode(page.next().startedAtMs() + ":" + page.next().resultId())))
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "GET", path = "/api/v1/targets/{id}/stats")
    @Operation(summary = "Read a target's statistics",
            description = "Checks, uptime and latency quantiles of total_ms over a window, from the 1-minute rollup; the "
                    + "quantiles and uptime_ratio are null without checks. Minutes inside the target's mute maintenance "
                    + "windows are left out of every figure (muted_s says how many seconds).")
    @Parameter(name = "id", description = "the target's id", example = ApiExamples.TARGET_ID)
    @Parameter(name = "window", description = "how far back: a number and m, h or d, between 1m and 90d (default 1h)",
            example = "24h", schema = @Schema(types = "string"))
    @ApiResponse(responseCode = "200", description = "the figures",
            content = @Content(schema = @Schema(implementation = ApiSchemas.StatsView.class),
                    examples = @ExampleObject(ApiExamples.STATS)))
    @ApiResponse(responseCode = "404", description = "TARGET_NOT_FOUND: the org has no target with this id")
    @ApiResponse(responseCode = "400",
            description = "INVALID_PARAMETER: window is not like 15m, 1h or 7d, lies outside 1m..90d, or holds more than "
                    + "5000 separate muted periods")
    private void stats(RoutingContext ctx) {
        TargetId id = TargetHandler.targetId(ctx);
        String windowText = ctx.request().getParam("window", "1h");
        Duration window = window(windowText);
        Instant now = clock.instant();
        TargetHandler.require(targets, ctx, id)
                .compose(target -> {
                    ExcludedMinutes muted = muted(target, now.minus(window), now);
                    return results.stats(target.orgId(), id, now, window, muted)
                            .map(stats -> view(id, windowText, stats, muted.seconds()));
                })
                .onSuccess(body -> Responses.json(ctx, 200, body))
                .onFailure(ctx::fail);
    }

    /** The target's muted time in {@code [from, now)} as whole minutes; 400 when it is too fragmented for one query. */
    private ExcludedMinutes muted(Target target, Instant from, Instant now) {
        Instant fromMinute = Instant.ofEpochSecond(from.getEpochSecond() / 60 * 60); // where the stats query starts
        try {
            return ExcludedMinutes.of(fromMinute, now, maintenance.muted(target, fromMinute, now).stream()
                    .map(interval -> new ExcludedMinutes.Span(interval.start(), interval.end())).toList());
        } catch (IllegalArgumentException tooMany) {
            throw ApiException.badParameter("window", "the window holds more than " + ExcludedMinutes.MAX_SPANS
                    + " separate muted periods; ask for a shorter window");
        }
    }

    private static Map<String, Object> view(TargetId id, String window, TargetStats stats, long mutedS) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("target_id", id.toString());
        body.put("window", window);
        body.put("checks", stats.checks());
        body.put("up_checks", stats.upChecks());
        body.put("uptime_ratio", stats.uptimeRatio());
        body.put("p50_ms", stats.p50Ms());
        body.put("p95_ms", stats.p95Ms());
        body.put("p99_ms", stats.p99Ms());
        body.put("muted_s", mutedS);
        return body;
    }

    /** Parses {@code 15m}, {@code 1h}, {@code 7d}: 1 minute to 90 days. */
    static Duration window(String text) {
        Matcher m = WINDOW.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration window = switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            if (!window.isZero() && window.compareTo(MAX_WINDOW) <= 0) {
                return window;
            }
        }
        throw ApiException.badParameter("window", "window must look like 15m, 1h or 7d and lie between 1m and 90d");
    }

    private static Instant instant(RoutingContext ctx, String name, Instant fallback) {
        String text = ctx.request().getParam(name);
        if (text == null) {
            return fallback;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.badParameter(name, name + " must be an RFC 3339 time such as 2026-01-31T12:00:00Z");
        }
    }

    private static ResultCursor cursor(RoutingContext ctx) {
        String state = Paging.decode(ctx);
        if (state == null) {
            return null;
        }
        int colon = state.indexOf(':');
        try {
            return new ResultCursor(Long.parseLong(state.substring(0, colon)), UUID.fromString(state.substring(colon + 1)));
        } catch (RuntimeException e) {
            throw ApiException.badParameter("cursor", "cursor is not valid; pass next_cursor back unchanged");
        }
    }
}
