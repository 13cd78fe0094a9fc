package dev.heliograph.controlplane.registry;

import dev.heliograph.controlplane.agents.AgentHub;
import dev.heliograph.controlplane.maintenance.MaintenanceSchedule;
import dev.heliograph.controlplane.storage.postgres.PgTargetStore;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.ProbeEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the in-process engine's schedule, and the agent hub's per-region target sets, equal to the
 * targets in Postgres (the engine keeps those of its own region, the hub those of the others). The API reports each
 * write ({@link #changed}, {@link #removed}), which reaches the scheduler at once; a full re-read
 * every {@code refreshInterval} repairs anything missed.
 *
 * <p>A re-read may predate a write that the API reported while it ran, so the writes reported
 * during a re-read overrule what it read for those targets: the refresh never re-schedules a target
 * deleted meanwhile nor drops one created meanwhile, and it is never skipped as a whole (so steady
 * API traffic cannot starve the repair).
 *
 * <p>Maintenance: a target in a {@code pause} window is handed on as disabled
 * ({@link MaintenanceSchedule#withPause}), so neither the engine nor the hub checks it; its stored
 * {@code enabled} flag stays as it is. When the schedule says that an org's windows started, ended
 * or changed, the registry re-reads (one re-read at a time, another one after it when told again
 * meanwhile), which re-applies every target as it should be scheduled now.
 */
public final class TargetRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(TargetRegistry.class);

    private final Vertx vertx;
    private final PgTargetStore store;
    private final ProbeEngine engine;
    private final AgentHub hub;
    private final MaintenanceSchedule maintenance;
    private Duration refreshInterval;
    // Writes reported while a re-read runs: id → the new target, or empty when deleted.
    private final Map<TargetId, Optional<Target>> reportedDuringRead = new LinkedHashMap<>();
    private int readsRunning;
    // The previous re-read: every enabled target with its row's stamp.
    private Map<TargetId, PgTargetStore.Stamped> lastRead = Map.of();
    private boolean periodicRunning;
    private boolean maintenanceRefreshRunning;
    private boolean maintenanceRefreshAgain;
    private long timer = -1;
    private final List<TargetListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Told of every target write and re-read, in the order the engine and hub are (the incident engine
     * follows the targets this way). Calls come from any thread and must not block.
     */
    public interface TargetListener {
        /** A target was created or changed (it may be disabled now). */
        void apply(Target target);

        /** A target was deleted. */
        void remove(TargetId id);

        /** The full set of enabled targets, re-read. */
        void sync(java.util.Collection<Target> all);
    }

    /** Adds {@code listener}; register before {@link #start()} so that it sees the first read. */
    public void listen(TargetListener listener) {
        listeners.add(listener);
    }

    public TargetRegistry(Vertx vertx, PgTargetStore store, ProbeEngine engine, AgentHub hub, Duration refreshInterval,
                          MaintenanceSchedule maintenance) {
        this.vertx = vertx;
        this.store = store;
        this.engine = engine;
        this.hub = hub;
        this.refreshInterval = refreshInterval;
        this.maintenance = maintenance;
    }

    /** Loads every schedulable target into the engine, then refreshes periodically and when maintenance changes. */
    public Future<Void> start() {
        maintenance.addListener(org -> maintenanceChanged());
        return refresh().onSuccess(v -> schedule());
    }

    /** Stops the periodic refresh. */
    public synchronized void stop() {
        vertx.cancelTimer(timer);
        timer = -1;
    }

    /** Changes the period of the full re-read (live reload); takes effect at once. */
    public synchronized void refreshEvery(Duration interval) {
        refreshInterval = interval;
        if (timer != -1) {
            vertx.cancelTimer(timer);
            schedule();
        }
    }

    private synchronized void schedule() {
        timer = vertx.setPeriodic(refreshInterval.toMillis(), id -> periodicRefresh());
    }

    /** One periodic re-read at a time: a tick that finds one still running is skipped. */
    private void periodicRefresh() {
        synchronized (this) {
            if (periodicRunning) {
                return;
            }
            periodicRunning = true;
        }
        refresh().onComplete(done -> {
            synchronized (this) {
                periodicRunning = false;
            }
            if (done.failed()) {
                LOG.warn("target refresh from postgres failed: {}", done.cause().getMessage());
            }
        });
    }

    /** A target was created or updated through the API. */
    public synchronized void changed(Target target) {
        report(target.id(), Optional.of(target));
        Target scheduled = maintenance.withPause(target);
        engine.apply(scheduled);
        hub.apply(scheduled);
        // The incident engine gets the target as it is: a pause stops checks, it does not end incidents.
        listeners.forEach(listener -> listener.apply(target));
    }

    /** A pause may have begun or ended: re-read once, and once more if told again during the read. */
    private void maintenanceChanged() {
        synchronized (this) {
            if (maintenanceRefreshRunning) {
                maintenanceRefreshAgain = true;
                return;
            }
            maintenanceRefreshRunning = true;
        }
        refresh().onComplete(done -> {
            if (done.failed()) {
                LOG.warn("target refresh after a maintenance change failed: {}", done.cause().getMessage());
            }
            boolean again;
            synchronized (this) {
                again = maintenanceRefreshAgain;
                maintenanceRefreshAgain = false;
                maintenanceRefreshRunning = false;
            }
            if (again) {
                maintenanceChanged();
            }
        });
    }

    /** A target was deleted through the API. */
    public synchronized void removed(TargetId id) {
        report(id, Optional.empty());
        engine.remove(id);
        hub.remove(id);
        listeners.forEach(listener -> listener.remove(id));
    }

    /**
     * Re-reads the schedulable targets and syncs the engine with them. The engine queues changes
     * in call order, and API writes and the sync are handed to it under this object's lock, so a
     * write reported after the sync is queued also lands after it.
     */
    public Future<Void> refresh() {
        synchronized (this) {
            readsRunning++;
        }
        return readEnabled()
                .compose(read -> {
                    synchronized (this) {
                        List<Target> current = overruled(read);
                        List<Target> scheduled = current.stream().map(maintenance::withPause).toList();
                        hub.sync(scheduled);
                        listeners.forEach(listener -> listener.sync(current));
                        return engine.sync(scheduled);
                    }
                })
                .eventually(() -> {
                    synchronized (this) {
                        if (--readsRunning == 0) {
                            reportedDuringRead.clear();
                        }
                    }
                    return Future.succeededFuture();
                });
    }

    /**
     * Every enabled target, as of one read of the rows' stamps: a row whose stamp equals the one of
     * the previous re-read is taken from it, and only the others are read and decoded again (all of
     * them when more than half changed, or at the first read). With many targets this is what keeps
     * the re-read cheap: 100,000 specs decoded every 30 s took the API's event loop for most of a
     * second (issue 6).
     */
    private Future<List<Target>> readEnabled() {
        Map<TargetId, PgTargetStore.Stamped> known;
        synchronized (this) {
            known = lastRead;
        }
        Map<TargetId, PgTargetStore.Stamped> read = HashMap.newHashMap(known.size());
        List<TargetId> changed = new ArrayList<>();
        return store.enabledStamps((id, stamp) -> {
            PgTargetStore.Stamped before = known.get(id);
            if (before != null && before.stamp() == stamp) {
                read.put(id, before);
            } else {
                changed.add(id);
            }
        }).compose(stamped -> {
            if (changed.size() > read.size()) {
                // A full read is its own snapshot: rows kept from the stamps may have gone since.
                read.clear();
                return store.listEnabled();
            }
            return store.listEnabled(changed);
        }).map(rows -> {
            rows.forEach(row -> read.put(row.target().id(), row));
            synchronized (this) {
                lastRead = read;
            }
            List<Target> targets = new ArrayList<>(read.size());
            read.values().forEach(row -> targets.add(row.target()));
            return targets;
        });
    }

    private void report(TargetId id, Optional<Target> state) {
        if (readsRunning > 0) {
            reportedDuringRead.put(id, state);
        }
    }

    /** {@code read} with every write reported during the read applied on top. */
    private List<Target> overruled(List<Target> read) {
        if (reportedDuringRead.isEmpty()) {
            return read;
        }
        Map<TargetId, Target> merged = new LinkedHashMap<>();
        read.forEach(target -> merged.put(target.id(), target));
        reportedDuringRead.forEach((id, state) -> state.ifPresentOrElse(
                target -> merged.merge(id, target, (old, fresh) -> fresh.version() >= old.version() ? fresh : old),
                () -> merged.remove(id)));
        return new ArrayList<>(merged.values());
    }
}
