package dev.heliograph.controlplane.maintenance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** A half-open stretch of time {@code [start, end)}; {@code start} is before {@code end}. */
public record Interval(Instant start, Instant end) {
    public Interval {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("interval must end after it starts: " + start + " .. " + end);
        }
    }

    /** Whether {@code at} lies in {@code [start, end)}. */
    public boolean contains(Instant at) {
        return !at.isBefore(start) && at.isBefore(end);
    }

    /** Its length. */
    public Duration length() {
        return Duration.between(start, end);
    }

    /**
     * {@code intervals} sorted by start, with overlapping and touching ones joined, each cut to
     * {@code [from, to)}; intervals outside it are dropped.
     */
    public static List<Interval> merged(List<Interval> intervals, Instant from, Instant to) {
        List<Interval> sorted = new ArrayList<>(intervals);
        sorted.sort(Comparator.comparing(Interval::start));
        List<Interval> merged = new ArrayList<>();
        Instant runStart = null;
        Instant runEnd = null;
        for (Interval interval : sorted) {
            Instant start = interval.start.isBefore(from) ? from : interval.start;
            Instant end = interval.end.isAfter(to) ? to : interval.end;
            if (!start.isBefore(end)) {
                continue;
            }
            if (runEnd != null && !start.isAfter(runEnd)) {
                runEnd = end.isAfter(runEnd) ? end : runEnd;
            } else {
                if (runEnd != null) {
                    merged.add(new Interval(runStart, runEnd));
                }
                runStart = start;
                runEnd = end;
            }
        }
        if (runEnd != null) {
            merged.add(new Interval(runStart, runEnd));
        }
        return merged;
    }
}
