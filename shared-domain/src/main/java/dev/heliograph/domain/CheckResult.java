package dev.heliograph.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * What one check produced. {@code resultId} is a UUIDv7 made where the check ran, so retries and
 * replays can be deduplicated. {@code scheduledAt} is the planned start, {@code startedAt} the
 * actual one (UTC, ms precision). {@code failure} is the typed reason ({@link Failure#NONE} when up);
 * {@code httpStatus} is 0 when no HTTP answer was read; {@code error} is the reason in words, empty
 * when the check was up.
 */
public record CheckResult(UUID resultId, TargetId targetId, OrgId orgId, RegionId region, String agentId,
                          CheckKind kind, Instant scheduledAt, Instant startedAt, Status status, Failure failure,
                          int httpStatus, String error, PhaseTimings timings) {
    public CheckResult {
        Objects.requireNonNull(resultId, "resultId");
        Objects.requireNonNull(targetId, "targetId");
        Objects.requireNonNull(orgId, "orgId");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(scheduledAt, "scheduledAt");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(failure, "failure");
        agentId = agentId == null ? "" : agentId;
        error = error == null ? "" : error;
        timings = timings == null ? PhaseTimings.NONE : timings;
    }

    /** This result with another {@code error} text (e.g. redacted); everything else unchanged. */
    public CheckResult withError(String newError) {
        return new CheckResult(resultId, targetId, orgId, region, agentId, kind, scheduledAt, startedAt, status, failure,
                httpStatus, newError, timings);
    }

    /**
     * This result as the control plane records it: owned by {@code newOrg}, checked from
     * {@code newRegion} by {@code newAgentId}, whatever the reporter claimed.
     */
    public CheckResult placed(OrgId newOrg, RegionId newRegion, String newAgentId) {
        return new CheckResult(resultId, targetId, newOrg, newRegion, newAgentId, kind, scheduledAt, startedAt, status, failure,
                httpStatus, error, timings);
    }
}
