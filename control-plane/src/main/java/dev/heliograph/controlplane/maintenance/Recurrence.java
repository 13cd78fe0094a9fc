package dev.heliograph.controlplane.maintenance;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.dmfs.rfc5545.DateTime;
import org.dmfs.rfc5545.recur.Freq;
import org.dmfs.rfc5545.recur.InvalidRecurrenceRuleException;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.dmfs.rfc5545.recur.RecurrenceRuleIterator;

/**
 * How a maintenance window repeats: an RFC 5545 recurrence rule (the value of an {@code RRULE}
 * property, section 3.3.10, e.g. {@code FREQ=WEEKLY;BYDAY=SU}) without {@code DTSTART}, parsed by
 * lib-recur in RFC 5545 strict mode. The window's {@code starts_at} and {@code time_zone} are its
 * DTSTART.
 *
 * <p>Refused, with a message for people ({@link #parse} throws {@link IllegalArgumentException}):
 * a leading {@code RRULE:}, a {@code DTSTART} part, {@code COUNT} together with {@code UNTIL}
 * (section 3.3.10 forbids it), frequencies below an hour ({@code MINUTELY}, {@code SECONDLY}) and
 * {@code BYSECOND}, and anything lib-recur cannot parse.
 *
 * <p>Iteration runs in <em>floating</em> local time ({@link #localStarts}): lib-recur yields the
 * wall-clock times of the occurrences without any zone, and {@link Occurrences} alone turns them
 * into instants in the window's zone. Iterating with a zone or in UTC would move the wall-clock time
 * of a weekly window by an hour after a daylight-saving change.
 *
 * <p>{@code UNTIL} is applied here rather than by lib-recur (which refuses an absolute UNTIL with a
 * floating start): a UTC value ({@code 20261231T230000Z}, what section 3.3.10 asks for when DTSTART
 * has a time zone) bounds the occurrences' instants; a floating date-time bounds their local start
 * times; a date ({@code 20261231}) admits occurrences that start on that local day or before. All
 * bounds are inclusive.
 *
 * <p>Immutable and thread-safe: each iteration parses the rule again, since lib-recur's
 * {@code RecurrenceRule} changes itself when it makes an iterator.
 */
public final class Recurrence {
    /** Longest accepted rule text, characters. */
    public static final int MAX_LENGTH = 1_000;

    private final String text;
    private final Instant untilInstant;
    private final LocalDateTime untilLocal;
    private final boolean counted;

    private Recurrence(String text, Instant untilInstant, LocalDateTime untilLocal, boolean counted) {
        this.text = text;
        this.untilInstant = untilInstant;
        this.untilLocal = untilLocal;
        this.counted = counted;
    }

    /**
     * The rule {@code text} (surrounding blanks trimmed); throws {@link IllegalArgumentException}
     * with a message that names the problem when it is not a rule a window may have (see the class
     * comment).
     */
    public static Recurrence parse(String text) {
        String rule = text.trim();
        String upper = rule.toUpperCase(Locale.ROOT);
        if (rule.isEmpty()) {
            throw new IllegalArgumentException("rrule must be a rule such as FREQ=WEEKLY;BYDAY=SU, or absent for a one-off window");
        }
        if (rule.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("rrule must be at most " + MAX_LENGTH + " characters");
        }
        if (upper.startsWith("RRULE:")) {
            throw new IllegalArgumentException("rrule is the value of an RRULE, without the 'RRULE:' in front: FREQ=...");
        }
        if (upper.contains("DTSTART")) {
            throw new IllegalArgumentException("rrule must not contain DTSTART: starts_at and time_zone give the start");
        }
        if (upper.contains("COUNT=") && upper.contains("UNTIL=")) {
            throw new IllegalArgumentException("rrule must not have both COUNT and UNTIL (RFC 5545 section 3.3.10)");
        }
        RecurrenceRule parsed = rule(rule);
        if (parsed.getFreq() == Freq.MINUTELY || parsed.getFreq() == Freq.SECONDLY) {
            throw new IllegalArgumentException("rrule may repeat at most hourly: FREQ=MINUTELY and FREQ=SECONDLY are not supported");
        }
        if (parsed.hasPart(RecurrenceRule.Part.BYSECOND)) {
            throw new IllegalArgumentException("rrule must not have BYSECOND: occurrences start at the second of starts_at");
        }
        DateTime until = parsed.getUntil();
        Instant untilInstant = null;
        LocalDateTime untilLocal = null;
        if (until != null) {
            if (until.isAllDay()) {
                untilLocal = LocalDate.of(until.getYear(), until.getMonth() + 1, until.getDayOfMonth()).atTime(LocalTime.MAX);
            } else if (until.isFloating()) {
                untilLocal = local(until);
            } else {
                untilInstant = Instant.ofEpochMilli(until.getTimestamp());
            }
        }
        return new Recurrence(rule, untilInstant, untilLocal, parsed.getCount() != null);
    }

