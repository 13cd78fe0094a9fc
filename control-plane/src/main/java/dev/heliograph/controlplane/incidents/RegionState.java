package dev.heliograph.controlplane.incidents;

import dev.heliograph.domain.Failure;
import java.time.Instant;

/**
 * What the decision rules remember about one (target, region): whether it is down, and the streaks
 * that move it (hysteresis). Immutable; {@link #CLEAN} is a region with nothing to remember (up, no
 * failure streak), which is also what a region that never reported starts as.
 *
 * @param down          whether the region is down
 * @param failures      consecutive failing observations, capped at the failure threshold
 * @param successes     consecutive good observations while down, capped at the recovery threshold
 * @param degraded      whether the region answers slowly or with soft failures
 * @param slow          consecutive {@code degraded} observations while not degraded
 * @param fast          consecutive plain {@code up} observations while degraded
 * @param configErrors  consecutive configuration failures (the target cannot be checked as configured)
 * @param unseen        consecutive results that were not observations (circuit open, throttled, pool
 *                      saturated), capped at the failure threshold: at the threshold the region cannot
 *                      see the target ({@link #blind(int)})
 * @param since         when {@code down} last changed; {@code null} for a clean region
 * @param firstFailureAt start of the current failing streak (for time to detect); {@code null} without one
 * @param lastResultAt  start time of the latest result counted; older results are ignored
 * @param lastFailure   typed failure of the latest failing result; {@link Failure#NONE} when none
 * @param lastError     its text; empty when none
 */
public record RegionState(boolean down, int failures, int successes, boolean degraded, int slow, int fast, int configErrors, int unseen,
                          Instant since, Instant firstFailureAt, Instant lastResultAt, Failure lastFailure, String lastError) {
    /** Up, nothing remembered. */
    public static final RegionState CLEAN = new RegionState(false, 0, 0, false, 0, 0, 0, 0, null, null, null, Failure.NONE, "");

    public RegionState {
        lastFailure = lastFailure == null ? Failure.NONE : lastFailure;
        lastError = lastError == null ? "" : lastError;
    }

    /** Whether nothing about this region needs remembering: up, not degraded, no streak of failures or of unseen checks. */
    public boolean clean() {
        return !down && failures == 0 && !degraded && slow == 0 && configErrors == 0 && unseen == 0;
    }

    /**
     * Whether the region cannot see the target now: its latest {@code threshold} results of it were not
     * observations (its breaker for the host is open, its bulkhead or pool is full).
     */
    public boolean blind(int threshold) {
        return unseen >= threshold;
    }
}
