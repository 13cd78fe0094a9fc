package dev.heliograph.controlplane.agents;

import dev.heliograph.domain.RegionId;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names of the regions that exist, kept in memory so that validating a target's regions costs
 * no query. Loaded at start-up and kept current by the region API; thread-safe.
 */
public final class RegionCatalog {
    private final Set<RegionId> regions = ConcurrentHashMap.newKeySet();

    /** Replaces the known regions with {@code all}. */
    public void load(Collection<RegionId> all) {
        regions.retainAll(Set.copyOf(all));
        regions.addAll(all);
    }

    /** Whether {@code region} exists. */
    public boolean contains(RegionId region) {
        return regions.contains(region);
    }

    /** A region was created. */
    public void added(RegionId region) {
        regions.add(region);
    }

    /** A region was deleted. */
    public void removed(RegionId region) {
        regions.remove(region);
    }
}
