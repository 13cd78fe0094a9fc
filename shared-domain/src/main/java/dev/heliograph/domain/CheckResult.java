package dev.heliograph.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * What one check produced. {@code resultId} is a UUIDv7 made where the check ran, so retries and
 * replays can be deduplicated. {@code scheduledAt} is the planned start, {@code startedAt} the
 * actual one (UTC, ms precision). {@code httpStatus} is 0 when no HTTP answer was read;
 * {@code error} is empty when the check was up.
 */
public record CheckResult(UUID resultId, TargetId targetId, OrgId orgId, RegionId region, String agentId,
                          CheckKind kind, Instant scheduledAt, Instant startedAt, Status status, int httpStatus,
                          String error, PhaseTimings timings) {
    public CheckResult {
        Objects.requireNonNull(resultId, "resultId");
        Objects.requireNonNull(targetId, "targetId");
        Objects.requireNonNull(orgId, "orgId");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(scheduledAt, "scheduledAt");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(status, "status");
        agentId = agentId == null ? "" : agentId;
        error = error == null ? "" : error;
        timings = timings == null ? PhaseTimings.NONE : timings;
    }
}