    /** The rule as given (trimmed). */
    public String text() {
        return text;
    }

    /**
     * The local (wall-clock) start times of the occurrences in order, from {@code startsAt} (the
     * first one when it matches the rule; lib-recur leaves out a start that does not), without the
     * {@code UNTIL} bound (see {@link #beyondUntil}). {@code skipTo}, when not {@code null}, skips
     * occurrences that start before it (a rule with {@code COUNT} is walked from the start anyway,
     * since skipped occurrences count). The iterator ends early, without an error, when lib-recur
     * gives up on a rule that matches nothing for thousands of periods.
     */
    Iterator<LocalDateTime> localStarts(LocalDateTime startsAt, LocalDateTime skipTo) {
        RecurrenceRule rule = rule(text);
        if (rule.getUntil() != null) {
            rule.setUntil(null); // bounded by beyondUntil; lib-recur refuses a UTC UNTIL with a floating start
        }
        RecurrenceRuleIterator iterator;
        try {
            iterator = rule.iterator(new DateTime(startsAt.getYear(), startsAt.getMonthValue() - 1, startsAt.getDayOfMonth(),
                    startsAt.getHour(), startsAt.getMinute(), startsAt.getSecond()));
            if (skipTo != null && !counted && skipTo.isAfter(startsAt)) {
                // A floating iterator reads these milliseconds as local time written in UTC.
                iterator.fastForward(skipTo.toEpochSecond(ZoneOffset.UTC) * 1000);
            }
        } catch (IllegalArgumentException rulesOut) {
            return java.util.Collections.emptyIterator();
        }
        return new LocalStarts(iterator);
    }

    /**
     * Whether an occurrence that starts at local time {@code local}, which is the instant
     * {@code start}, lies beyond the rule's {@code UNTIL} (inclusive bound); never without one.
     */
    boolean beyondUntil(LocalDateTime local, Instant start) {
        return untilInstant != null ? start.isAfter(untilInstant) : untilLocal != null && local.isAfter(untilLocal);
    }

    private static RecurrenceRule rule(String text) {
        try {
            return new RecurrenceRule(text, RecurrenceRule.RfcMode.RFC5545_STRICT);
        } catch (InvalidRecurrenceRuleException e) {
            throw new IllegalArgumentException("rrule is not a valid RFC 5545 recurrence rule: " + e.getMessage());
        }
    }

    private static LocalDateTime local(DateTime time) {
        return LocalDateTime.of(time.getYear(), time.getMonth() + 1, time.getDayOfMonth(), time.getHours(), time.getMinutes(),
                time.getSeconds());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Recurrence that && text.equals(that.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }

    /** lib-recur's iterator as local date-times; a rule that gives up (an unchecked exception) just ends. */
    private static final class LocalStarts implements Iterator<LocalDateTime> {
        private final RecurrenceRuleIterator iterator;
        private LocalDateTime next;
        private boolean done;

        LocalStarts(RecurrenceRuleIterator iterator) {
            this.iterator = iterator;
        }

        @Override
        public boolean hasNext() {
            if (next == null && !done) {
                try {
                    if (iterator.hasNext()) {
                        next = local(iterator.nextDateTime());
                    } else {
                        done = true;
                    }
                } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException rulesOut) {
                    done = true; // "too many empty recurrence sets": the rule matches nothing any more
                }
            }
            return next != null;
        }

        @Override
        public LocalDateTime next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            LocalDateTime result = next;
            next = null;
            return result;
        }
    }
}
