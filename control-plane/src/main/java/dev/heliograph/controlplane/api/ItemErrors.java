package dev.heliograph.controlplane.api;

import dev.heliograph.domain.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The field errors of the items of one bulk request ({@code items[3].spec.url}) or config file
 * ({@code targets[3].spec.url}), gathered so that one answer lists every bad item. The answer's
 * {@code details} hold {@code fields} (every error, paths prefixed as above, the same shape as a
 * single target's 422) and {@code items} ({@code [{"list": "targets", "index": 3, "key": "web",
 * "fields": [...]}]}, paths relative to the item). A file with several lists (the alerting file)
 * keeps one instance per list and answers for all of them at once ({@link #exception(int, String,
 * List)}).
 */
final class ItemErrors {
    /** Code of a value that another item of the same request already uses (a key, name or id). */
    static final String DUPLICATE = "DUPLICATE";
    /** Code of an id that names no target of the caller's org. */
    static final String NOT_FOUND = "NOT_FOUND";
    /** Code of a name or key that a target outside the request already has. */
    static final String TAKEN = "TAKEN";

    private final String list;
    private final Map<Integer, List<FieldError>> byIndex = new TreeMap<>();
    private final Map<Integer, String> keys = new TreeMap<>();

    /** @param list the name of the item list in the request: {@code items} or {@code targets} */
    ItemErrors(String list) {
        this.list = list;
    }

    /** Records an error of item {@code index}; {@code field} is relative to the item ({@code spec.url}). */
    void add(int index, String field, String code, String message) {
        add(index, new FieldError(field, code, message));
    }

    /** Records an error of item {@code index}, its field relative to the item. */
    void add(int index, FieldError error) {
        byIndex.computeIfAbsent(index, i -> new ArrayList<>()).add(error);
    }

    /** Records every error in {@code errors} for item {@code index}. */
    void addAll(int index, List<FieldError> errors) {
        errors.forEach(error -> add(index, error));
    }

    /** Records a binding failure of item {@code index} (400 {@code UNKNOWN_FIELD}, {@code INVALID_FIELD_TYPE}) as a field error. */
    void add(int index, ApiException bindingError) {
        Object field = bindingError.details().get("field");
        add(index, field == null ? "" : field.toString(), bindingError.code(), bindingError.getMessage());
    }

    /** Names item {@code index} by its key in the answer (when it has one). */
    void key(int index, String key) {
        if (key != null) {
            keys.put(index, key);
        }
    }

    /** Whether any item has an error. */
    boolean any() {
        return !byIndex.isEmpty();
    }

    /** Whether any item of {@code lists} has an error. */
    static boolean any(List<ItemErrors> lists) {
        return lists.stream().anyMatch(ItemErrors::any);
    }

    /** 422 {@code VALIDATION_FAILED} with every error. */
    ApiException validationFailed() {
        return validationFailed(List.of(this));
    }

    /** 422 {@code VALIDATION_FAILED} with every error of every list. */
    static ApiException validationFailed(List<ItemErrors> lists) {
        int items = lists.stream().mapToInt(errors -> errors.byIndex.size()).sum();
        return exception(422, "VALIDATION_FAILED", items == 1 ? "1 item is invalid" : items + " items are invalid", lists);
    }

    /**
     * 409 for names or keys (code {@link #TAKEN}) that targets outside the request keep:
     * {@code TARGET_NAME_TAKEN} when a name is among them, else {@code TARGET_KEY_TAKEN}.
     */
    ApiException conflict() {
        boolean name = byIndex.values().stream().flatMap(List::stream).anyMatch(e -> e.field().equals("name"));
        return exception(409, name ? "TARGET_NAME_TAKEN" : "TARGET_KEY_TAKEN", byIndex.size() == 1
                ? "1 item uses a name or key of another target" : byIndex.size() + " items use names or keys of other targets");
    }

    /** An error answer with {@code status} and {@code code} whose details list every recorded error. */
    ApiException exception(int status, String code, String message) {
        return exception(status, code, message, List.of(this));
    }

    /** An error answer with {@code status} and {@code code} whose details list every error of {@code lists}, list by list. */
    static ApiException exception(int status, String code, String message, List<ItemErrors> lists) {
        List<Map<String, Object>> fields = new ArrayList<>();
        List<Map<String, Object>> items = new ArrayList<>();
        lists.forEach(one -> one.describe(fields, items));
        return new ApiException(status, code, message, Map.of("fields", fields, "items", items));
    }

    /** Adds this list's errors to the answer's {@code fields} and {@code items}. */
    private void describe(List<Map<String, Object>> fields, List<Map<String, Object>> items) {
        byIndex.forEach((index, errors) -> {
            List<Map<String, Object>> own = new ArrayList<>();
            for (FieldError error : errors) {
                String path = list + "[" + index + "]" + (error.field().isEmpty() ? "" : "." + error.field());
                fields.add(Map.of("field", path, "code", error.code(), "message", error.message()));
                own.add(Map.of("field", error.field(), "code", error.code(), "message", error.message()));
            }
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("list", list);
            item.put("index", index);
            if (keys.containsKey(index)) {
                item.put("key", keys.get(index));
            }
            item.put("fields", own);
            items.add(item);
        });
    }
}
