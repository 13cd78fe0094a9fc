package dev.heliograph.controlplane.maintenance;

import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One immutable snapshot of every maintenance window, indexed for the questions of
 * {@link MaintenanceSchedule}: per org, the enabled windows by target id and by tag, so that asking
 * about one target looks at the windows that name it or one of its tags, never at other targets or
 * windows. Safe to read from any thread; each window caches its last answer of
 * {@link Occurrences#stateAt} (valid until its next start or end).
 */
final class WindowIndex {
    static final WindowIndex EMPTY = new WindowIndex(List.of());

    /** An instant at which windows start or end, and the orgs they belong to. */
    record Boundary(Instant at, Set<OrgId> orgs) {
    }

    private final Map<OrgId, Map<TargetId, List<Entry>>> byTarget = new HashMap<>();
    private final Map<OrgId, Map<String, List<Entry>>> byTag = new HashMap<>();
    private final List<Entry> enabled = new ArrayList<>();
    private final Map<OrgId, Map<MaintenanceWindowId, Long>> versions = new HashMap<>();

    WindowIndex(List<MaintenanceWindow> windows) {
        for (MaintenanceWindow window : windows) {
            versions.computeIfAbsent(window.orgId(), org -> new HashMap<>()).put(window.id(), window.version());
            if (!window.settings().enabled()) {
                continue;
            }
            Entry entry = new Entry(window);
            enabled.add(entry);
            Map<TargetId, List<Entry>> targets = byTarget.computeIfAbsent(window.orgId(), org -> new HashMap<>());
            window.settings().targetIds().forEach(id -> targets.computeIfAbsent(id, k -> new ArrayList<>()).add(entry));
            Map<String, List<Entry>> tags = byTag.computeIfAbsent(window.orgId(), org -> new HashMap<>());
            window.settings().tags().forEach(tag -> tags.computeIfAbsent(tag, k -> new ArrayList<>()).add(entry));
        }
    }

    /** The strongest mode of the enabled windows covering {@code target} that are in force at {@code at}. */
    MaintenanceMode modeAt(Target target, Instant at) {
        MaintenanceMode mode = MaintenanceMode.NONE;
        for (Entry entry : covering(target)) {
            if (entry.window.settings().mode().compareTo(mode) > 0 && entry.activeAt(at)) {
                mode = mode.and(entry.window.settings().mode());
            }
        }
        return mode;
    }

    /** The occurrences in {@code [from, to)} of the enabled windows covering {@code target} with {@code mode}, merged and cut to it. */
    List<Interval> intervals(Target target, MaintenanceMode mode, Instant from, Instant to) {
        List<Interval> all = new ArrayList<>();
        for (Entry entry : covering(target)) {
            if (entry.window.settings().mode() == mode) {
                all.addAll(entry.occurrences.between(from, to));
            }
        }
        return Interval.merged(all, from, to);
    }

    /**
     * The earliest instant after {@code after} at which an enabled window starts or ends, with the
     * orgs of every window that does so then; empty when none ever will.
     */
    Optional<Boundary> nextBoundary(Instant after) {
        Instant earliest = null;
        Set<OrgId> orgs = new HashSet<>();
        for (Entry entry : enabled) {
            Instant next = entry.stateAt(after).until();
            if (next == null || (earliest != null && next.isAfter(earliest))) {
                continue;
            }
            if (earliest == null || next.isBefore(earliest)) {
                earliest = next;
                orgs.clear();
            }
            orgs.add(entry.window.orgId());
        }
        return earliest == null ? Optional.empty() : Optional.of(new Boundary(earliest, Set.copyOf(orgs)));
    }

    /** The orgs whose windows differ between this snapshot and {@code other}: created, changed or deleted ones. */
    Set<OrgId> changedOrgs(WindowIndex other) {
        Set<OrgId> changed = new HashSet<>();
        Set<OrgId> orgs = new HashSet<>(versions.keySet());
        orgs.addAll(other.versions.keySet());
        for (OrgId org : orgs) {
            if (!versions.getOrDefault(org, Map.of()).equals(other.versions.getOrDefault(org, Map.of()))) {
                changed.add(org);
            }
        }
        return changed;
    }

    /** The enabled windows of the target's org that name the target or one of its tags, each once. */
    private List<Entry> covering(Target target) {
        Map<TargetId, List<Entry>> targets = byTarget.get(target.orgId());
        Map<String, List<Entry>> tags = byTag.get(target.orgId());
        if (targets == null) {
            return List.of(); // the org has no enabled window
        }
        List<Entry> named = targets.getOrDefault(target.id(), List.of());
        if (target.tags().isEmpty() || tags.isEmpty()) {
            return named;
        }
        Map<Entry, Boolean> found = new IdentityHashMap<>();
        named.forEach(entry -> found.put(entry, true));
        for (String tag : target.tags()) {
            tags.getOrDefault(tag, List.of()).forEach(entry -> found.put(entry, true));
        }
        return new ArrayList<>(found.keySet());
    }

    /** One enabled window with its occurrences and its last known state. */
    private static final class Entry {
        final MaintenanceWindow window;
        final Occurrences occurrences;
        private volatile Occurrences.State cached;

        Entry(MaintenanceWindow window) {
            this.window = window;
            this.occurrences = window.settings().occurrences();
        }

        boolean activeAt(Instant at) {
            return stateAt(at).active();
        }

        Occurrences.State stateAt(Instant at) {
            Occurrences.State state = cached;
            if (state == null || !state.covers(at)) {
                state = occurrences.stateAt(at);
                cached = state;
            }
            return state;
        }
    }
}
