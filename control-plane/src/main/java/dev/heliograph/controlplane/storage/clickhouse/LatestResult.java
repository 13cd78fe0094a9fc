package dev.heliograph.controlplane.storage.clickhouse;

import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.TargetId;
import java.time.Instant;

/**
 * The newest result of one target from one region within a window: its status and when it started.
 *
 * @param startedAt start of that check (ms precision)
 */
public record LatestResult(TargetId target, RegionId region, Status status, Instant startedAt) {
}
