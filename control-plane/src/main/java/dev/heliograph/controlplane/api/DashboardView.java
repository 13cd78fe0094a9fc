package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.agents.AgentHub;
import dev.heliograph.controlplane.storage.clickhouse.CheckCounts;
import dev.heliograph.controlplane.storage.clickhouse.LatestResult;
import dev.heliograph.controlplane.storage.postgres.PgTargetOverview.TargetFacts;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.TargetId;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The answer of {@code GET /api/v1/dashboard}: one org's targets by status and by region, its
 * checks in the last complete minute, and the agents that serve it.
 *
 * <pre>{@code
 * {"generated_at": "2026-01-05T10:15:02.123456Z",
 *  "targets": {"total": 14, "enabled": 12, "disabled": 2,
 *              "by_status": {"up": 9, "degraded": 1, "down": 1, "error": 0, "unknown": 1},
 *              "by_region": [{"region": "eu-west", "targets": 4,
 *                             "by_status": {"up": 4, "degraded": 0, "down": 0, "error": 0, "unknown": 0}}, ...]},
 *  "checks_last_minute": {"minute": "2026-01-05T10:14:00Z", "checks": 118, "up_checks": 112},
 *  "agents": {"total": 3, "ok": 2, "not_reporting": 1}}
 * }</pre>
 *
 * <p>Statuses count enabled targets only. A target's status is that of its newest result from any
 * of its regions; a region's entry counts the enabled targets checked from it by their newest
 * result from that region. A result counts only while it is fresh, i.e. started within
 * {@link #freshness} of the target (two intervals plus the timeout) before {@code generated_at};
 * a target without a fresh result is {@code unknown} (not checked yet, its region has no live agent,
 * or it was just enabled). {@code checks_last_minute} comes from the 1-minute rollup: all the org's
 * checks whose start fell in the last complete minute, {@code up_checks} those up or degraded.
 * {@code agents} counts every agent for the operator org and, for other orgs, the agents of the
 * regions their enabled targets are checked from; {@code ok} and {@code not_reporting} as in
 * {@code GET /api/v1/agents}.
 */
@Schema(name = "Dashboard")
public record DashboardView(Instant generatedAt, Targets targets, CheckCounts checksLastMinute, Agents agents) {
    /** Shortest window of results read, whatever the targets' intervals. */
    static final Duration MIN_WINDOW = Duration.ofMinutes(1);
    /** Longest window of results read (a target checked less often than half of it shows {@code unknown}). */
    static final Duration MAX_WINDOW = Duration.ofHours(24);

    /** Targets by their latest status; {@code unknown}: no fresh result. */
    @Schema(name = "DashboardStatusCounts")
    public record StatusCounts(long up, long degraded, long down, long error, long unknown) {
        static StatusCounts of(Collection<Status> statuses) {
            long[] n = new long[Status.values().length + 1];
            for (Status status : statuses) {
                n[status == null ? Status.values().length : status.ordinal()]++;
            }
            return new StatusCounts(n[Status.UP.ordinal()], n[Status.DEGRADED.ordinal()], n[Status.DOWN.ordinal()],
                    n[Status.ERROR.ordinal()], n[Status.values().length]);
        }
    }

    /** The enabled targets checked from one region, by their latest result from it. */
    @Schema(name = "DashboardRegionTargets")
    public record RegionTargets(String region, long targets, StatusCounts byStatus) {
    }

    /** The org's targets: all, enabled, disabled; enabled ones by status and by region (sorted by name). */
    @Schema(name = "DashboardTargets")
    public record Targets(long total, long enabled, long disabled, StatusCounts byStatus, List<RegionTargets> byRegion) {
    }

    /** Agents by status. */
    @Schema(name = "DashboardAgents")
    public record Agents(long total, long ok, long notReporting) {
    }

    /** How old a target's newest result may be and still count: two intervals plus the timeout. */
    public static Duration freshness(TargetFacts target) {
        return Duration.ofSeconds(2L * target.intervalS()).plusMillis(target.timeoutMs());
    }

    /** How far back results must be read so that every enabled target's fresh results are seen (1 min..24 h). */
    public static Duration window(Collection<TargetFacts> targets) {
        Duration widest = targets.stream().filter(TargetFacts::enabled).map(DashboardView::freshness)
                .max(Duration::compareTo).orElse(MIN_WINDOW);
        return widest.compareTo(MIN_WINDOW) < 0 ? MIN_WINDOW : widest.compareTo(MAX_WINDOW) > 0 ? MAX_WINDOW : widest;
    }

    /**
     * Counts everything at {@code now}.
     *
     * @param targets  every target of the org
     * @param latest   newest result per (target, region) within {@link #window}
     * @param agents   every registered agent
     * @param operator whether the org is the operator org (it sees every agent)
     */
    public static DashboardView of(Instant now, Collection<TargetFacts> targets, Collection<LatestResult> latest, CheckCounts checks,
                                   Collection<AgentHub.AgentView> agents, boolean operator) {
        Map<TargetId, Map<RegionId, LatestResult>> byTarget = new HashMap<>();
        for (LatestResult result : latest) {
            byTarget.computeIfAbsent(result.target(), id -> new HashMap<>()).put(result.region(), result);
        }
        List<Status> statuses = new ArrayList<>();
        Map<String, List<Status>> byRegion = new TreeMap<>();
        Set<String> servedRegions = new HashSet<>();
        long enabled = 0;
        for (TargetFacts target : targets) {
            if (!target.enabled()) {
                continue;
            }
            enabled++;
            Instant freshAfter = now.minus(freshness(target));
            Map<RegionId, LatestResult> results = byTarget.getOrDefault(target.id(), Map.of());
            LatestResult newest = null;
            for (RegionId region : target.regions()) {
                servedRegions.add(region.value());
                LatestResult result = results.get(region);
                boolean fresh = result != null && !result.startedAt().isBefore(freshAfter);
                byRegion.computeIfAbsent(region.value(), r -> new ArrayList<>()).add(fresh ? result.status() : null);
                if (fresh && (newest == null || result.startedAt().isAfter(newest.startedAt()))) {
                    newest = result;
                }
            }
            statuses.add(newest == null ? null : newest.status());
        }
        List<RegionTargets> regions = byRegion.entrySet().stream()
                .map(e -> new RegionTargets(e.getKey(), e.getValue().size(), StatusCounts.of(e.getValue()))).toList();
        List<AgentHub.AgentView> counted = agents.stream().filter(a -> operator || servedRegions.contains(a.region())).toList();
        long ok = counted.stream().filter(a -> a.status().equals("ok")).count();
        return new DashboardView(now,
                new Targets(targets.size(), enabled, targets.size() - enabled, StatusCounts.of(statuses), regions),
                checks, new Agents(counted.size(), ok, counted.size() - ok));
    }
}
