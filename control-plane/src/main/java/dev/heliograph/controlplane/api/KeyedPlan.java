package dev.heliograph.controlplane.api;

import dev.heliograph.domain.FieldError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What applying one list of a config file (the targets of a target file; the alert channels,
 * notification policies or maintenance windows of an alerting file) does to the org's items of that
 * kind, matched by key: {@code create} the file's items the org lacks, {@code update} those that
 * differ (naming the changed fields), {@code unchanged} those equal to the stored ones, and, only
 * with {@code prune}, {@code delete} the org's items the file lacks (otherwise they are kept and
 * counted as {@code not_in_file}). Also finds the problems every list shares: a missing key, a key
 * or name used twice in the file, and a name that a kept item outside the file already has.
 *
 * @param <S> a stored item
 * @param <D> a validated item of the file
 */
final class KeyedPlan<S, D> {
    /** Plan actions. */
    static final String CREATE = "create";
    static final String UPDATE = "update";
    static final String DELETE = "delete";
    static final String UNCHANGED = "unchanged";
    private static final List<String> ACTIONS = List.of(CREATE, UPDATE, DELETE, UNCHANGED);

    /**
     * How the items of one list are named, validated and compared.
     *
     * @param <R> an item of the file as bound
     */
    interface Kind<R, S, D> {
        /** The list's name in the file and in error paths: {@code targets}. */
        String list();

        /** One item in messages: {@code target}. */
        String noun();

        /** The key of a stored item (unique within the org and kind). */
        String key(S stored);

        /** The name of a stored item (unique within the org and kind). */
        String name(S stored);

        /**
         * The validated draft of item {@code index}, or {@code null} after recording its errors.
         *
         * @param current the stored item with the entry's key, whose secrets {@code "***"} keeps;
         *                {@code null} for a new item
         */
        D draft(R item, int index, S current, ItemErrors errors);

        /** The fields in which {@code draft} differs from {@code current}, in file order; empty when equal. */
        List<String> changes(S current, D draft);
    }

    /** One item of the file: its position, its key and name (either may be missing), and its body. */
    record Entry<R>(int index, String key, String name, R item) {
    }

    /**
     * One step, by key.
     *
     * @param current the stored item ({@code null} for a create)
     * @param draft   the file's item ({@code null} for a delete)
     * @param fields  the fields an update changes; empty otherwise
     */
    record Step<S, D>(String key, String action, List<String> fields, S current, D draft) {
    }

    private final List<Step<S, D>> steps;
    private final Set<String> fileKeys;
    private final int notInFile;

    private KeyedPlan(List<Step<S, D>> steps, Set<String> fileKeys, int notInFile) {
        this.steps = steps;
        this.fileKeys = fileKeys;
        this.notInFile = notInFile;
    }

