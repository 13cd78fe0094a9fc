package dev.heliograph.controlplane;

import dev.heliograph.controlplane.agents.AgentDrain;
import dev.heliograph.controlplane.agents.AgentGate;
import dev.heliograph.controlplane.agents.AgentHub;
import dev.heliograph.controlplane.agents.AgentServer;
import dev.heliograph.controlplane.agents.AgentStore;
import dev.heliograph.controlplane.agents.RegionCatalog;
import dev.heliograph.controlplane.alerting.PgPolicyStore;
import dev.heliograph.controlplane.alerting.channel.ChannelSenders;
import dev.heliograph.controlplane.api.AgentHandler;
import dev.heliograph.controlplane.api.AlertChannelHandler;
import dev.heliograph.controlplane.api.AlertingFileHandler;
import dev.heliograph.controlplane.api.ApiServer;
import dev.heliograph.controlplane.api.BulkActionHandler;
import dev.heliograph.controlplane.api.BulkTargetHandler;
import dev.heliograph.controlplane.api.TargetFileHandler;
import dev.heliograph.controlplane.api.ApiKeyHandler;
import dev.heliograph.controlplane.api.OrgHandler;
import dev.heliograph.controlplane.auth.ApiKeys;
import dev.heliograph.controlplane.auth.KeyAuthenticator;
import dev.heliograph.controlplane.auth.PgApiKeyStore;
import dev.heliograph.controlplane.api.OnDemandHandler;
import dev.heliograph.controlplane.api.RegionHandler;
import dev.heliograph.controlplane.api.DashboardHandler;
import dev.heliograph.controlplane.api.HealthHandler;
import dev.heliograph.controlplane.api.MaintenanceWindowHandler;
import dev.heliograph.controlplane.maintenance.MaintenanceSchedule;
import dev.heliograph.controlplane.maintenance.MaintenanceWindowStore;
import dev.heliograph.controlplane.api.Idempotency;
import dev.heliograph.controlplane.api.TagHandler;
import dev.heliograph.controlplane.api.ResultHandler;
import dev.heliograph.controlplane.api.TargetHandler;
import dev.heliograph.controlplane.config.ConfigSource;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.controlplane.control.ConfigReloader;
import dev.heliograph.controlplane.control.ControlServer;
import dev.heliograph.controlplane.control.LiveSettings;
import dev.heliograph.controlplane.control.ReloadResult;
import dev.heliograph.controlplane.health.Components;
import dev.heliograph.controlplane.observability.Metrics;
import dev.heliograph.controlplane.health.HealthProbes;
import dev.heliograph.controlplane.pipeline.BatchWriter;
import dev.heliograph.controlplane.pipeline.BatcherStats;
import dev.heliograph.controlplane.pipeline.ResultBatcher;
import dev.heliograph.controlplane.registry.TargetRegistry;
import dev.heliograph.controlplane.secrets.ChannelSealer;
import dev.heliograph.controlplane.secrets.SecretCipher;
import dev.heliograph.controlplane.secrets.SpecSealer;
import dev.heliograph.controlplane.secrets.StoredSecrets;
import dev.heliograph.controlplane.storage.clickhouse.ClickHouseResultStore;
import dev.heliograph.controlplane.storage.postgres.AlertChannelStore;
import dev.heliograph.controlplane.storage.postgres.OrgTransactions;
import dev.heliograph.controlplane.storage.postgres.PgIdempotencyStore;
import dev.heliograph.controlplane.storage.postgres.PgMigrations;
import dev.heliograph.controlplane.storage.postgres.PgTargetOverview;
import dev.heliograph.controlplane.storage.postgres.PgPools;
import dev.heliograph.controlplane.storage.postgres.PgTargetStore;
import dev.heliograph.controlplane.tls.ServerTls;
import dev.heliograph.domain.RegionId;
import dev.heliograph.probe.EngineSettings;
import dev.heliograph.probe.ProbeEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control-plane process, assembled: Postgres (migrated) → ClickHouse (migrated) → result
 * batcher → probe engine for the local region → maintenance schedule → agent server and hub for the
 * other regions → target registry → REST API → control server.
 * {@link #start} brings them up in that order; {@link #stop} takes them down in reverse so that no
 * accepted result is lost: stop scheduling, let in-flight checks finish, flush the batcher, close
 * the rest.
 *
 * <p>Every part is a component in {@link #components()}; the databases and the batcher are probed
 * every {@value #PROBE_INTERVAL_S} s (a probe without an answer within {@value #PROBE_TIMEOUT_S} s
 * marks its component unhealthy). {@link #reload()} re-reads the configuration source.
 */
public final class ControlPlane {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
    /** The agent id recorded on results of the in-process engine. */
    public static final String AGENT_ID = "control-plane";
    static final int PROBE_INTERVAL_S = 5;
    static final int PROBE_TIMEOUT_S = 4;

    private final Vertx vertx;
    private final HeliographConfig config;
    private final ConfigSource source;
    private final Components components;
    private final SpecSealer sealer;
    private final ChannelSealer channelSealer;
    private Pool postgres;
    private ClickHouseResultStore clickhouse;
    private final Metrics metrics;
    private ResultBatcher batcher;
    private ProbeEngine engine;
    private TargetRegistry registry;
    private ApiServer api;
    private ControlServer control;
    private AgentServer agentServer;
    private ServerTls tls;
    private String agentServerDeployment;
    private String maintenanceDeployment;
    private ConfigReloader reloader;
    private HealthProbes probes;
    private Idempotency idempotency;
    private ChannelSenders senders;
    private IncidentWiring incidents;

    private ControlPlane(Vertx vertx, HeliographConfig config, ConfigSource source, Clock clock, Metrics metrics) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.config = config;
        this.source = source;
        this.components = new Components(clock);
        this.sealer = new SpecSealer(SecretCipher.of(config.secret()));
        this.channelSealer = new ChannelSealer(SecretCipher.of(config.secret()));
        components.register(Components.CONFIG, false);
        components.register(Components.POSTGRES, true);
        components.register(Components.CLICKHOUSE, false);
        components.register(Components.BATCHER, false);
        components.register(Components.SCHEDULER, true);
        components.register(Components.WORKER_POOL, true);
        components.register(Components.API_SERVER, true);
        components.register(Components.CONTROL_SERVER, false);
        components.register(Components.AGENT_SERVER, true);
        components.register(Components.ALERTING, false);
        metrics.bindComponents(components);
    }

    /**
     * Starts every part with a configuration built in code; a reload re-reads nothing and changes
     * nothing (see {@link ConfigSource#fixed}).
     */
    public static Future<ControlPlane> start(Vertx vertx, HeliographConfig config, Clock clock) {
        return start(vertx, config, ConfigSource.fixed(config), clock);
    }

    /**
     * Starts every part; fails (after closing what started) when any part cannot start.
     *
     * @param config the configuration {@code source} yielded; {@link #reload()} reads {@code source} again
     */
    public static Future<ControlPlane> start(Vertx vertx, HeliographConfig config, ConfigSource source, Clock clock) {
        return start(vertx, config, source, clock, new Metrics());
    }

    /**
     * Starts every part, exporting meters to {@code metrics} (served at {@code /metrics}); fails
     * (after closing what started) when any part cannot start.
     */
    public static Future<ControlPlane> start(Vertx vertx, HeliographConfig config, ConfigSource source, Clock clock,
                                             Metrics metrics) {
        ControlPlane plane = new ControlPlane(vertx, config, source, clock, metrics);
        return plane.startParts(clock).map(plane).recover(error -> plane.closeResources().transform(v -> Future.failedFuture(error)));
    }

    private Future<Void> startParts(Clock clock) {
        components.healthy(Components.CONFIG, "loaded from " + source.description());
        HeliographConfig.Postgres pg = config.postgres();
        return PgMigrations.migrate(vertx, pg).compose(applied -> {
            LOG.info("postgres {}:{}/{} ready ({} migrations applied)", pg.host(), pg.port(), pg.database(), applied);
            components.healthy(Components.POSTGRES, "migrated");
            postgres = PgPools.of(vertx, pg, pg.poolSize());
            // Every stored secret must decrypt before anything reads targets or alert channels.
            return StoredSecrets.verify(postgres, sealer, channelSealer);
        }).compose(v -> {
            clickhouse = ClickHouseResultStore.create(vertx, config.clickhouse());
            return clickhouse.migrate();
        }).compose(v -> {
            LOG.info("clickhouse {} database {} ready", config.clickhouse().url(), config.clickhouse().database());
            components.healthy(Components.CLICKHOUSE, "migrated");
            HeliographConfig.Batcher b = config.batcher();
            BatchWriter writer = BatchWriter.clickHouse(clickhouse);
            batcher = new ResultBatcher(writer, new ResultBatcher.Settings(b.queueCapacity(), b.flushSize(),
                    Duration.ofMillis(b.flushIntervalMs()), Duration.ofMillis(b.retryInitialMs()), Duration.ofMillis(b.retryMaxMs())), clock, AGENT_ID);
            batcher.bindTo(metrics.registry());
            return vertx.deployVerticle(batcher).onSuccess(id -> components.healthy(Components.BATCHER, "writing"));
        }).compose(v -> ProbeEngine.start(vertx, engineSettings(), clock, batcher, metrics.registry())).compose(started -> {
            engine = started;
            components.healthy(Components.SCHEDULER, "running in region " + config.scheduler().region());
            components.healthy(Components.WORKER_POOL, "running");
            return vertx.executeBlocking(() -> ServerTls.load(config.tls(), clock), false).compose(loaded -> {
                tls = loaded;
                LOG.info("agent server CA fingerprint sha256:{} (server certificate valid until {})", tls.caFingerprint(),
                        tls.serverExpiry());
                return startServers(clock);
            });
        }).compose(v -> {
            probes = startProbes();
            LOG.info("api listening on {}://{}:{} (region {}), agent server on https://{}:{}, control server on http://{}:{}",
                    config.tls().api() ? "https" : "http", config.api().host(), api.port(), config.scheduler().region(), config.agents().host(), agentServer.port(),
                    config.control().host(), control.port());
            return Future.<Void>succeededFuture();
        });
    }

    private Future<Void> startServers(Clock clock) {
        PgTargetStore targets = new PgTargetStore(postgres, sealer);
        AgentStore agentStore = new AgentStore(postgres);
        RegionId region = new RegionId(config.scheduler().region());
        RegionCatalog regions = new RegionCatalog();
        HeliographConfig.Agents a = config.agents();
        AgentGate gate = new AgentGate(clock);
        gate.bindTo(metrics.registry());
        // A held poll must end before its agent would pass the threshold (its arrival is the heartbeat).
        int holdS = Math.max(1, Math.min(a.pollHoldS(), a.thresholdS() - a.heartbeatIntervalS()));
        AgentHub.Settings hubSettings = new AgentHub.Settings(region, Duration.ofSeconds(holdS),
                Duration.ofSeconds(a.thresholdS()), Duration.ofSeconds(a.evaluateIntervalS()),
                Duration.ofSeconds(a.autoDeleteAfterS()), Duration.ofSeconds(a.onDemandTimeoutS()));
        agentServer = new AgentServer(new AgentServer.Settings(a.host(), a.port(), hubSettings, a.signatureWindowS(),
                a.retryAfterS(), a.heartbeatIntervalS(), a.maxBodyBytes()), tls, agentStore, targets, batcher, clickhouse, gate::isOpen,
                clock);
        agentServer.bindTo(metrics.registry());
        HealthHandler health = new HealthHandler(components);
        PgApiKeyStore keys = new PgApiKeyStore(postgres);
        KeyAuthenticator authenticator = new KeyAuthenticator(keys, clock);
        MaintenanceWindowStore windows = new MaintenanceWindowStore(postgres);
        MaintenanceSchedule maintenance = new MaintenanceSchedule(windows::all, clock, MaintenanceSchedule.RELOAD_INTERVAL);
        return keys.bootstrap(config.api().bootstrapKey())
                .compose(created -> {
                    created.ifPresent(ControlPlane::showBootstrapKey);
                    return agentStore.ensureRegion(region, "the control plane's own region");
                })
                .compose(v -> agentStore.regionNames())
                .compose(names -> {
                    regions.load(names);
                    return vertx.deployVerticle(maintenance); // the windows are loaded before any target is scheduled
                }).compose(deployment -> {
                    maintenanceDeployment = deployment;
                    return vertx.deployVerticle(agentServer);
                }).compose(deployment -> {
                    agentServerDeployment = deployment;
                    AgentHub hub = agentServer.hub();
                    hub.bindTo(metrics.registry());
                    registry = new TargetRegistry(vertx, targets, engine, hub, Duration.ofSeconds(config.scheduler().refreshIntervalS()),
                            maintenance);
                    LiveSettings live = new LiveSettings(config, engine, registry);
                    reloader = new ConfigReloader(vertx, source, config, components, live::apply);
                    AgentDrain drain = new AgentDrain(vertx, hub, clock);
                    drain.bindTo(metrics.registry());
                    TargetHandler targetHandler = new TargetHandler(targets, registry, region, live::guard, regions::contains);
                    OnDemandHandler onDemand = new OnDemandHandler(targets, hub, engine, batcher, region, live::guard,
                            regions::contains, clock);
                    RegionHandler regionHandler = new RegionHandler(agentStore, regions, region, Duration.ofHours(a.tokenTtlH()),
                            tls.caFingerprint(), clock);
                    AgentHandler agentHandler = new AgentHandler(hub);
                    ResultHandler resultHandler = new ResultHandler(targets, clickhouse, maintenance, clock);
                    senders = new ChannelSenders(vertx, ChannelSenders.Settings.of(config), live::guard, clock);
                    AlertChannelStore channels = new AlertChannelStore(postgres, channelSealer);
                    PgTargetOverview overview = new PgTargetOverview(postgres);
                    DashboardHandler dashboard = new DashboardHandler(overview, clickhouse, hub, clock, DashboardHandler.MAX_AGE);
                    idempotency = new Idempotency(vertx, new PgIdempotencyStore(postgres), clock,
                            Duration.ofHours(config.api().idempotencyTtlH()), Duration.ofSeconds(config.api().idempotencyWaitS()));
                    // The agent server listens once the hub holds the targets.
                    // Expired idempotency keys are pruned once now (a failure is logged, not fatal), then hourly.
                    // The incident engine listens to the registry before its first read.
                    return IncidentWiring.start(vertx, config, clock, new IncidentWiring.Parts(postgres, targets, engine, hub, batcher,
                                    region, maintenance, channels::get, senders, this::publicUrl, metrics.registry()))
                            .compose(started -> {
                                incidents = started;
                                registry.listen(started.engine());
                                components.healthy(Components.ALERTING, "deciding incidents and sending notifications");
                                return registry.start();
                            })
                            .compose(loaded -> idempotency.start().otherwiseEmpty())
                            .compose(pruned -> agentServer.listen()).compose(listening -> {
                        AlertChannelHandler channelHandler = new AlertChannelHandler(channels, senders, live::guard, clock,
                                () -> incidents.routing().reload());
                        AlertingFileHandler alertingFile = new AlertingFileHandler(new AlertingFileHandler.Stores(channels,
                                new PgPolicyStore(postgres), windows, new OrgTransactions(postgres)), maintenance, live::guard,
                                () -> incidents.routing().reload());
                        components.healthy(Components.AGENT_SERVER, "listening on " + a.host() + ":" + agentServer.port());
                        io.vertx.core.http.HttpServerOptions apiOptions = config.tls().api()
                                ? tls.secure(new io.vertx.core.http.HttpServerOptions()) : new io.vertx.core.http.HttpServerOptions();
                        return ApiServer.start(vertx, apiOptions, config.api().host(), config.api().port(),
                                config.api().maxBodyBytes(), health, metrics.scrapeHandler(),
                                authenticator, idempotency, java.util.stream.Stream.concat(Stream.of(health, onDemand, targetHandler,
                                        resultHandler, regionHandler, agentHandler, new ApiKeyHandler(keys, authenticator, clock),
                                        new OrgHandler(keys), new TagHandler(overview), dashboard,
                                        new BulkTargetHandler(targets, registry, region, live::guard, regions::contains),
                                        new BulkActionHandler(targets, registry),
                                        new TargetFileHandler(targets, registry, region, live::guard, regions::contains),
                                        new MaintenanceWindowHandler(windows, maintenance, clock), channelHandler, alertingFile),
                                        incidents.handlers().stream()).toList());
                    }).compose(server -> {
                        api = server;
                        components.healthy(Components.API_SERVER, "listening on " + config.api().host() + ":" + server.port());
                        return ControlServer.start(vertx, config.control().host(), config.control().port(), reloader,
                                health, gate, drain);
                    });
                }).map(server -> {
                    control = server;
                    components.healthy(Components.CONTROL_SERVER, "listening on " + config.control().host() + ":" + server.port());
                    return null;
                });
    }

    /**
     * Shows a generated first admin key of the operator org once, on standard output only (never in
     * the log, which may be shipped elsewhere); the log says that it was shown. A configured
     * {@code api.bootstrap_key} is not echoed: its owner has it.
     */
    private static void showBootstrapKey(PgApiKeyStore.Bootstrapped created) {
        String key = created.key();
        if (!created.generated()) {
            LOG.info("stored api.bootstrap_key as the operator org's admin key {}...", ApiKeys.shown(key));
            return;
        }
        System.out.println("heliograph: created the operator org's admin API key; it is shown only now, store it:\n"
                + "heliograph:   " + key + "\n"
                + "heliograph: use it as: curl -H \"Authorization: Bearer " + key + "\" ...");
        System.out.flush();
        LOG.warn("created the operator org's admin API key {}... and printed it once on standard output", ApiKeys.shown(key));
    }

    private HealthProbes startProbes() {
        HealthProbes started = new HealthProbes(vertx, components, Duration.ofSeconds(PROBE_INTERVAL_S),
                Duration.ofSeconds(PROBE_TIMEOUT_S))
                .add(Components.POSTGRES, () -> postgres.query("SELECT 1").execute().map(rows -> "SELECT 1 answered"))
                .add(Components.CLICKHOUSE, () -> clickhouse.ping().map(v -> "ping answered"))
                .add(Components.BATCHER, this::batcherHealth)
                .add(Components.WORKER_POOL, () -> Future.succeededFuture("running, " + engine.pool().running() + " of "
                        + engine.pool().capacity() + " slots in use, " + engine.pool().waiting() + " checks waiting"));
        started.start();
        return started;
    }

    /** Unhealthy while the last write to ClickHouse failed (results stay queued and are retried). */
    private Future<String> batcherHealth() {
        BatcherStats stats = batcher.stats();
        if (stats.lastError() == null) {
            return Future.succeededFuture("writing, " + stats.queued() + " results queued");
        }
        return Future.failedFuture("writes failing, " + stats.queued() + " results queued for retry ("
                + stats.failedWrites() + " failed attempts): " + stats.lastError());
    }

    private EngineSettings engineSettings() {
        return LiveSettings.engineSettings(config, config);
    }

    /**
     * Re-reads the configuration source and applies its live keys; see {@link ConfigReloader}. Fails
     * with the configuration's problems when the file is bad (nothing changes then).
     */
    public Future<ReloadResult> reload() {
        return reloader.reload();
    }

    /**
     * Graceful stop within {@code timeout}: stop the schedule and refresh, wait for checks in flight,
     * flush every accepted result to ClickHouse, then close the API and the connections. Completes
     * with {@code true} when nothing accepted was left unwritten.
     */
    public Future<Boolean> stop(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        if (probes != null) {
            probes.stop();
        }
        if (registry != null) {
            registry.stop();
        }
        components.exited(Components.SCHEDULER, "stopped");
        // Agents first: a batch cut off here is not acknowledged, so its agent sends it again later.
        Future<Boolean> checks = closeAgentServer().recover(error -> {
            LOG.warn("closing the agent server failed: {}", error.getMessage());
            return Future.succeededFuture();
        }).compose(v -> engine == null ? Future.succeededFuture(true) : engine.shutdown(remaining(deadline, 0.6)));
        return checks.compose(checksDone -> {
            components.exited(Components.WORKER_POOL, checksDone ? "stopped, checks finished" : "stopped, checks cut off");
            return (batcher == null ? Future.succeededFuture(true) : batcher.drain(remaining(deadline, 0.9)))
                    .map(flushed -> {
                        components.exited(Components.BATCHER, flushed ? "stopped, all results written" : "stopped, results NOT all written");
                        LOG.info("shutdown: in-flight checks {}, results {}: {}", checksDone ? "finished" : "cut off",
                                flushed ? "all written" : "NOT all written", batcher == null ? "-" : batcher.stats());
                        return checksDone && flushed;
                    });
        }).compose(clean -> closeResources().map(clean));
    }

    private Future<Void> closeResources() {
        if (idempotency != null) {
            idempotency.stop();
        }
        if (senders != null) {
            senders.close();
        }
        Future<Void> apiClosed = api == null ? Future.succeededFuture() : api.close();
        Future<Void> controlClosed = control == null ? Future.succeededFuture() : control.close();
        Future<Void> maintenanceClosed = maintenanceDeployment == null ? Future.succeededFuture() : vertx.undeploy(maintenanceDeployment);
        maintenanceDeployment = null;
        Future<Void> incidentsClosed = incidents == null ? Future.succeededFuture() : incidents.stop();
        return Future.join(List.of(apiClosed, controlClosed, closeAgentServer(), maintenanceClosed, incidentsClosed)).transform(v -> {
            components.exited(Components.ALERTING, "stopped");
            components.exited(Components.API_SERVER, "closed");
            components.exited(Components.CONTROL_SERVER, "closed");
            components.exited(Components.AGENT_SERVER, "closed");
            if (postgres != null) {
                postgres.close();
            }
            if (clickhouse != null) {
                clickhouse.close();
            }
            components.exited(Components.POSTGRES, "closed");
            components.exited(Components.CLICKHOUSE, "closed");
            return Future.<Void>succeededFuture();
        });
    }

    private Future<Void> closeAgentServer() {
        if (agentServerDeployment == null) {
            return Future.succeededFuture();
        }
        String deployment = agentServerDeployment;
        agentServerDeployment = null;
        return vertx.undeploy(deployment);
    }

    private static Duration remaining(Instant deadline, double share) {
        long left = Duration.between(Instant.now(), deadline).toMillis();
        return Duration.ofMillis(Math.max(1, (long) (left * share)));
    }

    /**
     * The base of links in notifications: {@code alerting.public_url}, or the API's own address (its port
     * once it listens).
     */
    private String publicUrl() {
        if (!config.alerting().publicUrl().isBlank()) {
            return config.alerting().publicUrl();
        }
        String host = config.api().host().equals("0.0.0.0") ? "127.0.0.1" : config.api().host();
        return (config.tls().api() ? "https://" : "http://") + host + ":" + (api == null ? config.api().port() : api.port());
    }

    /** The port the API listens on. */
    public int apiPort() {
        return api.port();
    }

    /** The REST operations the API serves ({@link ApiServer#operations}). */
    public List<String> apiOperations() {
        return api.operations();
    }

    /** The hub of the agents (other regions). */
    public AgentHub agentHub() {
        return agentServer.hub();
    }

    /** The port the agent server listens on. */
    public int agentPort() {
        return agentServer.port();
    }

    /** Lowercase hex SHA-256 of the agent server CA's certificate (after start). */
    public String caFingerprint() {
        return tls.caFingerprint();
    }

    /** The port the control server listens on. */
    public int controlPort() {
        return control.port();
    }

    /** Every component's health. */
    public Components components() {
        return components;
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
