package dev.heliograph.controlplane.maintenance;

import dev.heliograph.domain.FieldError;
import dev.heliograph.domain.TargetDraft;
import dev.heliograph.domain.TargetId;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /api/v1/maintenance-windows}, {@code PUT .../{id}} and
 * {@code POST /api/v1/maintenance-windows:preview}, as sent. {@link #validate()} lists every
 * problem at once with the API's field names (a target id of another org is found later, by the
 * store: {@link #unknownTargets}).
 *
 * <p>Decisions: {@code starts_at} is local wall-clock time and refuses an offset or {@code Z} (also
 * with {@code time_zone} UTC), so that one field never means two things; {@code time_zone} must be a
 * region of the IANA tz database ({@code Europe/Berlin}, {@code UTC}), never a fixed offset such as
 * {@code +02:00}, which would not follow daylight-saving time.
 */
@Schema(description = "The settings of a maintenance window (create, replace, preview).")
public record MaintenanceWindowRequest(
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "the window's stable name for tools: 1..128 "
                + "characters of [A-Za-z0-9_.:/-], unique within the org; default on create the id's text, on replace the "
                + "stored key") String key,
        @Schema(description = "1..200 characters, unique within the org", example = "sunday db maintenance") String name,
        @Schema(description = "local wall-clock time of the first occurrence in time_zone, without an offset or Z: "
                + "yyyy-MM-ddTHH:mm[:ss], years 2000..2199", example = "2026-03-29T02:30:00") String startsAt,
        @Schema(description = "an IANA time zone (tz database region such as Europe/Berlin or UTC), not a fixed offset",
                example = "Europe/Berlin") String timeZone,
        @Schema(description = "length of each occurrence in elapsed seconds, 60..31622400 (366 days)", example = "7200")
        Integer durationS,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, types = {"string", "null"}, description = "RFC 5545 RRULE "
                + "value without DTSTART, e.g. FREQ=WEEKLY;BYDAY=SU; at most hourly, no BYSECOND, not COUNT and UNTIL "
                + "together; absent or null for a one-off window") String rrule,
        @Schema(allowableValues = {"mute", "pause"}, description = "mute: checks run, nothing is notified, the time is left "
                + "out of uptime; pause: no checks") String mode,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "ids of targets of the org in scope, at most "
                + "1000") List<String> targetIds,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "every target carrying one of these tags is "
                + "in scope, at most 32; target_ids or tags must name something") List<String> tags,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "false keeps the window without effect; "
                + "default true") Boolean enabled) {
    /** Shortest occurrence, s. */
    public static final int MIN_DURATION_S = 60;
    /** Longest occurrence, s (366 days). */
    public static final int MAX_DURATION_S = 31_622_400;
    /** Most target ids in one window. */
    public static final int MAX_TARGET_IDS = 1_000;
    /** Most tags in one window. */
    public static final int MAX_TAGS = 32;
    /** Longest name, characters. */
    public static final int MAX_NAME_LENGTH = 200;
    /** Code of a {@code target_ids} entry that is no target of the org. */
    public static final String UNKNOWN_TARGET = "UNKNOWN_TARGET";
    /** Code of an {@code rrule} that yields no occurrence from {@code starts_at}. */
    public static final String NO_OCCURRENCE = "NO_OCCURRENCE";

    private static final Pattern LOCAL_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?");
    private static final Pattern WITH_OFFSET = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|z|[+-]\\d{2}(:?\\d{2})?)");

    /**
     * What {@link #validate()} found.
     *
     * @param errors      every problem, empty when the window may be stored
     * @param occurrences the occurrences when {@code starts_at}, {@code time_zone}, {@code duration_s}
     *                    and {@code rrule} are valid (even if other fields are not), else {@code null}
     * @param settings    the settings when there is no error, else {@code null}
     */
    public record Validation(List<FieldError> errors, Occurrences occurrences, WindowSettings settings) {
        public Validation {
            errors = List.copyOf(errors);
        }

        /** Whether the window may be stored. */
        public boolean valid() {
            return errors.isEmpty();
        }

        /** This validation with {@code more} errors added (and so without settings). */
        public Validation with(List<FieldError> more) {
            if (more.isEmpty()) {
                return this;
            }
            List<FieldError> all = new ArrayList<>(errors);
            all.addAll(more);
            return new Validation(all, occurrences, null);
        }
    }

    /** Every problem of this request, the occurrences and the settings; see {@link Validation}. */
    public Validation validate() {
        List<FieldError> errors = new ArrayList<>();
        if (key != null && !TargetDraft.validKey(key)) {
            errors.add(new FieldError("key", FieldError.INVALID_FORMAT, "key must be 1-" + TargetDraft.MAX_KEY_LENGTH
                    + " characters of letters, digits and _.:/-"));
        }
        validateName(errors);
        LocalDateTime start = startsAt(errors);
        ZoneId zone = zone(errors);
        Duration duration = duration(errors);
        Recurrence recurrence = recurrence(errors);
        Occurrences occurrences = null;
        boolean timeValid = start != null && zone != null && duration != null && (rrule == null || recurrence != null);
        if (timeValid) {
            occurrences = new Occurrences(start, zone, duration, recurrence);
            if (recurrence != null && occurrences.next(1, occurrences.resolve(start)).isEmpty()) {
                errors.add(new FieldError("rrule", NO_OCCURRENCE, "rrule yields no occurrence from starts_at (check UNTIL, "
                        + "COUNT and the BY... parts)"));
            }
        }
        MaintenanceMode windowMode = mode(errors);
        Set<TargetId> ids = targetIds(errors);
        Set<String> tagSet = tags(errors);
        if (targetIdsList().isEmpty() && tagsList().isEmpty()) {
            errors.add(new FieldError("target_ids", FieldError.REQUIRED,
                    "a window needs target_ids or tags (or both); it covers no target otherwise"));
        }
        WindowSettings settings = errors.isEmpty() ? new WindowSettings(name, start, zone, duration, recurrence, windowMode, ids,
                tagSet, enabled == null || enabled) : null;
        return new Validation(errors, occurrences, settings);
    }

    /** One {@code UNKNOWN_TARGET} error per entry of {@code target_ids} that is in {@code unknown}, by position. */
    public List<FieldError> unknownTargets(Set<TargetId> unknown) {
        List<FieldError> errors = new ArrayList<>();
        List<String> ids = targetIdsList();
        for (int i = 0; i < ids.size(); i++) {
            try {
                if (unknown.contains(TargetId.parse(ids.get(i)))) {
                    errors.add(new FieldError("target_ids[" + i + "]", UNKNOWN_TARGET, "the org has no target with id " + ids.get(i)));
                }
            } catch (IllegalArgumentException | NullPointerException malformed) {
                // reported by validate()
            }
        }
        return errors;
    }

    private void validateName(List<FieldError> errors) {
        if (name == null || name.isBlank()) {
            errors.add(new FieldError("name", FieldError.REQUIRED, "name is required"));
        } else if (name.length() > MAX_NAME_LENGTH) {
            errors.add(new FieldError("name", FieldError.TOO_LONG, "name must be at most " + MAX_NAME_LENGTH + " characters"));
        } else if (name.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError("name", FieldError.INVALID_FORMAT, "name must not contain control characters"));
        }
    }

    private LocalDateTime startsAt(List<FieldError> errors) {
        if (startsAt == null) {
            errors.add(new FieldError("starts_at", FieldError.REQUIRED, "starts_at is required, e.g. 2026-03-29T02:30:00"));
            return null;
        }
        if (WITH_OFFSET.matcher(startsAt).matches()) {
            errors.add(new FieldError("starts_at", FieldError.INVALID_FORMAT, "starts_at is local wall-clock time in time_zone, "
                    + "without an offset or Z: e.g. 2026-03-29T02:30:00"));
            return null;
        }
        try {
            if (LOCAL_TIME.matcher(startsAt).matches()) {
                LocalDateTime parsed = LocalDateTime.parse(startsAt);
                if (parsed.getYear() >= 2000 && parsed.getYear() <= 2199) {
                    return parsed;
                }
                errors.add(new FieldError("starts_at", FieldError.OUT_OF_RANGE, "starts_at must lie in the years 2000..2199"));
                return null;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        errors.add(new FieldError("starts_at", FieldError.INVALID_FORMAT,
                "starts_at must be a local date and time such as 2026-03-29T02:30:00"));
        return null;
    }

    private ZoneId zone(List<FieldError> errors) {
        if (timeZone == null) {
            errors.add(new FieldError("time_zone", FieldError.REQUIRED, "time_zone is required, e.g. Europe/Berlin"));
            return null;
        }
        if (ZoneId.getAvailableZoneIds().contains(timeZone)) {
            return ZoneId.of(timeZone);
        }
        boolean offset = timeZone.matches("(?i)(UTC|GMT|UT)?[+-].*|Z");
        errors.add(new FieldError("time_zone", FieldError.INVALID_FORMAT, offset
                ? "time_zone must be an IANA zone such as Europe/Berlin, not a fixed offset: an offset does not follow "
                        + "daylight-saving time"
                : "time_zone is not a known IANA zone (e.g. Europe/Berlin, America/New_York, UTC)"));
        return null;
    }

    private Duration duration(List<FieldError> errors) {
        if (durationS == null) {
            errors.add(new FieldError("duration_s", FieldError.REQUIRED, "duration_s is required"));
            return null;
        }
        if (durationS < MIN_DURATION_S || durationS > MAX_DURATION_S) {
            errors.add(new FieldError("duration_s", FieldError.OUT_OF_RANGE, "duration_s must be between " + MIN_DURATION_S
                    + " and " + MAX_DURATION_S + " (366 days)"));
            return null;
        }
        return Duration.ofSeconds(durationS);
    }

    private Recurrence recurrence(List<FieldError> errors) {
        if (rrule == null) {
            return null;
        }
        try {
            return Recurrence.parse(rrule);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("rrule", FieldError.INVALID_FORMAT, e.getMessage()));
            return null;
        }
    }

    private MaintenanceMode mode(List<FieldError> errors) {
        if (mode == null) {
            errors.add(new FieldError("mode", FieldError.REQUIRED, "mode is required: mute or pause"));
            return null;
        }
        try {
            return MaintenanceMode.ofWindow(mode);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("mode", FieldError.INVALID_FORMAT, "mode must be mute or pause"));
            return null;
        }
    }

    private Set<TargetId> targetIds(List<FieldError> errors) {
        List<String> ids = targetIdsList();
        Set<TargetId> parsed = new LinkedHashSet<>();
        if (ids.size() > MAX_TARGET_IDS) {
            errors.add(new FieldError("target_ids", FieldError.OUT_OF_RANGE, "target_ids may list at most " + MAX_TARGET_IDS
                    + " targets; use tags for more"));
            return parsed;
        }
        for (int i = 0; i < ids.size(); i++) {
            try {
                parsed.add(TargetId.parse(ids.get(i)));
            } catch (IllegalArgumentException | NullPointerException e) {
                errors.add(new FieldError("target_ids[" + i + "]", FieldError.INVALID_FORMAT, "target_ids[" + i
                        + "] is not a target id (a UUID)"));
            }
        }
        return parsed;
    }

    private Set<String> tags(List<FieldError> errors) {
        List<String> list = tagsList();
        if (list.size() > MAX_TAGS) {
            errors.add(new FieldError("tags", FieldError.OUT_OF_RANGE, "tags may list at most " + MAX_TAGS + " tags"));
            return Set.of();
        }
        for (int i = 0; i < list.size(); i++) {
            if (!TargetDraft.validTag(list.get(i))) {
                errors.add(new FieldError("tags[" + i + "]", FieldError.INVALID_FORMAT, "a tag is 1-64 characters of letters, "
                        + "digits and _.:/=-"));
            }
        }
        return new LinkedHashSet<>(list);
    }

    private List<String> targetIdsList() {
        return targetIds == null ? List.of() : targetIds;
    }

    private List<String> tagsList() {
        return tags == null ? List.of() : tags;
    }
}
