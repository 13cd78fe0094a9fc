package dev.heliograph.controlplane.incidents;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.IncidentRules;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decision rules of issue 13 as pure functions over an ordered stream of results: check result →
 * per (target, region) state → target verdict. No I/O and no clock of their own: the caller passes the
 * time, so tests replay any history exactly.
 *
 * <ul>
 *   <li>Per region: {@code failure_threshold} consecutive failing observations turn it down,
 *       {@code recovery_threshold} consecutive good ones turn it up again (hysteresis). A failing
 *       observation is a result with status {@code down}; {@code up} and {@code degraded} are good.</li>
 *   <li>Results that are not observations of the target ({@link Failure#observation()} false:
 *       circuit open, throttled, pool saturated, internal) neither count nor reset a streak; only
 *       {@code failure_threshold} of them in a row matter: then the region cannot see the target
 *       ({@link RegionState#blind(int)}) until its next observation. Configuration failures (SSRF
 *       refusal, unusable spec) count toward a configuration error of their own, reached at the
 *       failure threshold and over at the next observation from every such region.</li>
 *   <li>A result that started no later than the region's latest counted one is a replay or came late
 *       (e.g. from an agent's write-ahead log after an outage): it is ignored. A region with nothing
 *       to remember (up, no streak) is forgotten, its latest result time with it.</li>
 *   <li>Degraded: {@code failure_threshold} consecutive {@code degraded} results make a region
 *       degraded, {@code recovery_threshold} plain {@code up} ones end it.</li>
 *   <li>Verdict over the regions that count: a region that cannot see the target now ({@code silent},
 *       its agents all not reporting, or blind to it) does not count either way, except that a region
 *       already down stays counted as down until it sees the target again: losing sight of a target
 *       never ends its outage nor turns it regional. Of the regions that count: {@code down} when at
 *       least the quorum are down, {@code regional} when some are, {@code degraded} when a quorum are
 *       degraded, {@code unknown} when none counts, else {@code up}.</li>
 *   <li>The first failure of a streak in one region while no region is down asks for confirmation
 *       from the others ({@link Change.ConfirmationWanted}).</li>
 *   <li>Flapping: more than {@code maxTransitions} verdict changes within {@code window} start it;
 *       a whole window without a change ends it.</li>
 * </ul>
 */
public final class DecisionRules {
    private DecisionRules() {
    }

    /** Flap detection: more than {@code maxTransitions} verdict changes within {@code window}. */
    public record FlapSettings(int maxTransitions, Duration window) {
    }

    /** The target's health after a decision, and what changed on the way (in order). */
    public record Decision(TargetHealth health, List<Change> changes) {
        /** Whether anything changed that must be stored or acted on. */
        public boolean changed(TargetHealth before) {
            return !changes.isEmpty() || !health.equals(before);
        }
    }

    /**
     * Counts {@code result} (of {@code target}, checked from {@code result.region()}) into
     * {@code health}.
     *
     * @param silent regions whose agents are all not reporting (they count neither way)
     * @param now    the decision time, used only to end flapping
     */
    public static Decision apply(TargetHealth health, Target target, CheckResult result, Set<RegionId> silent, FlapSettings flap,
                                 Instant now) {
        RegionId region = result.region();
        RegionState before = health.region(region);
        if (!target.regions().contains(region) || (before.lastResultAt() != null && !result.startedAt().isAfter(before.lastResultAt()))) {
            return reevaluate(health, target, silent, flap, now);
        }
        if (!countable(result)) {
            // Not an observation: the region saw nothing this time; enough of these in a row and it is blind to the target.
            Map<RegionId, RegionState> regions = new HashMap<>(health.regions());
            regions.put(region, unseen(before, target.rules()));
            return settle(withRegions(health, regions, health.configError()), target, silent, flap, now, now, new ArrayList<>());
        }
        List<Change> changes = new ArrayList<>();
        IncidentRules rules = target.rules();
        RegionState after = next(before, result, rules);
        if (!before.down() && after.down()) {
            changes.add(new Change.RegionDown(region, after.firstFailureAt(), after.lastFailure(), after.lastError()));
        } else if (before.down() && !after.down()) {
            changes.add(new Change.RegionUp(region));
        }
        if (!before.down() && before.failures() == 0 && after.failures() == 1
                && health.regions().values().stream().noneMatch(RegionState::down)) {
            changes.add(new Change.ConfirmationWanted(region));
        }
        Map<RegionId, RegionState> regions = new HashMap<>(health.regions());
        regions.put(region, after);
        boolean configError = regions.values().stream().anyMatch(s -> s.configErrors() >= rules.failureThreshold());
        if (configError && !health.configError()) {
            changes.add(new Change.ConfigErrorStarted(region, result.failure(), result.error()));
        } else if (!configError && health.configError()) {
            changes.add(new Change.ConfigErrorEnded());
        }
        return settle(withRegions(health, regions, configError), target, silent, flap, result.startedAt(), now, changes);
    }

    /**
     * Decides the verdict again without a new result: after the set of silent regions changed, after
     * the target's settings changed (regions, quorum), or to end flapping once a window passed.
     */
    public static Decision reevaluate(TargetHealth health, Target target, Set<RegionId> silent, FlapSettings flap, Instant now) {
        return settle(health, target, silent, flap, now, now, new ArrayList<>());
    }

    /**
     * The verdict of {@code regions} for {@code target}, counting the regions that see it (not
     * {@code silent}, not blind) and the down ones that do not (see the class comment).
     */
    public static Verdict verdict(Map<RegionId, RegionState> regions, Target target, Set<RegionId> silent) {
        int counted = 0;
        int down = 0;
        int degraded = 0;
        for (RegionId region : target.regions()) {
            RegionState state = regions.getOrDefault(region, RegionState.CLEAN);
            if (!sees(state, region, target, silent) && !state.down()) {
                continue;
            }
            counted++;
            if (state.down()) {
                down++;
            } else if (state.degraded()) {
                degraded++;
            }
        }
        if (counted == 0) {
            return Verdict.UNKNOWN;
        }
        int needed = target.rules().quorum().required(counted);
        if (down >= needed) {
            return Verdict.DOWN;
        }
        if (down > 0) {
            return Verdict.REGIONAL;
        }
        return degraded >= needed ? Verdict.DEGRADED : Verdict.UP;
    }

    /** Whether {@code region} sees {@code target} now: its agents report and its latest results of the target were observations. */
    public static boolean sees(RegionState state, RegionId region, Target target, Set<RegionId> silent) {
        return !silent.contains(region) && !state.blind(target.rules().failureThreshold());
    }

    /** Whether {@code result} counts at all: an observation, or a configuration failure. */
    static boolean countable(CheckResult result) {
        return result.failure().observation() || result.failure().configuration();
    }

    private static RegionState next(RegionState s, CheckResult result, IncidentRules rules) {
        Instant at = result.startedAt();
        if (result.failure().configuration()) {
            return new RegionState(s.down(), s.failures(), s.successes(), s.degraded(), s.slow(), s.fast(),
                    Math.min(s.configErrors() + 1, rules.failureThreshold()), 0, s.since(), s.firstFailureAt(), at, result.failure(),
                    result.error());
        }
        if (result.status() == Status.DOWN || result.status() == Status.ERROR) {
            int failures = Math.min(s.failures() + 1, rules.failureThreshold());
            boolean down = s.down() || failures >= rules.failureThreshold();
            Instant firstFailure = s.failures() == 0 ? at : s.firstFailureAt();
            return new RegionState(down, failures, 0, s.degraded(), s.slow(), s.fast(), 0, 0,
                    down != s.down() ? at : s.since(), firstFailure, at, result.failure(), result.error());
        }
        int successes = s.down() ? Math.min(s.successes() + 1, rules.recoveryThreshold()) : 0;
        boolean down = s.down() && successes < rules.recoveryThreshold();
        boolean slowNow = result.status() == Status.DEGRADED;
        int slow = s.degraded() || !slowNow ? 0 : Math.min(s.slow() + 1, rules.failureThreshold());
        int fast = !s.degraded() || slowNow ? 0 : Math.min(s.fast() + 1, rules.recoveryThreshold());
        boolean degraded = s.degraded() ? fast < rules.recoveryThreshold() : slow >= rules.failureThreshold();
        if (degraded != s.degraded()) {
            slow = 0;
            fast = 0;
        }
        Failure failure = down ? s.lastFailure() : slowNow ? result.failure() : Failure.NONE;
        String error = down ? s.lastError() : slowNow ? result.error() : "";
        return new RegionState(down, 0, down ? successes : 0, degraded, slow, fast, 0, 0, down != s.down() ? at : s.since(),
                down ? s.firstFailureAt() : null, at, failure, error);
    }

    /** {@code s} after one more result that was not an observation. */
    private static RegionState unseen(RegionState s, IncidentRules rules) {
        return new RegionState(s.down(), s.failures(), s.successes(), s.degraded(), s.slow(), s.fast(), s.configErrors(),
                Math.min(s.unseen() + 1, rules.failureThreshold()), s.since(), s.firstFailureAt(), s.lastResultAt(), s.lastFailure(),
                s.lastError());
    }

    private static TargetHealth withRegions(TargetHealth health, Map<RegionId, RegionState> regions, boolean configError) {
        return new TargetHealth(regions, health.verdict(), health.verdictSince(), health.transitions(), health.flapping(), configError);
    }

    /** Drops states of regions the target no longer has, decides the verdict and flapping. */
    private static Decision settle(TargetHealth health, Target target, Set<RegionId> silent, FlapSettings flap, Instant changedAt,
                                   Instant now, List<Change> changes) {
        // A clean region is forgotten (with its latest result time): only regions with something to remember cost memory.
        Map<RegionId, RegionState> regions = new HashMap<>();
        health.regions().forEach((region, state) -> {
            if (target.regions().contains(region) && !state.clean()) {
                regions.put(region, state);
            }
        });
        Verdict verdict = verdict(regions, target, silent);
        List<Instant> transitions = new ArrayList<>(health.transitions());
        Instant since = health.verdictSince();
        if (verdict != health.verdict()) {
            changes.add(new Change.VerdictChanged(health.verdict(), verdict));
            since = changedAt;
            // Becoming unknown (every region silent) or leaving it is not the target changing.
            if (verdict != Verdict.UNKNOWN && health.verdict() != Verdict.UNKNOWN) {
                transitions.add(changedAt);
            }
        }
        Instant horizon = now.minus(flap.window());
        transitions.removeIf(at -> at.isBefore(horizon));
        boolean flapping = health.flapping();
        if (!flapping && transitions.size() > flap.maxTransitions()) {
            flapping = true;
            changes.add(new Change.FlappingStarted(transitions.size()));
        } else if (flapping && transitions.isEmpty()) {
            flapping = false;
            changes.add(new Change.FlappingEnded());
        }
        TargetHealth after = new TargetHealth(regions, verdict, since, transitions, flapping, health.configError());
        return new Decision(after, List.copyOf(changes));
    }
}
