package dev.heliograph.controlplane.registry;

import dev.heliograph.controlplane.storage.postgres.PgTargetStore;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.ProbeEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the in-process engine's schedule equal to the targets in Postgres. The API reports each
 * write ({@link #changed}, {@link #removed}), which reaches the scheduler at once; a full re-read
 * every {@code refreshInterval} repairs anything missed. A re-read that overlapped a reported
 * change is discarded (it may predate the change); the next one applies.
 */
public final class TargetRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(TargetRegistry.class);

    private final Vertx vertx;
    private final PgTargetStore store;
    private final ProbeEngine engine;
    private final RegionId region;
    private final Duration refreshInterval;
    private final AtomicLong changes = new AtomicLong();
    private long timer = -1;

    public TargetRegistry(Vertx vertx, PgTargetStore store, ProbeEngine engine, RegionId region, Duration refreshInterval) {
        this.vertx = vertx;
        this.store = store;
        this.engine = engine;
        this.region = region;
        this.refreshInterval = refreshInterval;
    }

    /** Loads every schedulable target into the engine, then refreshes periodically. */
    public Future<Void> start() {
        return refresh().onSuccess(v -> timer = vertx.setPeriodic(refreshInterval.toMillis(), id -> refresh()
                .onFailure(error -> LOG.warn("target refresh from postgres failed: {}", error.getMessage()))));
    }

    /** Stops the periodic refresh. */
    public void stop() {
        vertx.cancelTimer(timer);
    }

    /** A target was created or updated through the API. */
    public void changed(Target target) {
        changes.incrementAndGet();
        engine.apply(target);
    }

    /** A target was deleted through the API. */
    public void removed(TargetId id) {
        changes.incrementAndGet();
        engine.remove(id);
    }

    /** Re-reads the schedulable targets and syncs the engine with them. */
    public Future<Void> refresh() {
        long before = changes.get();
        return store.listSchedulable(region).compose(targets -> {
            if (changes.get() != before) {
                LOG.debug("target refresh skipped: a change arrived while it was read");
                return Future.succeededFuture();
            }
            return engine.sync(targets);
        });
    }
}
