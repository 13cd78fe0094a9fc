package dev.heliograph.controlplane.incidents;

import dev.heliograph.domain.RegionId;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which of a target's regions are silent: every region but the control plane's own whose agents are
 * all not reporting (or that has none). A silent region's state is unknown and counts neither way
 * toward the quorum, so killing an agent never pages for its targets.
 */
public final class SilentRegions {
    private final RegionId localRegion;
    private final Supplier<Set<RegionId>> liveRegions;

    /** @param liveRegions the regions with at least one live agent now (the agent hub's view) */
    public SilentRegions(RegionId localRegion, Supplier<Set<RegionId>> liveRegions) {
        this.localRegion = localRegion;
        this.liveRegions = liveRegions;
    }

    /** The silent ones among {@code regions}. */
    public Set<RegionId> of(Collection<RegionId> regions) {
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
