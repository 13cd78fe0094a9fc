package dev.heliograph.controlplane.storage.clickhouse;

import java.time.Instant;

/**
 * How many checks ran in one minute, from the 1-minute rollup.
 *
 * @param minute   start of the minute (UTC)
 * @param checks   results whose check started in that minute
 * @param upChecks those with status up or degraded
 */
public record CheckCounts(Instant minute, long checks, long upChecks) {
}
