package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.domain.FieldError;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetDraft;
import dev.heliograph.probe.codec.SpecCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What applying a target file to an org's targets does, matched by key ({@link KeyedPlan}): the
 * target rules of the plan (the same validation as {@code POST /api/v1/targets}, the fields an
 * update changes) and the check that each {@code incident_rules.parent} names a target that stays.
 */
final class ApplyPlan {
    private ApplyPlan() {
    }

    /** One target of the file: its position and its body. */
    record Entry(int index, TargetRequest request) {
    }

    /** The targets of a target file, validated by {@link ItemDrafts}. */
    private record Targets(ItemDrafts drafts) implements KeyedPlan.Kind<TargetRequest, Target, TargetDraft> {
        @Override
        public String list() {
            return "targets";
        }

        @Override
        public String noun() {
            return "target";
        }

        @Override
        public String key(Target stored) {
            return stored.key();
        }

        @Override
        public String name(Target stored) {
            return stored.name();
        }

        @Override
        public TargetDraft draft(TargetRequest item, int index, Target current, ItemErrors errors) {
            return drafts.draft(item, index, current == null ? null : current.spec(), errors);
        }

        @Override
        public List<String> changes(Target current, TargetDraft draft) {
            return changedFields(current, draft);
        }
    }

    /**
     * The plan of {@code entries} against {@code existing} (every target of the org). Each entry's
     * problems go to {@code errors} (a missing key, invalid fields, a key or name used twice in the
     * file, a parent that is not the key of a target that stays); names that a kept target (not in
     * the file, no prune) already has go to {@code taken}.
     */
    static KeyedPlan<Target, TargetDraft> of(List<Entry> entries, List<Target> existing, boolean prune, ItemDrafts drafts,
                                             ItemErrors errors, ItemErrors taken) {
        List<KeyedPlan.Entry<TargetRequest>> items = entries.stream()
                .map(e -> new KeyedPlan.Entry<>(e.index(), e.request().key(), e.request().name(), e.request())).toList();
        KeyedPlan<Target, TargetDraft> plan = KeyedPlan.of(new Targets(drafts), items, existing, prune, errors, taken);
        Set<String> parentKeys = new HashSet<>(plan.fileKeys());
        if (!prune) {
            existing.forEach(t -> parentKeys.add(t.key()));
        }
        Map<String, String> parents = new HashMap<>();
        plan.steps().stream().filter(s -> s.draft() != null && s.draft().rules().parent() != null)
                .forEach(s -> parents.putIfAbsent(s.key(), s.draft().rules().parent()));
        for (Entry entry : entries) {
            String parent = entry.request().key() == null ? null : parents.get(entry.request().key());
            if (parent != null && !parentKeys.contains(parent)) {
                errors.add(entry.index(), "incident_rules.parent", FieldError.UNKNOWN_TARGET, "parent '" + parent
                        + "' is not the key of a target " + (prune ? "in the file" : "in the file or of the org"));
            }
        }
        return plan;
    }

    /**
     * The fields in which {@code draft} differs from {@code current}, in file order: {@code name},
     * {@code kind} (then also {@code spec}), {@code spec.<field>} for each top-level spec field that
     * differs, {@code interval_s}, {@code timeout_ms}, {@code regions} and {@code tags} (as sets:
     * order does not matter), {@code enabled}, {@code incident_rules}. Secrets are compared by value, never shown.
     */
    static List<String> changedFields(Target current, TargetDraft draft) {
        List<String> fields = new ArrayList<>();
        if (!current.name().equals(draft.name())) {
            fields.add("name");
        }
        if (current.kind() != draft.spec().kind()) {
            fields.add("kind");
            fields.add("spec");
        } else {
            fields.addAll(specFields(SpecCodec.tree(current.spec()), SpecCodec.tree(draft.spec())));
        }
        if (current.interval().toSeconds() != draft.intervalS()) {
            fields.add("interval_s");
        }
        if (current.timeout().toMillis() != draft.timeoutMs()) {
            fields.add("timeout_ms");
        }
        if (!new HashSet<>(current.regions()).equals(new HashSet<RegionId>(draft.regions()))) {
            fields.add("regions");
        }
        if (!current.tags().equals(draft.tags())) {
            fields.add("tags");
        }
        if (current.enabled() != draft.enabled()) {
            fields.add("enabled");
        }
        if (!current.rules().equals(draft.rules())) {
            fields.add("incident_rules");
        }
        return fields;
    }

    private static List<String> specFields(ObjectNode stored, ObjectNode wanted) {
        Set<String> names = new LinkedHashSet<>();
        wanted.fieldNames().forEachRemaining(names::add);
        stored.fieldNames().forEachRemaining(names::add);
        List<String> fields = new ArrayList<>();
        for (String name : names) {
            if (!Objects.equals(stored.get(name), wanted.get(name))) {
                fields.add("spec." + name);
            }
        }
        return fields;
    }
}
