package dev.heliograph.controlplane.storage.clickhouse;

/**
 * A target's figures over a window, from the 1-minute rollup.
 *
 * @param checks    results in the window
 * @param upChecks  results with status up or degraded
 * @param p50Ms     median of total_ms, or {@code null} with no checks (likewise p95, p99)
 */
public record TargetStats(long checks, long upChecks, Double p50Ms, Double p95Ms, Double p99Ms) {
    /** {@code upChecks / checks}, or {@code null} with no checks. */
    public Double uptimeRatio() {
        return checks == 0 ? null : (double) upChecks / checks;
    }
}
