package dev.heliograph.controlplane.maintenance;

import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The valid settings of a maintenance window, as {@link MaintenanceWindowRequest#validate()} makes
 * them: what the store writes and the schedule reads.
 *
 * @param name       1..200 characters, unique within the org
 * @param startsAt   local wall-clock time of the first occurrence in {@code timeZone}, whole seconds
 * @param timeZone   an IANA zone (a region of the tz database, never a fixed offset)
 * @param duration   elapsed length of each occurrence, 60 s .. 366 days
 * @param recurrence how it repeats, or {@code null} for a one-off window
 * @param mode       {@link MaintenanceMode#MUTE} or {@link MaintenanceMode#PAUSE}
 * @param targetIds  targets in scope by id (at most 1000)
 * @param tags       targets in scope by tag: every target that carries one of them (at most 32)
 * @param enabled    a disabled window is kept but never in force
 */
public record WindowSettings(String name, LocalDateTime startsAt, ZoneId timeZone, Duration duration, Recurrence recurrence,
                             MaintenanceMode mode, Set<TargetId> targetIds, Set<String> tags, boolean enabled) {
    public WindowSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(startsAt, "startsAt");
        Objects.requireNonNull(timeZone, "timeZone");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(mode, "mode");
        targetIds = Collections.unmodifiableSet(new LinkedHashSet<>(targetIds));
        tags = Collections.unmodifiableSet(new LinkedHashSet<>(tags));
    }

    /** The occurrences of these settings (whether enabled or not). */
    public Occurrences occurrences() {
        return new Occurrences(startsAt, timeZone, duration, recurrence);
    }

    /** Whether {@code target} is in scope: its id is listed or it carries one of the tags. */
    public boolean covers(Target target) {
        if (targetIds.contains(target.id())) {
            return true;
        }
        for (String tag : target.tags()) {
            if (tags.contains(tag)) {
                return true;
            }
        }
        return false;
    }
}
