package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.domain.FieldError;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetDraft;
import dev.heliograph.probe.codec.SpecCodec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What applying a target file to an org's targets does, matched by key: {@code create} the file's
 * targets the org lacks, {@code update} those that differ (naming the changed fields),
 * {@code unchanged} those equal to the stored ones, and, only with {@code prune}, {@code delete} the
 * org's targets the file lacks (otherwise they are kept and counted as {@code not_in_file}).
 */
final class ApplyPlan {
    /** Plan actions. */
    static final String CREATE = "create";
    static final String UPDATE = "update";
    static final String DELETE = "delete";
    static final String UNCHANGED = "unchanged";

    /** One target of the file: its position and its body. */
    record Entry(int index, TargetRequest request) {
    }

    /**
     * One step, by key.
     *
     * @param current the stored target ({@code null} for a create)
     * @param draft   the file's target ({@code null} for a delete)
     * @param fields  the fields an update changes ({@code name}, {@code spec.url}, ...); empty otherwise
     */
    record Step(String key, String action, List<String> fields, Target current, TargetDraft draft) {
    }

    private final List<Step> steps;
    private final int notInFile;

    private ApplyPlan(List<Step> steps, int notInFile) {
        this.steps = steps;
        this.notInFile = notInFile;
    }

    /**
     * The plan of {@code entries} against {@code existing} (every target of the org). Each entry's
     * problems go to {@code errors} (a missing key, invalid fields, a key or name used twice in the
     * file); names that a kept target (not in the file, no prune) already has go to {@code taken}.
     */
    static ApplyPlan of(List<Entry> entries, List<Target> existing, boolean prune, ItemDrafts drafts, ItemErrors errors,
                        ItemErrors taken) {
        Map<String, Target> byKey = new HashMap<>();
        existing.forEach(t -> byKey.put(t.key(), t));
        Map<String, Integer> keys = new HashMap<>();
        Map<String, Integer> names = new HashMap<>();
        List<Step> steps = new ArrayList<>();
        for (Entry entry : entries) {
            int i = entry.index();
            String key = entry.request().key();
            if (key == null) {
                errors.add(i, "key", FieldError.REQUIRED, "key is required: a target file matches targets by key");
            }
            Target current = key == null ? null : byKey.get(key);
            TargetDraft draft = drafts.draft(entry.request(), i, current == null ? null : current.spec(), errors);
            if (key != null && keys.putIfAbsent(key, i) != null) {
                errors.add(i, "key", ItemErrors.DUPLICATE, "key '" + key + "' is also used by targets[" + keys.get(key) + "]");
            }
            String name = entry.request().name();
            if (name != null && names.putIfAbsent(name, i) != null) {
                errors.add(i, "name", ItemErrors.DUPLICATE, "the name '" + name + "' is also used by targets[" + names.get(name) + "]");
            }
            if (draft == null || key == null) {
                continue;
            }
            if (current == null) {
                steps.add(new Step(key, CREATE, List.of(), null, draft));
            } else {
                List<String> fields = changedFields(current, draft);
                steps.add(new Step(key, fields.isEmpty() ? UNCHANGED : UPDATE, fields, current, draft));
            }
        }
        Set<String> parentKeys = new HashSet<>(keys.keySet());
        if (!prune) {
            parentKeys.addAll(byKey.keySet());
        }
        for (Entry entry : entries) {
            String parent = entry.request().key() == null ? null : steps.stream().filter(s -> s.key().equals(entry.request().key()))
                    .map(s -> s.draft().rules().parent()).filter(Objects::nonNull).findFirst().orElse(null);
            if (parent != null && !parentKeys.contains(parent)) {
                errors.add(entry.index(), "incident_rules.parent", FieldError.UNKNOWN_TARGET, "parent '" + parent
                        + "' is not the key of a target " + (prune ? "in the file" : "in the file or of the org"));
            }
        }
        int notInFile = notInFile(existing, keys, names, prune, steps, taken);
        steps.sort(Comparator.comparing(Step::key));
        return new ApplyPlan(steps, notInFile);
    }

    /**
     * The org's targets whose keys the file lacks: a {@code delete} step each with {@code prune};
     * otherwise counted, and their names, when a file target wants one, recorded in {@code taken}.
     */
    private static int notInFile(List<Target> existing, Map<String, Integer> keys, Map<String, Integer> names, boolean prune,
                                 List<Step> steps, ItemErrors taken) {
        int notInFile = 0;
        for (Target target : existing) {
            if (keys.containsKey(target.key())) {
                continue;
            }
            if (prune) {
                steps.add(new Step(target.key(), DELETE, List.of(), target, null));
                continue;
            }
            notInFile++;
            Integer user = names.get(target.name());
            if (user != null) {
                taken.add(user, "name", ItemErrors.TAKEN, "the target with key '" + target.key() + "', which is not in the file, "
                        + "is named '" + target.name() + "' (rename it, or apply with prune to delete it)");
            }
        }
        return notInFile;
    }

    /** The steps, sorted by key. */
    List<Step> steps() {
        return steps;
    }

    /** The steps with {@code action}. */
    List<Step> steps(String action) {
        return steps.stream().filter(s -> s.action().equals(action)).toList();
    }

    /**
     * The answer: {@code {"dry_run", "prune", "summary": {"create", "update", "delete", "unchanged",
     * "not_in_file"}, "items": [{"key", "action", "fields", "id"}, ...]}}; {@code ids} gives the id of
     * each key that has one (stored targets, and created ones after a real apply).
     */
    Map<String, Object> answer(boolean dryRun, boolean prune, Map<String, String> ids) {
        Map<String, Object> summary = new LinkedHashMap<>();
        for (String action : List.of(CREATE, UPDATE, DELETE, UNCHANGED)) {
            summary.put(action, steps(action).size());
        }
        summary.put("not_in_file", notInFile);
        List<Map<String, Object>> items = new ArrayList<>();
        for (Step step : steps) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("key", step.key());
            item.put("action", step.action());
            if (step.action().equals(UPDATE)) {
                item.put("fields", step.fields());
            }
            String id = ids.get(step.key());
            if (id != null) {
                item.put("id", id);
            }
            items.add(item);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("dry_run", dryRun);
        answer.put("prune", prune);
        answer.put("summary", summary);
        answer.put("items", items);
        return answer;
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
