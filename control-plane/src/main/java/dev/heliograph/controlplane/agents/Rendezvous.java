package dev.heliograph.controlplane.agents;

import dev.heliograph.domain.TargetId;
import java.util.Collection;
import java.util.UUID;

/**
 * Rendezvous (highest-random-weight) hashing of targets onto a region's live agents (Thaler and
 * Ravishankar, "Using name-based mappings to increase hit rates", IEEE/ACM ToN 1998): every target
 * goes to the agent with the highest {@code weight(target, agent)}, so each target has exactly one
 * owner, and when an agent leaves or joins only the targets it owned or wins move.
 *
 * <p>Why our own: it is the assignment core of the agent protocol and ten lines; the weight is the
 * SplitMix64 finalizer (Steele, Lea and Flood, OOPSLA 2014) over the two ids' bits.
 */
public final class Rendezvous {
    private Rendezvous() {
    }

    /** The owner of {@code target} among {@code agents}, or {@code null} when there are none. */
    public static UUID owner(TargetId target, Collection<UUID> agents) {
        UUID best = null;
        long bestWeight = 0;
        for (UUID agent : agents) {
            long weight = weight(target.value(), agent);
            if (best == null || Long.compareUnsigned(weight, bestWeight) > 0
                    || (weight == bestWeight && agent.compareTo(best) < 0)) {
                best = agent;
                bestWeight = weight;
            }
        }
        return best;
    }

    /** The weight of {@code agent} for {@code target}: a 64-bit mix of both ids. */
    static long weight(UUID target, UUID agent) {
        long agentSeed = mix(agent.getMostSignificantBits() ^ mix(agent.getLeastSignificantBits()));
        return mix(target.getMostSignificantBits() ^ mix(target.getLeastSignificantBits() ^ agentSeed));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
