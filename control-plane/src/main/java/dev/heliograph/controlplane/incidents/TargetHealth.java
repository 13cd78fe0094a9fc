package dev.heliograph.controlplane.incidents;

import dev.heliograph.domain.RegionId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The decision rules' memory of one target: each region's state, the verdict and since when, recent
 * verdict changes (for flapping), and whether the target is flapping or misconfigured. Immutable.
 * {@link #clean(Instant)} is a target with nothing to remember; such a target needs no stored row.
 *
 * @param transitions  times of the verdict changes within the flap window, oldest first
 * @param flapping     whether more than the allowed changes happened within the flap window
 * @param configError  whether a region reported configuration failures up to the failure threshold
 */
public record TargetHealth(Map<RegionId, RegionState> regions, Verdict verdict, Instant verdictSince, List<Instant> transitions,
                           boolean flapping, boolean configError) {
    public TargetHealth {
        regions = Map.copyOf(regions);
        transitions = List.copyOf(transitions);
    }

    /** A target whose regions are all up, verdict {@code up} since {@code at}. */
    public static TargetHealth clean(Instant at) {
        return new TargetHealth(Map.of(), Verdict.UP, at, List.of(), false, false);
    }

    /** The state of {@code region}; {@link RegionState#CLEAN} when nothing is remembered of it. */
    public RegionState region(RegionId region) {
        return regions.getOrDefault(region, RegionState.CLEAN);
    }

    /**
     * Whether nothing about this target needs remembering: verdict {@code up}, every region clean, not
     * flapping, no configuration error, no recent verdict change.
     */
    public boolean clean() {
        return verdict == Verdict.UP && !flapping && !configError && transitions.isEmpty()
                && regions.values().stream().allMatch(RegionState::clean);
    }
}
