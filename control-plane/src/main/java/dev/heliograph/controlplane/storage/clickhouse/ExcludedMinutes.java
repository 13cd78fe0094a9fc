package dev.heliograph.controlplane.storage.clickhouse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Whole minutes that a statistics query of the 1-minute rollup leaves out (muted maintenance time):
 * each given span widened to whole minutes (a minute that a span touches at all is left out, since
 * its checks may have run during the span), merged, and cut to the query's range.
 *
 * <p>Rendered as one condition, {@code minute NOT IN (subquery)}, whose subquery expands two number
 * arrays (each span's first minute in Unix seconds, and its length in minutes) into the excluded
 * minutes; ClickHouse builds a set of them once. The arrays hold numbers made here and written by
 * {@link ClickHouseSql#numbers}, never text from a request. Why not one
 * {@code NOT (minute >= a AND minute < b)} per span: ClickHouse 18.16 analyses a long chain of
 * conditions in more than linear time (measured here: 100 spans 0.06 s, 200 spans 0.35 s, 400 spans
 * 0.8 s, 1,000 spans 25 s), and an array of tuple literals is as slow, while plain number arrays parse
 * in milliseconds (2,000 spans over 200,000 rows: 0.03 s).
 *
 * <p>At most {@value #MAX_SPANS} separate spans per query, which keeps the SQL under 100 KiB, below
 * 18.16's 256 KiB {@code max_query_size}; {@link #of} refuses more.
 */
public final class ExcludedMinutes {
    /** Most separate excluded spans in one query. */
    public static final int MAX_SPANS = 5_000;
    /** Nothing excluded. */
    public static final ExcludedMinutes NONE = new ExcludedMinutes(new long[0], new long[0]);

    /** A span to leave out, {@code [start, end)}. */
    public record Span(Instant start, Instant end) {
    }

    private final long[] starts;
    private final long[] ends;

    private ExcludedMinutes(long[] starts, long[] ends) {
        this.starts = starts;
        this.ends = ends;
    }

    /**
     * The whole minutes of {@code spans} within the minutes of {@code [from, to)} (from rounded down,
     * to rounded up to a minute); throws {@link IllegalArgumentException} when they form more than
     * {@link #MAX_SPANS} separate spans.
     */
    public static ExcludedMinutes of(Instant from, Instant to, List<Span> spans) {
        long low = floorMinute(from.getEpochSecond());
        long high = ceilMinute(to);
        List<long[]> widened = new ArrayList<>();
        for (Span span : spans) {
            long start = Math.max(low, floorMinute(span.start().getEpochSecond()));
            long end = Math.min(high, ceilMinute(span.end()));
            if (start < end) {
                widened.add(new long[] {start, end});
            }
        }
        widened.sort(Comparator.comparingLong(span -> span[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] span : widened) {
            long[] last = merged.isEmpty() ? null : merged.getLast();
            if (last != null && span[0] <= last[1]) {
                last[1] = Math.max(last[1], span[1]);
            } else {
                merged.add(span);
            }
        }
        if (merged.size() > MAX_SPANS) {
            throw new IllegalArgumentException("more than " + MAX_SPANS + " separate excluded spans (" + merged.size() + ")");
        }
        return new ExcludedMinutes(merged.stream().mapToLong(span -> span[0]).toArray(),
                merged.stream().mapToLong(span -> span[1]).toArray());
    }

    /** How many separate spans are left out. */
    public int spans() {
        return starts.length;
    }

    /** Seconds left out in all: whole minutes, so a multiple of 60. */
    public long seconds() {
        long total = 0;
        for (int i = 0; i < starts.length; i++) {
            total += ends[i] - starts[i];
        }
        return total;
    }

    /**
     * The condition to append to a {@code WHERE} on the rollup (column {@code minute}):
     * {@code " AND minute NOT IN (...)"}; empty when nothing is excluded.
     */
    String sql() {
        if (starts.length == 0) {
            return "";
        }
        long[] minutes = new long[starts.length];
        for (int i = 0; i < starts.length; i++) {
            minutes[i] = (ends[i] - starts[i]) / 60;
        }
        return " AND minute NOT IN (SELECT toDateTime(first + 60 * arrayJoin(range(toUInt64(length)))) FROM (SELECT "
                + "arrayJoin(arrayMap((f, n) -> (f, n), " + ClickHouseSql.numbers(starts) + ", " + ClickHouseSql.numbers(minutes)
                + ")) AS span, span.1 AS first, span.2 AS length))";
    }

    private static long floorMinute(long epochSecond) {
        return Math.floorDiv(epochSecond, 60) * 60;
    }

    private static long ceilMinute(Instant at) {
        long seconds = at.getEpochSecond() + (at.getNano() > 0 ? 1 : 0);
        return -Math.floorDiv(-seconds, 60) * 60;
    }
}
