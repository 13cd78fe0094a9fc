package dev.heliograph.loadtest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Status;
import dev.heliograph.probe.ResultSink;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The result sink of an in-flight benchmark shard: counts results as completed correctly
 * ({@code up} with HTTP 200) or failed (by status and error), and keeps each check's scheduler lag
 * (actual start − planned start, ms), connect, first-byte and total time (ms) and the span of planned and actual starts. Never drops a
 * result. Thread-safe (results arrive on every event loop).
 */
final class InflightTally implements ResultSink {
    /** A start later than this after its planned time counts as the scheduler falling behind. */
    static final long ON_TIME_MS = 1_000;

    private final long[] lags;
    private final long[] connects;
    private final long[] totals;
    private final long[] firstBytes;
    private final Map<String, Long> failures = new HashMap<>();
    private int results;
    private long completed;
    private long firstPlanned = Long.MAX_VALUE;
    private long lastPlanned = Long.MIN_VALUE;
    private long firstStart = Long.MAX_VALUE;
    private long lastStart = Long.MIN_VALUE;
    private long firstLatePlanned = Long.MAX_VALUE;

    /** A tally for {@code expected} results (one per target: the run ends before any second tick). */
    InflightTally(int expected) {
        this.lags = new long[expected];
        this.connects = new long[expected];
        this.totals = new long[expected];
        this.firstBytes = new long[expected];
    }

    @Override
    public synchronized boolean offer(CheckResult result) {
        long planned = result.scheduledAt().toEpochMilli();
        long started = result.startedAt().toEpochMilli();
        long lag = Math.max(0, started - planned);
        if (results < lags.length) {
            lags[results] = lag;
            connects[results] = Math.round(result.timings().connectMs());
            totals[results] = Math.round(result.timings().totalMs());
            firstBytes[results] = Math.round(result.timings().ttfbMs());
        }
        results++;
        if (result.status() == Status.UP && result.httpStatus() == 200) {
            completed++;
        } else {
            failures.merge(result.status().wire() + " " + result.httpStatus() + " " + result.error(), 1L, Long::sum);
        }
        firstPlanned = Math.min(firstPlanned, planned);
        lastPlanned = Math.max(lastPlanned, planned);
        firstStart = Math.min(firstStart, started);
        lastStart = Math.max(lastStart, started);
        if (lag > ON_TIME_MS) {
            firstLatePlanned = Math.min(firstLatePlanned, planned);
        }
        return true;
    }

    /** Results completed correctly so far. */
    synchronized long completed() {
        return completed;
    }

    /** Results that were not {@code up} with HTTP 200 so far. */
    synchronized long failed() {
        return results - completed;
    }

    /**
     * Everything kept, as the {@code summary} message's fields: {@code completed}, {@code failed},
     * {@code failures} ({@code {"<status> <http> <error>": count}}), {@code lags} (ms, one per
     * result), {@code connect_ms}, {@code ttfb_ms} and {@code total_ms} (each result's connect time, time
     * from request sent to first response byte, and whole-check time, ms, same order), {@code first_planned_ms}, {@code last_planned_ms}, {@code first_start_ms},
     * {@code last_start_ms} (epoch ms; 0 with no results) and {@code first_late_planned_ms} (the
     * earliest planned start of a check that started over {@link #ON_TIME_MS} late; 0 when none).
     */
    synchronized ObjectNode summary(ObjectNode message) {
        message.put("completed", completed).put("failed", results - completed);
        ObjectNode reasons = message.putObject("failures");
        failures.forEach(reasons::put);
        int kept = Math.min(results, lags.length);
        ArrayNode lagList = message.putArray("lags");
        Arrays.stream(lags, 0, kept).forEach(lagList::add);
        ArrayNode connectList = message.putArray("connect_ms");
        Arrays.stream(connects, 0, kept).forEach(connectList::add);
        ArrayNode totalList = message.putArray("total_ms");
        Arrays.stream(totals, 0, kept).forEach(totalList::add);
        ArrayNode firstByteList = message.putArray("ttfb_ms");
        Arrays.stream(firstBytes, 0, kept).forEach(firstByteList::add);
        boolean any = results > 0;
        return message.put("first_planned_ms", any ? firstPlanned : 0).put("last_planned_ms", any ? lastPlanned : 0)
                .put("first_start_ms", any ? firstStart : 0).put("last_start_ms", any ? lastStart : 0)
                .put("first_late_planned_ms", firstLatePlanned == Long.MAX_VALUE ? 0 : firstLatePlanned);
    }
}
