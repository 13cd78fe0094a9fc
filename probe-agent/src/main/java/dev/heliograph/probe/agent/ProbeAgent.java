package dev.heliograph.probe.agent;

import dev.heliograph.domain.RegionId;
import dev.heliograph.probe.ProbeEngine;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A probe agent: checks the targets its control plane assigns to its region and reports the results
 * (DESIGN.md "Agent protocol"). Wiring: identity (saved, or registered with the token) → probe
 * engine, whose sink is the write-ahead log → {@link ResultUploader} → {@link WorkPoller}. File I/O
 * runs on one worker thread, {@code heliograph-agent-io}. A refusal by the control plane (key
 * revoked) completes {@link #fatal}; the process then stops with exit code 1.
 */
public final class ProbeAgent {
    /** The agent's software version, sent at registration. */
    public static final String VERSION = "0.1.0";
    /** The write-ahead log's directory inside the data directory. */
    public static final String WAL_DIR = "wal";

    private static final Logger LOG = LoggerFactory.getLogger(ProbeAgent.class);

    private final WorkerExecutor io;
    private final AgentIdentity identity;
    private final WalSink wal;
    private final ProbeEngine engine;
    private final AgentClient client;
    private final ResultUploader uploader;
    private final WorkPoller poller;
    private final Promise<AgentFatalException> fatal = Promise.promise();

    private ProbeAgent(Vertx vertx, AgentSettings settings, Clock clock, WorkerExecutor io, Registration.Enrolled enrolled,
                       WalSink wal, ProbeEngine engine) {
        AgentIdentity identity = enrolled.identity();
        this.io = io;
        this.identity = identity;
        this.wal = wal;
        this.engine = engine;
        this.client = new AgentClient(vertx, settings, identity, enrolled.ca(), clock);
        // The engine has no targets before the first poll: every result in the log now is from an earlier run.
        this.uploader = new ResultUploader(vertx, wal, client, settings, wal.lastSeq(), this::refused);
        this.poller = new WorkPoller(vertx, client, engine, identity.regionId(), clock, this::refused, uploader::retryNow);
    }

    /**
     * Starts an agent: loads its identity from the data directory or registers with the token
     * (retrying while the control plane is unreachable), opens the write-ahead log, starts the engine
     * with the engine's meters in {@code registry}, then uploads and polls. Fails with
     * {@link AgentFatalException} when there is no identity and no token or region to register with,
     * the token is refused or is for another region than {@link AgentSettings#region}, the saved
     * identity is for another region than a given {@link AgentSettings#region}, or the data directory
     * cannot be used, or (over {@code https}) the first contact has neither a CA fingerprint nor leave
     * to go without one, or the control plane's certificate fails the checks of
     * {@link AgentClient#register}. The CA of the registration answer is pinned in
     * {@value PinnedCa#FILE} next to the identity.
     */
    public static Future<ProbeAgent> start(Vertx vertx, AgentSettings settings, Clock clock, MeterRegistry registry) {
        WorkerExecutor io = vertx.createSharedWorkerExecutor("heliograph-agent-io", 1);
        return identity(vertx, io, settings)
                .compose(enrolled -> WalSink.open(io, settings.dataDir().resolve(WAL_DIR), settings.walSegmentBytes(),
                                settings.walMaxBytes(), clock)
                        .recover(e -> Future.failedFuture(new AgentFatalException(
                                "cannot open the write-ahead log: " + e.getMessage(), e)))
                        .compose(wal -> ProbeEngine.start(vertx, settings.engineSettings(enrolled.identity().regionId(),
                                        enrolled.identity().agentId()), clock, wal, registry)
                                .recover(e -> wal.close().transform(closed -> Future.failedFuture(e)))
                                .map(engine -> new ProbeAgent(vertx, settings, clock, io, enrolled, wal, engine))))
                .onSuccess(agent -> agent.run(settings))
                .onFailure(e -> io.close());
    }

    /**
     * Stops within {@code timeout}: stops polling, lets checks in flight finish (60 % of the time),
     * makes a final upload, closes the write-ahead log. What the control plane has not acknowledged
     * stays in the log and is sent after the next start. Fails only when the log cannot be closed.
     */
    public Future<Void> stop(Duration timeout) {
        long engineMs = Math.max(1, timeout.toMillis() * 6 / 10);
        Duration upload = Duration.ofMillis(Math.max(1, timeout.toMillis() - engineMs - 500));
        poller.stop();
        return engine.shutdown(Duration.ofMillis(engineMs))
                .compose(clean -> uploader.stop(upload))
                .compose(v -> wal.close())
                .onSuccess(v -> LOG.info("agent stopped: acknowledged up to sequence number {}, {} results pending in "
                        + "the write-ahead log", wal.stats().ackedSeq(), wal.stats().pending()))
                .eventually(client::close)
                .eventually(io::close);
    }

    /** Completes when the control plane refuses this agent (e.g. its key was revoked); never fails. */
    public Future<AgentFatalException> fatal() {
        return fatal.future();
    }

    /** The agent's id. */
    public String agentId() {
        return identity.agentId();
    }

    /** The region the agent checks from. */
    public RegionId region() {
        return identity.regionId();
    }

    /** Counters of the write-ahead log. */
    public WalSink.Stats walStats() {
        return wal.stats();
    }

    private void run(AgentSettings settings) {
        LOG.info("agent {} checks region {} for {}", identity.agentId(), identity.region(), settings.controlPlane());
        uploader.start();
        poller.start();
    }

    private void refused(AgentCallException e) {
        String message = e.untrusted() ? e.getMessage() : "TIMESTAMP_OUT_OF_WINDOW".equals(e.code())
                ? "control plane refused this agent's requests: its clock is off by more than 5 minutes: " + e.getMessage()
                : "control plane refused this agent's key (revoked?): " + e.getMessage();
        if (fatal.tryComplete(new AgentFatalException(message, e))) {
            LOG.error(message);
            poller.stop();
        }
    }

    private static Future<Registration.Enrolled> identity(Vertx vertx, WorkerExecutor io, AgentSettings settings) {
        Path dir = settings.dataDir();
        return io.executeBlocking(() -> {
                    AgentIdentity.createDataDir(dir);
                    return AgentIdentity.load(dir).map(identity -> {
                        try {
                            return new Registration.Enrolled(identity, PinnedCa.load(dir).orElse(null));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                })
                .recover(e -> Future.failedFuture(new AgentFatalException(
                        "cannot read the data directory " + dir + ": " + e.getMessage(), e)))
                .compose(found -> found.isPresent() ? saved(found.get(), settings) : register(vertx, io, settings));
    }

    private static Future<Registration.Enrolled> saved(Registration.Enrolled enrolled, AgentSettings settings) {
        AgentIdentity identity = enrolled.identity();
        if ("https".equals(settings.controlPlane().getScheme()) && enrolled.ca() == null) {
            return Future.failedFuture(new AgentFatalException("the identity in " + settings.dataDir() + " has no pinned CA ("
                    + PinnedCa.FILE + "): move " + AgentIdentity.FILE + " away and register again with a new token", null));
        }
        if (settings.region() != null && !settings.region().equals(identity.regionId())) {
            return Future.failedFuture(new AgentFatalException("the identity in " + settings.dataDir() + " is agent "
                    + identity.agentId() + " of region " + identity.region() + ", not " + settings.region()
                    + ": give --region " + identity.region() + " (or none), or another --data-dir to register an agent for "
                    + settings.region(), null));
        }
        if (settings.token() != null) {
            LOG.info("identity found in {}: the registration token is not used", settings.dataDir());
        }
        if (!identity.server().equals(settings.controlPlane().toString())) {
            LOG.warn("this agent registered with {} and now reports to {}", identity.server(), settings.controlPlane());
        }
        return Future.succeededFuture(enrolled);
    }

    private static Future<Registration.Enrolled> register(Vertx vertx, WorkerExecutor io, AgentSettings settings) {
        Path dir = settings.dataDir();
        if (settings.token() == null) {
            return Future.failedFuture(new AgentFatalException("no identity in " + dir
                    + " and no registration token (--token or HELIOGRAPH_AGENT_TOKEN)", null));
        }
        if (settings.region() == null) {
            return Future.failedFuture(new AgentFatalException("no identity in " + dir
                    + ": registering needs the agent's region (--region or HELIOGRAPH_AGENT_REGION)", null));
        }
        if ("https".equals(settings.controlPlane().getScheme()) && settings.caFingerprint() == null
                && !settings.insecureFirstContact()) {
            return Future.failedFuture(new AgentFatalException("no identity in " + dir + ": the first contact needs the control "
                    + "plane's CA fingerprint (--ca-fingerprint or HELIOGRAPH_AGENT_CA_FINGERPRINT; shown when a registration "
                    + "token is created) or --insecure-first-contact", null));
        }
        LOG.info("no identity in {}: registering with {} for region {}", dir, settings.controlPlane(), settings.region());
        return Registration.register(vertx, settings)
                .compose(enrolled -> io.executeBlocking(() -> {
                    // The CA first: an identity without its CA cannot connect.
                    if (enrolled.ca() != null) {
                        enrolled.ca().save(dir);
                        LOG.info("pinned the control plane's CA sha256:{}", enrolled.ca().fingerprint());
                    }
                    enrolled.identity().save(dir);
                    return enrolled;
                }).recover(e -> Future.failedFuture(new AgentFatalException("registered as " + enrolled.identity().agentId()
                        + " but cannot save the identity in " + dir + " (" + e.getMessage()
                        + "); the token is used up: create a new one", e))));
    }
}
