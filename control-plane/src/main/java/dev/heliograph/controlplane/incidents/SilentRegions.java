package dev.heliograph.controlplane.incidents;

import dev.heliograph.domain.RegionId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which of a target's regions are silent: every region but the control plane's own whose agents are
 * all not reporting (or that has none). A silent region's state is unknown and counts neither way
 * toward the quorum (a down one stays down, {@link DecisionRules}), so killing an agent never pages
 * for its targets. For {@code grace} after start no region is silent: after a restart the agents count
 * as not reporting until they reconnect, which takes seconds, and that must not move any verdict.
 */
public final class SilentRegions {
    private final RegionId localRegion;
    private final Supplier<Set<RegionId>> liveRegions;
    private final Clock clock;
    private final Instant graceUntil;

    /**
     * @param liveRegions the regions with at least one live agent now (the agent hub's view)
     * @param grace       how long after now nothing counts as silent (the agents' reporting threshold)
     */
    public SilentRegions(RegionId localRegion, Supplier<Set<RegionId>> liveRegions, Clock clock, Duration grace) {
        this.localRegion = localRegion;
        this.liveRegions = liveRegions;
        this.clock = clock;
        this.graceUntil = clock.instant().plus(grace);
    }

    /** The silent ones among {@code regions}; none during the start-up grace. */
    public Set<RegionId> of(Collection<RegionId> regions) {
        if (clock.instant().isBefore(graceUntil)) {
            return Set.of();
        }
        Set<RegionId> live = liveRegions.get();
        Set<RegionId> silent = new HashSet<>();
        for (RegionId region : regions) {
            if (!region.equals(localRegion) && !live.contains(region)) {
                silent.add(region);
            }
        }
        return silent;
    }
}