    /**
     * The plan of {@code entries} against {@code existing} (every item of the org of this kind). Each
     * entry's problems go to {@code errors}, in this order: a missing key, the draft's own, a key used
     * twice, a name used twice; names that a kept item (not in the file, no prune) has go to {@code taken}.
     */
    static <R, S, D> KeyedPlan<S, D> of(Kind<R, S, D> kind, List<Entry<R>> entries, List<S> existing, boolean prune,
                                        ItemErrors errors, ItemErrors taken) {
        Map<String, S> byKey = new HashMap<>();
        existing.forEach(stored -> byKey.put(kind.key(stored), stored));
        Map<String, Integer> keys = new LinkedHashMap<>();
        Map<String, Integer> names = new HashMap<>();
        List<Step<S, D>> steps = new ArrayList<>();
        for (Entry<R> entry : entries) {
            int i = entry.index();
            String key = entry.key();
            if (key == null) {
                errors.add(i, "key", FieldError.REQUIRED, "key is required: the file matches each " + kind.noun() + " by key");
            }
            S current = key == null ? null : byKey.get(key);
            D draft = kind.draft(entry.item(), i, current, errors);
            if (key != null && keys.putIfAbsent(key, i) != null) {
                errors.add(i, "key", ItemErrors.DUPLICATE, "key '" + key + "' is also used by " + kind.list() + "[" + keys.get(key) + "]");
            }
            String name = entry.name();
            if (name != null && names.putIfAbsent(name, i) != null) {
                errors.add(i, "name", ItemErrors.DUPLICATE, "the name '" + name + "' is also used by " + kind.list() + "["
                        + names.get(name) + "]");
            }
            if (draft == null || key == null) {
                continue;
            }
            if (current == null) {
                steps.add(new Step<>(key, CREATE, List.of(), null, draft));
            } else {
                List<String> fields = kind.changes(current, draft);
                steps.add(new Step<>(key, fields.isEmpty() ? UNCHANGED : UPDATE, fields, current, draft));
            }
        }
        int notInFile = 0;
        for (S stored : existing) {
            if (keys.containsKey(kind.key(stored))) {
                continue;
            }
            if (prune) {
                steps.add(new Step<>(kind.key(stored), DELETE, List.of(), stored, null));
                continue;
            }
            notInFile++;
            Integer user = names.get(kind.name(stored));
            if (user != null) {
                taken.add(user, "name", ItemErrors.TAKEN, "the " + kind.noun() + " with key '" + kind.key(stored) + "', which is not in "
                        + "the file, is named '" + kind.name(stored) + "' (rename it, or apply with prune to delete it)");
            }
        }
        steps.sort(Comparator.comparing(Step::key));
        return new KeyedPlan<>(steps, new LinkedHashSet<>(keys.keySet()), notInFile);
    }

    /** The steps, sorted by key. */
    List<Step<S, D>> steps() {
        return steps;
    }

    /** The steps with {@code action}. */
    List<Step<S, D>> steps(String action) {
        return steps.stream().filter(s -> s.action().equals(action)).toList();
    }

    /** Whether any step creates, updates or deletes. */
    boolean changes() {
        return steps.stream().anyMatch(step -> !step.action().equals(UNCHANGED));
    }

    /** The keys of the file's items (also those of invalid items). */
    Set<String> fileKeys() {
        return fileKeys;
    }

    /** How many items of the org the file lacks and that stay (no prune). */
    int notInFile() {
        return notInFile;
    }

    /**
     * The answer's items of this plan, sorted by key: {@code {"kind" (when not null), "key", "action",
     * "fields" (updates only), "id" (when {@code id} gives one)}}.
     */
    List<Map<String, Object>> items(String kind, Function<Step<S, D>, String> id) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (Step<S, D> step : steps) {
            Map<String, Object> item = new LinkedHashMap<>();
            if (kind != null) {
                item.put("kind", kind);
            }
            item.put("key", step.key());
            item.put("action", step.action());
            if (step.action().equals(UPDATE)) {
                item.put("fields", step.fields());
            }
            String known = id.apply(step);
            if (known != null) {
                item.put("id", known);
            }
            items.add(item);
        }
        return items;
    }

    /**
     * The answer of an apply: {@code {"dry_run", "prune", "summary": {"create", "update", "delete",
     * "unchanged", "not_in_file"}, "items": [...]}}, the summary counted over all {@code plans}.
     */
    static Map<String, Object> answer(boolean dryRun, boolean prune, List<? extends KeyedPlan<?, ?>> plans,
                                      List<Map<String, Object>> items) {
        Map<String, Object> summary = new LinkedHashMap<>();
        for (String action : ACTIONS) {
            summary.put(action, plans.stream().mapToInt(plan -> plan.steps(action).size()).sum());
        }
        summary.put("not_in_file", plans.stream().mapToInt(KeyedPlan::notInFile).sum());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("dry_run", dryRun);
        answer.put("prune", prune);
        answer.put("summary", summary);
        answer.put("items", items);
        return answer;
    }
}
