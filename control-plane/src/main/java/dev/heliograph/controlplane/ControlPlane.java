package dev.heliograph.controlplane;

import dev.heliograph.controlplane.api.ApiServer;
import dev.heliograph.controlplane.api.HealthHandler;
import dev.heliograph.controlplane.api.ResultHandler;
import dev.heliograph.controlplane.api.TargetHandler;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.controlplane.pipeline.BatchWriter;
import dev.heliograph.controlplane.pipeline.ResultBatcher;
import dev.heliograph.controlplane.registry.TargetRegistry;
import dev.heliograph.controlplane.storage.clickhouse.ClickHouseResultStore;
import dev.heliograph.controlplane.storage.postgres.PgMigrations;
import dev.heliograph.controlplane.storage.postgres.PgTargetStore;
import dev.heliograph.domain.RegionId;
import dev.heliograph.probe.EngineSettings;
import dev.heliograph.probe.ProbeEngine;
import dev.heliograph.probe.net.AddressGuard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control-plane process, assembled: Postgres (migrated) → ClickHouse (migrated) → result
 * batcher → probe engine for the local region → target registry → REST API. {@link #start} brings
 * them up in that order; {@link #stop} takes them down in reverse so that no accepted result is
 * lost: stop scheduling, let in-flight checks finish, flush the batcher, close the rest.
 */
public final class ControlPlane {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
    /** The agent id recorded on results of the in-process engine. */
    public static final String AGENT_ID = "control-plane";

    private final Vertx vertx;
    private final HeliographConfig config;
    private Pool postgres;
    private ClickHouseResultStore clickhouse;
    private ResultBatcher batcher;
    private ProbeEngine engine;
    private TargetRegistry registry;
    private ApiServer api;

    private ControlPlane(Vertx vertx, HeliographConfig config) {
        this.vertx = vertx;
        this.config = config;
    }

    /** Starts every part; fails (after closing what started) when any part cannot start. */
    public static Future<ControlPlane> start(Vertx vertx, HeliographConfig config, Clock clock) {
        ControlPlane plane = new ControlPlane(vertx, config);
        return plane.startParts(clock).map(plane).recover(error -> plane.closeResources().transform(v -> Future.failedFuture(error)));
    }

    private Future<Void> startParts(Clock clock) {
        HeliographConfig.Postgres pg = config.postgres();
        return PgMigrations.migrate(vertx, pg).compose(applied -> {
            LOG.info("postgres {}:{}/{} ready ({} migrations applied)", pg.host(), pg.port(), pg.database(), applied);
            postgres = PgBuilder.pool()
                    .with(new PoolOptions().setMaxSize(pg.poolSize()))
                    .connectingTo(new PgConnectOptions().setHost(pg.host()).setPort(pg.port())
                            .setDatabase(pg.database()).setUser(pg.user()).setPassword(pg.password()))
                    .using(vertx)
                    .build();
            clickhouse = ClickHouseResultStore.create(vertx, config.clickhouse());
            return clickhouse.migrate();
        }).compose(v -> {
            LOG.info("clickhouse {} database {} ready", config.clickhouse().url(), config.clickhouse().database());
            HeliographConfig.Batcher b = config.batcher();
            BatchWriter writer = (batch, retry) -> retry ? clickhouse.insertMissing(batch) : clickhouse.insert(batch);
            batcher = new ResultBatcher(writer, new ResultBatcher.Settings(b.queueCapacity(), b.flushSize(),
                    Duration.ofMillis(b.flushIntervalMs()), Duration.ofMillis(b.retryInitialMs()), Duration.ofMillis(b.retryMaxMs())));
            return vertx.deployVerticle(batcher);
        }).compose(v -> ProbeEngine.start(vertx, engineSettings(), clock, batcher)).compose(started -> {
            engine = started;
            PgTargetStore targets = new PgTargetStore(postgres);
            RegionId region = new RegionId(config.scheduler().region());
            registry = new TargetRegistry(vertx, targets, engine, region, Duration.ofSeconds(config.scheduler().refreshIntervalS()));
            return registry.start().compose(loaded -> ApiServer.start(vertx, config.api().host(), config.api().port(),
                    config.api().maxBodyBytes(), new TargetHandler(targets, registry, region, new AddressGuard(config.probe().allowedNetworks())),
                    new ResultHandler(targets, clickhouse, clock), new HealthHandler(postgres, clickhouse)));
        }).compose(server -> {
            api = server;
            LOG.info("api listening on http://{}:{} (region {})", config.api().host(), server.port(), config.scheduler().region());
            return Future.<Void>succeededFuture();
        });
    }

    private EngineSettings engineSettings() {
        HeliographConfig.Probe probe = config.probe();
        int lanes = config.scheduler().lanes() == 0 ? 2 * Runtime.getRuntime().availableProcessors() : config.scheduler().lanes();
        return new EngineSettings(new RegionId(config.scheduler().region()), AGENT_ID, config.pool().maxConcurrentChecks(),
                Duration.ofMillis(config.pool().maxQueueWaitMs()), Duration.ofMillis(config.scheduler().jitterMs()), lanes,
                probe.allowedNetworks(), Duration.ofMillis(probe.dnsTimeoutMs()), Duration.ofSeconds(probe.dnsMinTtlS()),
                Duration.ofSeconds(probe.dnsMaxTtlS()), new EngineSettings.BreakerSettings(config.breaker().failureRatePercent(),
                        config.breaker().slidingWindow(), config.breaker().minimumChecks(),
                        Duration.ofSeconds(config.breaker().openDurationS()), config.breaker().halfOpenChecks()),
                config.bulkhead().maxPerHost());
    }

    /**
     * Graceful stop within {@code timeout}: stop the schedule and refresh, wait for checks in flight,
     * flush every accepted result to ClickHouse, then close the API and the connections. Completes
     * with {@code true} when nothing accepted was left unwritten.
     */
    public Future<Boolean> stop(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        if (registry != null) {
            registry.stop();
        }
        Future<Boolean> checks = engine == null ? Future.succeededFuture(true) : engine.shutdown(remaining(deadline, 0.6));
        return checks.compose(checksDone -> (batcher == null ? Future.succeededFuture(true) : batcher.drain(remaining(deadline, 0.9)))
                .map(flushed -> {
                    LOG.info("shutdown: in-flight checks {}, results {}: {}", checksDone ? "finished" : "cut off",
                            flushed ? "all written" : "NOT all written", batcher == null ? "-" : batcher.stats());
                    return checksDone && flushed;
                }))
                .compose(clean -> closeResources().map(clean));
    }

    private Future<Void> closeResources() {
        Future<Void> apiClosed = api == null ? Future.succeededFuture() : api.close();
        return apiClosed.transform(v -> {
            if (postgres != null) {
                postgres.close();
            }
            if (clickhouse != null) {
                clickhouse.close();
            }
            return Future.<Void>succeededFuture();
        });
    }

    private static Duration remaining(Instant deadline, double share) {
        long left = Duration.between(Instant.now(), deadline).toMillis();
        return Duration.ofMillis(Math.max(1, (long) (left * share)));
    }

    /** The port the API listens on. */
    public int apiPort() {
        return api.port();
    }

    /** The result batcher, for its counters. */
    public ResultBatcher batcher() {
        return batcher;
    }

    /** The in-process probe engine. */
    public ProbeEngine engine() {
        return engine;
    }

    /** The ClickHouse result store. */
    public ClickHouseResultStore results() {
        return clickhouse;
    }
}
