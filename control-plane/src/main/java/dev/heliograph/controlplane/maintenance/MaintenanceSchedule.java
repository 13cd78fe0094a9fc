package dev.heliograph.controlplane.maintenance;

import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.Target;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's in-memory view of every maintenance window: what the probe scheduling, the
 * stats and the incident engine ask about a target. Loaded from its source of windows
 * ({@link MaintenanceWindowStore#all()} in the control plane) at start, reloaded when the API changed
 * a window ({@link #reload()}) and every {@code reloadInterval} (another control plane may have
 * written).
 *
 * <p>Rules: a target is in scope of a window when its id is in {@code target_ids} or it carries one
 * of {@code tags}; only enabled windows count; {@code pause} wins over {@code mute}. Times follow
 * {@link Occurrences}. Queries ({@link #modeAt}, {@link #muted}) read an immutable snapshot and may
 * be called from any thread; one query looks only at the windows that name the target or one of its
 * tags.
 *
 * <p>Listeners ({@link #addListener}) are told {@code windowsChanged(org)} whenever a window of that
 * org starts or ends, and whenever a reload finds the org's windows created, changed or deleted.
 * Boundaries are armed as one Vert.x timer at the next start or end across all windows (delay from
 * the injected clock), re-armed after each reload and each boundary. Listeners run on this
 * verticle's own event-loop context, one call at a time; they must not block. A timer that fires
 * before the clock reaches its boundary waits for the rest instead of telling anyone early.
 *
 * <p>Deploy it ({@code vertx.deployVerticle}) before use; its timers stop when it is undeployed.
 */
public final class MaintenanceSchedule extends VerticleBase {
    /** How often the windows are re-read from PostgreSQL in the control plane. */
    public static final Duration RELOAD_INTERVAL = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceSchedule.class);

    /** Hears about maintenance changes of an org. */
    @FunctionalInterface
    public interface Listener {
        /** A window of {@code org} started or ended, or the org's windows were created, changed or deleted. */
        void windowsChanged(OrgId org);
    }

    private final Supplier<Future<List<MaintenanceWindow>>> source;
    private final Clock clock;
    private final Duration reloadInterval;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile WindowIndex index = WindowIndex.EMPTY;
    // Confined to this verticle's context:
    private long boundaryTimer = -1;
    private Instant armedFor;
    private boolean reading;
    private List<Promise<Void>> waiting = new ArrayList<>();

    /**
     * @param source         reads every window of every org ({@code store::all})
     * @param clock          decides which windows are in force and when boundaries are due
     * @param reloadInterval time between periodic re-reads ({@link #RELOAD_INTERVAL} in the control plane)
     */
    public MaintenanceSchedule(Supplier<Future<List<MaintenanceWindow>>> source, Clock clock, Duration reloadInterval) {
        this.source = source;
        this.clock = clock;
        this.reloadInterval = reloadInterval;
    }

    @Override
    public Future<?> start() {
        return reload().onSuccess(loaded -> vertx.setPeriodic(reloadInterval.toMillis(), id -> reload()
                .onFailure(error -> LOG.warn("maintenance windows reload failed, keeping the last ones: {}", error.getMessage()))));
    }

    /**
     * Re-reads every window; completes when a read that began after this call is in force (reads
     * never overlap: calls during a read share the next one). Orgs whose windows changed are told,
     * and the boundary timer is re-armed. On failure the previous windows stay in force.
     */
    public Future<Void> reload() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            waiting.add(done);
            if (!reading) {
                read();
            }
        });
        return done.future();
    }

    /** The strongest mode of the enabled windows covering {@code target} that are in force at {@code at}. */
    public MaintenanceMode modeAt(Target target, Instant at) {
        return index.modeAt(target, at);
    }

    /**
     * {@code target} as the probe scheduling should see it now: a copy with {@code enabled = false}
     * while a pause window covers it, else {@code target} itself. The stored target is never changed.
     */
    public Target withPause(Target target) {
        if (!target.enabled() || modeAt(target, clock.instant()) != MaintenanceMode.PAUSE) {
            return target;
        }
        return new Target(target.id(), target.orgId(), target.key(), target.name(), target.spec(), target.interval(),
                target.timeout(), target.regions(), target.tags(), false, target.createdAt(), target.updatedAt(), target.version());
    }

    /**
     * The muted time of {@code target} within {@code [from, to)}: the occurrences of the enabled
     * {@code mute} windows covering it, merged (overlapping or touching ones joined), cut to the
     * range, in order. Pause windows are not included (no checks run then).
     */
    public List<Interval> muted(Target target, Instant from, Instant to) {
        return from.isBefore(to) ? index.intervals(target, MaintenanceMode.MUTE, from, to) : List.of();
    }

    /** Adds a listener (see the class comment for when and where it is called). */
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    private void read() {
        reading = true;
        List<Promise<Void>> served = waiting;
        waiting = new ArrayList<>();
        source.get().onComplete(read -> context.runOnContext(v -> {
            if (read.succeeded()) {
                WindowIndex before = index;
                index = new WindowIndex(read.result());
                Instant now = clock.instant();
                // A boundary that is due but whose timer has not fired yet must not be skipped.
                arm(armedFor != null && !armedFor.isAfter(now) ? armedFor.minusNanos(1) : now);
                before.changedOrgs(index).forEach(this::tell);
                served.forEach(Promise::complete);
            } else {
                served.forEach(promise -> promise.fail(read.cause()));
            }
            reading = false;
            if (!waiting.isEmpty()) {
                read();
            }
        }));
    }

    /** Arms the boundary timer at the first start or end after {@code after}. */
    private void arm(Instant after) {
        if (boundaryTimer != -1) {
            vertx.cancelTimer(boundaryTimer);
            boundaryTimer = -1;
            armedFor = null;
        }
        index.nextBoundary(after).ifPresent(this::armFor);
    }

    private void armFor(WindowIndex.Boundary boundary) {
        long delay = Math.max(1, Duration.between(clock.instant(), boundary.at()).toMillis());
        armedFor = boundary.at();
        boundaryTimer = vertx.setTimer(delay, id -> {
            boundaryTimer = -1;
            armedFor = null;
            if (clock.instant().isBefore(boundary.at())) {
                armFor(boundary); // woke before the clock got there
                return;
            }
            Set<OrgId> orgs = boundary.orgs();
            orgs.forEach(this::tell);
            arm(boundary.at());
        });
    }

    private void tell(OrgId org) {
        for (Listener listener : listeners) {
            try {
                listener.windowsChanged(org);
            } catch (RuntimeException e) {
                LOG.warn("maintenance listener failed for org {}", org, e);
            }
        }
    }
}
