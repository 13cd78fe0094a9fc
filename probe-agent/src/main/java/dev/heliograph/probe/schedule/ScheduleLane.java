package dev.heliograph.probe.schedule;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.check.Check;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * One event loop's share of the schedule: a timer per target, all on this verticle's context, so
 * the map needs no locks. Ticks are planned on an un-jittered grid ({@code base + k * interval})
 * and each fires at its grid point plus a fresh jitter in {@code [-j, +j]}, with
 * {@code j = min(maxJitter, interval / 2)}; the average rate therefore stays exactly one check per
 * interval and jitter never accumulates into drift. {@code base} is the moment the target is
 * scheduled plus a random offset in {@code [0, min(firstTickWindow, interval))} (zero when that
 * window is zero).
 *
 * <p>Retries: while a target's results in this region fail (observations with status {@code down})
 * fewer than its {@code failure_threshold} times in a row, one extra check is planned
 * {@code retry_interval} after each failure, unless the next grid tick comes sooner; it does not move
 * the grid. A success, or reaching the threshold, stops the retries (issue 13: a failing region is
 * decided within seconds, not after more whole intervals).
 */
final class ScheduleLane extends VerticleBase {
    private final RegionId region;
    private Duration maxJitter;
    private final Duration firstTickWindow;
    private final Clock clock;
    private final Consumer<Check> dispatch;
    private final Map<TargetId, Entry> entries = new HashMap<>();
    private boolean stopped;

    ScheduleLane(RegionId region, Duration maxJitter, Duration firstTickWindow, Clock clock, Consumer<Check> dispatch) {
        this.region = region;
        this.maxJitter = maxJitter;
        this.firstTickWindow = firstTickWindow;
        this.clock = clock;
        this.dispatch = dispatch;
    }

    @Override
    public Future<?> stop() {
        halt();
        return Future.succeededFuture();
    }

    /** Runs {@code action} on this lane's event loop. */
    void onLane(Runnable action) {
        context.runOnContext(v -> action.run());
    }

    /** Adds or replaces a target (lane thread only). Same interval: keeps its phase; older versions are ignored. */
    void upsert(Target target) {
        if (stopped) {
            return;
        }
        Entry existing = entries.get(target.id());
        if (existing != null && existing.target.version() > target.version()) {
            return; // a stale copy (a slow re-read) never replaces a newer one
        }
        if (existing != null && existing.target.interval().equals(target.interval())) {
            existing.target = target;
            return;
        }
        if (existing != null) {
            vertx.cancelTimer(existing.timerId);
        }
        Entry entry = new Entry(target, clock.millis() + firstOffsetMs(target.interval()));
        entries.put(target.id(), entry);
        arm(entry);
    }

    /** Removes a target (lane thread only); a check already dispatched still finishes. */
    void remove(TargetId id) {
        Entry entry = entries.remove(id);
        if (entry != null) {
            vertx.cancelTimer(entry.timerId);
            vertx.cancelTimer(entry.retryTimerId);
        }
    }

    /**
     * A result of a target of this lane arrived (scheduled, retried or on-demand): counts consecutive
     * failures and plans a retry (see the class comment). Results that are not observations of the
     * target (circuit open, throttled, ...) change nothing. Lane thread only.
     */
    void observed(CheckResult result) {
        Entry entry = entries.get(result.targetId());
        if (entry == null || stopped || !result.failure().observation()) {
            return;
        }
        if (result.status() != Status.DOWN) {
            entry.failures = 0;
            vertx.cancelTimer(entry.retryTimerId);
            entry.retryTimerId = -1;
            return;
        }
        entry.failures++;
        if (entry.failures >= entry.target.rules().failureThreshold() || entry.retryTimerId != -1) {
            return;
        }
        long delay = entry.target.retryInterval().toMillis();
        long now = clock.millis();
        if (now + delay >= entry.plannedMs) {
            return; // the next tick comes first
        }
        entry.retryTimerId = vertx.setTimer(Math.max(1, delay), id -> {
            entry.retryTimerId = -1;
            if (!stopped && entries.get(entry.target.id()) == entry) {
                dispatch.accept(new Check(entry.target, region, Instant.ofEpochMilli(clock.millis())));
            }
        });
    }

    /** Cancels every timer; nothing is dispatched afterwards (lane thread only). */
    void halt() {
        stopped = true;
        entries.values().forEach(entry -> {
            vertx.cancelTimer(entry.timerId);
            vertx.cancelTimer(entry.retryTimerId);
        });
        entries.clear();
    }

    /** Changes the largest jitter; applies from the next tick each target arms (lane thread only). */
    void maxJitter(Duration maxJitter) {
        this.maxJitter = maxJitter;
    }

    /** Ids and versions of the targets on this lane (lane thread only). */
    Map<TargetId, Long> versions() {
        Map<TargetId, Long> versions = new HashMap<>();
        entries.forEach((id, entry) -> versions.put(id, entry.target.version()));
        return versions;
    }

    /** A random offset of the first grid point from now: within the first-tick window, capped at the interval. */
    private long firstOffsetMs(Duration interval) {
        // compareTo, not toMillis: the default window (the whole interval) is too long for a long of ms.
        long windowMs = firstTickWindow.compareTo(interval) < 0 ? firstTickWindow.toMillis() : interval.toMillis();
        return windowMs <= 0 ? 0 : ThreadLocalRandom.current().nextLong(windowMs);
    }

    private void arm(Entry entry) {
        long intervalMs = entry.target.interval().toMillis();
        long jitterMs = Math.min(maxJitter.toMillis(), intervalMs / 2);
        long jitter = jitterMs == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitterMs, jitterMs + 1);
        long fireAt = entry.gridMs + jitter;
        long delay = Math.max(1, fireAt - clock.millis());
        entry.plannedMs = fireAt;
        entry.timerId = vertx.setTimer(delay, id -> tick(entry));
    }

    private void tick(Entry entry) {
        if (stopped || entries.get(entry.target.id()) != entry) {
            return;
        }
        dispatch.accept(new Check(entry.target, region, Instant.ofEpochMilli(entry.plannedMs)));
        long intervalMs = entry.target.interval().toMillis();
        entry.gridMs += intervalMs;
        long now = clock.millis();
        if (entry.gridMs < now - intervalMs) {
            // Fell more than a whole interval behind (a paused JVM, a stalled loop): skip the
            // missed ticks instead of firing a burst.
            entry.gridMs += ((now - entry.gridMs) / intervalMs) * intervalMs;
        }
        arm(entry);
    }

    private static final class Entry {
        Target target;
        long gridMs;
        long plannedMs;
        long timerId = -1;
        int failures;
        long retryTimerId = -1;

        Entry(Target target, long gridMs) {
            this.target = target;
            this.gridMs = gridMs;
        }
    }
}
