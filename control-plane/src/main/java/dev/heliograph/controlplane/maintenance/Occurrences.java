package dev.heliograph.controlplane.maintenance;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * When a maintenance window is in force: its occurrences as half-open intervals
 * {@code [start, start + duration)} of {@link Instant}s. Pure: no I/O, no clock; the caller says
 * which time it asks about.
 *
 * <p>Rules, following RFC 5545:
 * <ul>
 *   <li>{@code startsAt} is wall-clock time in {@code zone} (an IANA zone), like a DTSTART with a
 *       TZID (section 3.3.5). A recurrence keeps the wall-clock time: a window weekly on Sunday at
 *       02:30 in Europe/Berlin starts at 02:30 local both in winter (01:30Z) and in summer (00:30Z).
 *       The rule is iterated in floating local time and each start is placed in the zone afterwards
 *       ({@link Recurrence}).</li>
 *   <li>A local start time that does not exist (the spring-forward gap) is read with the UTC offset
 *       before the gap (section 3.3.5): 02:30 on the day Berlin jumps from 02:00 to 03:00 is 03:30
 *       local (01:30Z). Section 3.3.10 says that a recurrence instance at a non-existent local time
 *       "MUST be ignored"; we deliberately follow section 3.3.5 instead, because skipping a
 *       maintenance window on that one day would page people during maintenance that does take
 *       place. When such a shifted start falls on another occurrence's start (an hourly rule across
 *       the gap), it is counted once.</li>
 *   <li>A local start time that happens twice (the fall-back overlap) means the first of the two
 *       (section 3.3.5): 01:30 on the day New York falls back (2026-11-01) is 01:30 EDT (05:30Z), not
 *       01:30 EST (06:30Z). An hourly rule therefore does not repeat the doubled hour.</li>
 *   <li>{@code duration} is elapsed time, not wall-clock time: a 3-hour window that starts at 01:30
 *       on a spring-forward night ends at 05:30 local.</li>
 *   <li>A one-off window ({@code recurrence == null}) has exactly one occurrence.</li>
 * </ul>
 * Occurrences may overlap (a daily rule with a 36-hour duration); each is listed.
 *
 * <p>Cost: a query skips ahead to one duration plus two days before the time asked about
 * (lib-recur's fast-forward), except for rules with {@code COUNT}, which are walked from the
 * start. No query walks more than {@value #MAX_STEPS} occurrences; a rule that would need more is
 * treated as ending there.
 */
public final class Occurrences {
    /** Most occurrences one query walks. */
    static final int MAX_STEPS = 100_000;
    /** Slack of the skip-ahead against zone offsets (a local time is at most about a day off UTC). */
    private static final Duration SKIP_MARGIN = Duration.ofDays(2);

    private final LocalDateTime startsAt;
    private final ZoneId zone;
    private final Duration duration;
    private final Recurrence recurrence;

    /**
     * @param startsAt   local wall-clock start (the first occurrence when it matches the rule)
     * @param zone       the IANA zone of {@code startsAt}
     * @param duration   elapsed length of each occurrence, positive
     * @param recurrence how it repeats, or {@code null} for a one-off window
     */
    public Occurrences(LocalDateTime startsAt, ZoneId zone, Duration duration, Recurrence recurrence) {
        this.startsAt = Objects.requireNonNull(startsAt, "startsAt");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.duration = Objects.requireNonNull(duration, "duration");
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("duration must be positive, was " + duration);
        }
        this.recurrence = recurrence;
    }

    /** The zone the local times are in. */
    public ZoneId zone() {
        return zone;
    }

    /**
     * The occurrences that overlap {@code [from, to)}, in start order: also one that started before
     * {@code from} and is still running then.
     */
    public List<Interval> between(Instant from, Instant to) {
        List<Interval> found = new ArrayList<>();
        walk(from, occurrence -> {
            if (!occurrence.start().isBefore(to)) {
                return false;
            }
            if (occurrence.end().isAfter(from)) {
                found.add(occurrence);
            }
            return true;
        });
        return found;
    }

    /** The occurrence in force at {@code at} (the latest-starting one when several overlap), or empty. */
    public Optional<Interval> activeAt(Instant at) {
        State state = stateAt(at);
        return state.active() ? Optional.of(new Interval(state.from(), state.until())) : Optional.empty();
    }

    /**
     * The first {@code n} occurrences that have not ended at {@code after}, in start order: the one
     * running at {@code after} (if any) and those after it. Fewer when the rule ends.
     */
    public List<Interval> next(int n, Instant after) {
        List<Interval> found = new ArrayList<>();
        if (n <= 0) {
            return found;
        }
        walk(after, occurrence -> {
            if (occurrence.end().isAfter(after)) {
                found.add(occurrence);
            }
            return found.size() < n;
        });
        return found;
    }

    /**
     * Whether the window is in force at {@code at}, and the stretch {@code [from, until)} around it in
     * which that answer stays the same: while active, the latest-starting occurrence that covers
     * {@code at}; while not, from the end of the last occurrence (or {@code at} when none is known)
     * to the next start ({@code until == null}: no occurrence follows). {@code until} is therefore
     * the next time at which the answer may change (a start, or an end, which is not a change when
     * another occurrence still runs then).
     */
    public State stateAt(Instant at) {
        Interval[] last = new Interval[1];
        Instant[] nextStart = new Instant[1];
        walk(at, occurrence -> {
            if (occurrence.start().isAfter(at)) {
                nextStart[0] = occurrence.start();
                return false;
            }
            last[0] = occurrence;
            return true;
        });
        if (last[0] != null && last[0].end().isAfter(at)) {
            return new State(true, last[0].start(), last[0].end());
        }
        return new State(false, last[0] == null ? at : last[0].end(), nextStart[0]);
    }

    /** The instant of a local wall-clock time in the zone, by the rules of the class comment. */
    public Instant resolve(LocalDateTime local) {
        return ZonedDateTime.ofLocal(local, zone, null).toInstant();
    }

    /**
     * Hands the occurrences to {@code each} in start order until it answers {@code false}, skipping
     * ahead to about {@code from} minus one duration (never past an occurrence that still runs at
     * {@code from}).
     */
    private void walk(Instant from, Predicate<Interval> each) {
        if (recurrence == null) {
            Instant start = resolve(startsAt);
            each.test(new Interval(start, start.plus(duration)));
            return;
        }
        LocalDateTime skipTo = LocalDateTime.ofInstant(from.minus(duration).minus(SKIP_MARGIN), zone);
        Iterator<LocalDateTime> starts = recurrence.localStarts(startsAt, skipTo);
        Instant previous = null;
        for (int steps = 0; steps < MAX_STEPS && starts.hasNext(); steps++) {
            LocalDateTime local = starts.next();
            Instant start = resolve(local);
            if (recurrence.beyondUntil(local, start)) {
                return;
            }
            if (previous != null && !start.isAfter(previous)) {
                continue; // a gap-shifted start that coincides with the next one
            }
            previous = start;
            if (!each.test(new Interval(start, start.plus(duration)))) {
                return;
            }
        }
    }

    /**
     * An answer of {@link #stateAt} and how long it holds: {@code [from, until)}, {@code until}
     * {@code null} for "from then on".
     */
    public record State(boolean active, Instant from, Instant until) {
        /** Whether this answer holds at {@code at}. */
        public boolean covers(Instant at) {
            return !at.isBefore(from) && (until == null || at.isBefore(until));
        }
    }
}
