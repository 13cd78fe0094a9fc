package dev.heliograph.controlplane.incidents;

import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the incident engine looks up across targets: the enabled targets (by id, and by org and key,
 * since a child names its parent by key) and the active incidents (by id: their target; which are
 * down; how many of each kind). Written on the engine's event loop only; {@link #target} and
 * {@link #openByKind} may be read from any thread.
 */
final class EngineIndex {
    private final Map<TargetId, Target> targets = new ConcurrentHashMap<>();
    private final Map<String, TargetId> byKey = new HashMap<>();
    private final Map<UUID, TargetId> incidentTargets = new HashMap<>();
    private final Set<UUID> activeDown = new HashSet<>();
    private final Map<IncidentKind, Integer> openByKind = new ConcurrentHashMap<>();

    /** Keeps {@code target} (and its key); the target it replaced, or {@code null}. */
    Target remember(Target target) {
        Target before = targets.put(target.id(), target);
        if (before != null && !before.key().equals(target.key())) {
            byKey.remove(keyOf(before.orgId(), before.key()), before.id());
        }
        byKey.put(keyOf(target.orgId(), target.key()), target.id());
        return before;
    }

    /** Forgets target {@code id} (deleted or paused). */
    void forget(TargetId id) {
        Target gone = targets.remove(id);
        if (gone != null) {
            byKey.remove(keyOf(gone.orgId(), gone.key()), id);
        }
    }

    /** The enabled target {@code id}, or {@code null}; thread-safe. */
    Target target(TargetId id) {
        return targets.get(id);
    }

    /** The ids of the enabled targets (a copy). */
    List<TargetId> targetIds() {
        return List.copyOf(targets.keySet());
    }

    /** The target named {@code key} in {@code org}, or {@code null}. */
    TargetId byKey(OrgId org, String key) {
        return byKey.get(keyOf(org, key));
    }

    /** The target of active incident {@code incident}, or {@code null}. */
    TargetId incidentTarget(UUID incident) {
        return incidentTargets.get(incident);
    }

    /** Whether {@code incident} is an active down incident. */
    boolean activeDown(UUID incident) {
        return activeDown.contains(incident);
    }

    /** Active incidents by kind (for the gauge; live, thread-safe). */
    Map<IncidentKind, Integer> openByKind() {
        return openByKind;
    }

    /** Follows one target's slot from {@code before} ({@code null} when new) to {@code after}. */
    void index(SlotState before, SlotState after) {
        for (Tracked tracked : before == null ? List.<Tracked>of() : Arrays.asList(before.problem(), before.config())) {
            if (tracked != null) {
                incidentTargets.remove(tracked.incident().id());
                activeDown.remove(tracked.incident().id());
                openByKind.merge(tracked.incident().kind(), -1, Integer::sum);
            }
        }
        for (Tracked tracked : Arrays.asList(after.problem(), after.config())) {
            if (tracked != null) {
                incidentTargets.put(tracked.incident().id(), tracked.incident().targetId());
                if (tracked.incident().kind() == IncidentKind.DOWN) {
                    activeDown.add(tracked.incident().id());
                }
                openByKind.merge(tracked.incident().kind(), 1, Integer::sum);
            }
        }
    }

    /** The ids among {@code candidates} of enabled targets of {@code parent}'s org that name it as their parent. */
    List<TargetId> children(Target parent, Collection<TargetId> candidates) {
        return candidates.stream().filter(id -> {
            Target child = targets.get(id);
            return child != null && child.orgId().equals(parent.orgId()) && parent.key().equals(child.rules().parent());
        }).toList();
    }

    private static String keyOf(OrgId org, String key) {
        return org.value() + "/" + key;
    }
}
