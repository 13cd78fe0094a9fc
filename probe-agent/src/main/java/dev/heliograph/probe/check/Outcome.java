package dev.heliograph.probe.check;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.Uuid7;
import java.time.Instant;

/**
 * What an executor concluded about one check, before it is stamped with ids into a
 * {@link CheckResult}.
 *
 * @param failure    the typed reason; {@link Failure#NONE} when up
 * @param httpStatus 0 when no HTTP status was read
 * @param error      empty when up; otherwise a short reason for an operator
 */
public record Outcome(Status status, Failure failure, int httpStatus, String error, PhaseTimings timings) {
    /** An up outcome. */
    public static Outcome up(int httpStatus, PhaseTimings timings) {
        return new Outcome(Status.UP, Failure.NONE, httpStatus, "", timings);
    }

    /** A down outcome: the target answered wrong or not at all. */
    public static Outcome down(Fault fault, int httpStatus, PhaseTimings timings) {
        return new Outcome(Status.DOWN, fault.failure(), httpStatus, fault.error(), timings);
    }

    /** An error outcome: the check could not be run. */
    public static Outcome error(Fault fault, PhaseTimings timings) {
        return new Outcome(Status.ERROR, fault.failure(), 0, fault.error(), timings);
    }

    /**
     * The result of {@code check} with this outcome: a fresh UUIDv7 result id made from
     * {@code startedAt}, the target's ids, the check's region and {@code agentId}. Secret values of
     * the target's spec in the error are replaced by {@code ***}.
     */
    public CheckResult toResult(Check check, String agentId, Instant startedAt) {
        return new CheckResult(Uuid7.at(startedAt.toEpochMilli()), check.target().id(), check.target().orgId(),
                check.region(), agentId, check.target().kind(), check.scheduledAt(), startedAt, status, failure, httpStatus,
                check.target().spec().redact(error), timings);
    }
}
