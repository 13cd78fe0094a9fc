package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.maintenance.Interval;
import dev.heliograph.controlplane.maintenance.MaintenanceWindow;
import dev.heliograph.controlplane.maintenance.Occurrences;
import dev.heliograph.controlplane.maintenance.WindowSettings;
import dev.heliograph.domain.TargetId;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A maintenance window as the API shows it, with what it means now: {@code active_now} and its next
 * occurrences. Times are RFC 3339: UTC, and each occurrence also in the window's zone with its
 * offset, which shows daylight-saving time.
 */
@Schema(name = "MaintenanceWindow")
public record MaintenanceWindowView(
        String id,
        @Schema(description = "the window's stable name for tools, unique within the org") String key,
        String name,
        @Schema(description = "local wall-clock time of the first occurrence in time_zone", example = "2026-03-29T02:30:00")
        String startsAt,
        @Schema(description = "IANA time zone", example = "Europe/Berlin") String timeZone,
        long durationS,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "RFC 5545 RRULE value; absent for a one-off window")
        String rrule,
        @Schema(allowableValues = {"mute", "pause"}) String mode,
        List<String> targetIds,
        List<String> tags,
        boolean enabled,
        Instant createdAt,
        Instant updatedAt,
        long version,
        @Schema(description = "an occurrence runs now and the window is enabled") boolean activeNow,
        @Schema(description = "the occurrences that have not ended yet, earliest first, at most 5: the one running now (if "
                + "any) and the next ones; listed for disabled windows too") List<OccurrenceView> nextOccurrences) {
    /** How many occurrences a window's answer lists. */
    static final int NEXT = 5;
    /** Local wall-clock times of windows, as {@code starts_at} is written: {@code 2026-03-29T02:30:00}. */
    static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter WITH_OFFSET = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    /** One occurrence: UTC and local (in the window's zone, with its offset). */
    @Schema(name = "MaintenanceOccurrence")
    public record OccurrenceView(Instant startsAt, Instant endsAt,
                                 @Schema(format = "date-time", example = "2026-03-29T03:30:00+02:00") String localStartsAt,
                                 @Schema(format = "date-time", example = "2026-03-29T05:30:00+02:00") String localEndsAt) {
        /** The view of {@code occurrence} in {@code zone}. */
        static OccurrenceView of(Interval occurrence, ZoneId zone) {
            return new OccurrenceView(occurrence.start(), occurrence.end(), WITH_OFFSET.format(occurrence.start().atZone(zone)),
                    WITH_OFFSET.format(occurrence.end().atZone(zone)));
        }
    }

    /** The view of {@code window} at {@code now}. */
    static MaintenanceWindowView of(MaintenanceWindow window, Instant now) {
        WindowSettings settings = window.settings();
        Occurrences occurrences = settings.occurrences();
        return new MaintenanceWindowView(window.id().toString(), window.key(), settings.name(), LOCAL.format(settings.startsAt()),
                settings.timeZone().getId(), settings.duration().toSeconds(),
                settings.recurrence() == null ? null : settings.recurrence().text(), settings.mode().wire(),
                settings.targetIds().stream().map(TargetId::toString).sorted().toList(), settings.tags().stream().sorted().toList(),
                settings.enabled(), window.createdAt(), window.updatedAt(), window.version(),
                activeNow(settings.enabled(), occurrences, now), next(occurrences, NEXT, now));
    }

    /** Whether an enabled window with {@code occurrences} is in force at {@code now}. */
    static boolean activeNow(boolean enabled, Occurrences occurrences, Instant now) {
        return enabled && occurrences.activeAt(now).isPresent();
    }

    /** The first {@code n} occurrences not ended at {@code now}, as views. */
    static List<OccurrenceView> next(Occurrences occurrences, int n, Instant now) {
        return occurrences.next(n, now).stream().map(occurrence -> OccurrenceView.of(occurrence, occurrences.zone())).toList();
    }
}
