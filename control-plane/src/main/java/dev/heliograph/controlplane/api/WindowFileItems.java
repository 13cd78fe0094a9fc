package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.maintenance.MaintenanceWindow;
import dev.heliograph.controlplane.maintenance.MaintenanceWindowRequest;
import dev.heliograph.controlplane.maintenance.Recurrence;
import dev.heliograph.controlplane.maintenance.WindowSettings;
import dev.heliograph.domain.FieldError;
import dev.heliograph.domain.TargetId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The maintenance windows of an alerting file ({@link KeyedPlan.Kind}): validated by
 * {@link MaintenanceWindowRequest#validate()}, the rules of {@code /api/v1/maintenance-windows},
 * after the window's {@code targets} (keys) are turned into the ids the API takes. A key that names
 * no target of the org is {@code UNKNOWN_TARGET} at {@code targets[i]}; the API's errors about
 * {@code target_ids} are reported as {@code targets}.
 *
 * @param targetIds the id of each target of the org, by key
 * @param live      the ids of the org's targets
 */
record WindowFileItems(Map<String, TargetId> targetIds, Set<TargetId> live)
        implements KeyedPlan.Kind<AlertingFileCodec.Window, MaintenanceWindow, WindowSettings> {
    private static final String API_FIELD = "target_ids";
    private static final String FILE_FIELD = "targets";

    /** The windows of a file of an org whose targets have these keys, by id. */
    static WindowFileItems of(Map<TargetId, String> targetKeys) {
        Map<String, TargetId> byKey = new HashMap<>();
        targetKeys.forEach((id, key) -> byKey.put(key, id));
        return new WindowFileItems(byKey, Set.copyOf(targetKeys.keySet()));
    }

    @Override
    public String list() {
        return AlertingFileCodec.WINDOWS;
    }

    @Override
    public String noun() {
        return "maintenance window";
    }

    @Override
    public String key(MaintenanceWindow stored) {
        return stored.key();
    }

    @Override
    public String name(MaintenanceWindow stored) {
        return stored.settings().name();
    }

    @Override
    public WindowSettings draft(AlertingFileCodec.Window item, int index, MaintenanceWindow current, ItemErrors errors) {
        List<String> keys = item.targets() == null ? List.of() : item.targets();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            TargetId id = keys.get(i) == null ? null : targetIds.get(keys.get(i));
            if (id == null) {
                errors.add(index, FILE_FIELD + "[" + i + "]", MaintenanceWindowRequest.UNKNOWN_TARGET, "the org has no target with key '"
                        + keys.get(i) + "'");
            } else {
                ids.add(id.toString());
            }
        }
        MaintenanceWindowRequest.Validation validation = item.request(item.targets() == null ? null : ids).validate();
        for (FieldError error : validation.errors()) {
            if (!error.field().startsWith(API_FIELD)) {
                errors.add(index, error);
            } else if (keys.isEmpty() || !error.code().equals(FieldError.REQUIRED)) {
                // Named targets that are all unknown are reported above, not again as "no targets".
                errors.add(index, FILE_FIELD + error.field().substring(API_FIELD.length()), error.code(),
                        error.message().replace(API_FIELD, FILE_FIELD));
            }
        }
        return validation.settings();
    }

    /**
     * {@code name}, {@code starts_at}, {@code time_zone}, {@code duration_s}, {@code rrule},
     * {@code mode}, {@code targets} and {@code tags} (as sets; a stored target id whose target is gone
     * does not count, as the export leaves it out), {@code enabled}.
     */
    @Override
    public List<String> changes(MaintenanceWindow current, WindowSettings draft) {
        WindowSettings stored = current.settings();
        List<String> fields = new ArrayList<>();
        if (!stored.name().equals(draft.name())) {
            fields.add("name");
        }
        if (!stored.startsAt().equals(draft.startsAt())) {
            fields.add("starts_at");
        }
        if (!stored.timeZone().equals(draft.timeZone())) {
            fields.add("time_zone");
        }
        if (!stored.duration().equals(draft.duration())) {
            fields.add("duration_s");
        }
        if (!Objects.equals(text(stored.recurrence()), text(draft.recurrence()))) {
            fields.add("rrule");
        }
        if (stored.mode() != draft.mode()) {
            fields.add("mode");
        }
        if (!live(stored.targetIds()).equals(new HashSet<>(draft.targetIds()))) {
            fields.add(FILE_FIELD);
        }
        if (!stored.tags().equals(draft.tags())) {
            fields.add("tags");
        }
        if (stored.enabled() != draft.enabled()) {
            fields.add("enabled");
        }
        return fields;
    }

    /** Those of {@code ids} whose targets still exist. */
    private Set<TargetId> live(Collection<TargetId> ids) {
        Set<TargetId> found = new HashSet<>(ids);
        found.retainAll(live);
        return found;
    }

    private static String text(Recurrence recurrence) {
        return recurrence == null ? null : recurrence.text();
    }
}
