package dev.heliograph.controlplane.agents;

import dev.heliograph.controlplane.api.ApiException;
import dev.heliograph.controlplane.api.ApiServer;
import dev.heliograph.controlplane.api.FailureHandler;
import dev.heliograph.controlplane.api.JsonBody;
import dev.heliograph.controlplane.api.Responses;
import dev.heliograph.controlplane.pipeline.ResultBatcher;
import dev.heliograph.controlplane.storage.clickhouse.ClickHouseResultStore;
import dev.heliograph.controlplane.storage.postgres.PgTargetStore;
import dev.heliograph.controlplane.tls.ServerTls;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.agent.protocol.AgentProtocol;
import dev.heliograph.probe.agent.protocol.BatchAck;
import dev.heliograph.probe.agent.protocol.JobResult;
import dev.heliograph.probe.agent.protocol.RegisterRequest;
import dev.heliograph.probe.agent.protocol.RegisterResponse;
import dev.heliograph.probe.agent.protocol.RequestSignature;
import dev.heliograph.probe.agent.protocol.ResultBatch;
import dev.heliograph.probe.agent.protocol.WireResult;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent server (DESIGN.md "Agent protocol"), on its own port so that agent traffic never slows
 * the API. It runs on one event loop, shared with its {@link AgentHub}.
 * <ul>
 *   <li>{@code POST /agent/v1/register}: a one-time token for an agent id and key (401
 *       {@code TOKEN_INVALID} when the token is unknown, used, expired or revoked);</li>
 *   <li>{@code GET /agent/v1/work?version=N}: the long poll (200 work, 204 nothing new);</li>
 *   <li>{@code POST /agent/v1/results}: a result batch, acknowledged once written to ClickHouse;</li>
 *   <li>{@code POST /agent/v1/jobs/{job_id}/result}: an on-demand job's result (204; 404
 *       {@code JOB_NOT_FOUND} when it timed out).</li>
 * </ul>
 * All but registration must be signed ({@link RequestSignature}); a missing, malformed or wrong
 * signature, a timestamp outside the window or a deleted agent is 401. While the gate is closed,
 * registrations and polls get 503 {@code GATE_CLOSED}; a drained poll gets 503 {@code DRAINED};
 * both with {@code Retry-After}. Errors use the API's envelope. Keys and tokens are never logged.
 *
 * <p>It speaks TLS 1.3 only (RFC 8446) with the certificate of {@link ServerTls}; a registration
 * answer carries the CA certificate, which the agent pins from then on. The HMAC signatures stay on
 * top of TLS.
 */
public final class AgentServer extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(AgentServer.class);
    private static final String AGENT = "agent";
    private static final String TIMESTAMP = "agent_timestamp";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Most results in one batch. */
    public static final int MAX_BATCH_RESULTS = 10_000;
    /** Oldest result accepted from an agent's backlog, days (older ones are rejected). */
    public static final int MAX_RESULT_AGE_DAYS = 30;
    private static final int REGISTER_BODY_LIMIT = 4 * 1024;

    /**
     * What the server needs to know.
     *
     * @param signatureWindowS largest clock difference of a signed request, s
     * @param retryAfterS      {@code Retry-After} of gate and drain answers, s
     * @param heartbeatS       the expected heartbeat interval told to agents, s
     * @param maxBodyBytes     request body limit (413 beyond)
     */
    public record Settings(String host, int port, AgentHub.Settings hub, int signatureWindowS, int retryAfterS,
                           int heartbeatS, int maxBodyBytes) {
    }

    private final Settings settings;
    private final AgentStore store;
    private final ResultBatcher batcher;
    private final ClickHouseResultStore clickhouse;
    private final BooleanSupplier gateOpen;
    private final Clock clock;
    private final PgTargetStore targets;
    private final ServerTls tls;
    private final AtomicLong agentDrops = new AtomicLong();
    private final AtomicLong rejectedResults = new AtomicLong();
    private AgentHub hub;
    private Router router;
    private HttpServer server;

    /** @param gateOpen whether new registrations and polls are let in (the control server's gate) */
    public AgentServer(Settings settings, ServerTls tls, AgentStore store, PgTargetStore targets, ResultBatcher batcher,
                       ClickHouseResultStore clickhouse, BooleanSupplier gateOpen, Clock clock) {
        this.settings = settings;
        this.tls = tls;
        this.targets = targets;
        this.store = store;
        this.batcher = batcher;
        this.clickhouse = clickhouse;
        this.gateOpen = gateOpen;
        this.clock = clock;
    }

    /** Starts the hub (loading the registered agents); the server listens only after {@link #listen}. */
    @Override
    public Future<?> start() {
        return AgentHub.start(vertx, context, store, clock, settings.hub()).map(started -> {
            hub = started;
            router = Router.router(vertx);
            router.route().handler(ApiServer::tagRequest);
            router.post(AgentProtocol.REGISTER).handler(BodyHandler.create(false).setBodyLimit(REGISTER_BODY_LIMIT))
                    .handler(this::register);
            // Headers are checked before a body is read, so an unknown sender cannot make us buffer one.
            router.route("/agent/*").handler(this::checkHeaders);
            router.route("/agent/*").handler(BodyHandler.create(false).setBodyLimit(settings.maxBodyBytes()));
            router.get(AgentProtocol.WORK).handler(this::authenticate).handler(this::work);
            router.post(AgentProtocol.RESULTS).handler(this::authenticate).handler(this::results);
            router.post(AgentProtocol.JOB_RESULT_PREFIX + ":job/result").handler(this::authenticate).handler(this::jobResult);
            FailureHandler failures = new FailureHandler();
            router.route().failureHandler(failures);
            router.errorHandler(404, failures);
            router.errorHandler(405, failures);
            router.errorHandler(413, failures);
            router.errorHandler(500, failures);
            return null;
        });
    }

    /**
     * Starts listening, on this verticle's event loop; call once the hub knows the targets (else
     * agents would be handed empty assignments and their results rejected).
     */
    public Future<Void> listen() {
        Promise<Void> listening = Promise.promise();
        context.runOnContext(v -> vertx.createHttpServer(tls.secure(new HttpServerOptions())).requestHandler(router).listen(settings.port(), settings.host())
                .onSuccess(started -> {
                    server = started;
                    listening.complete();
                })
                .onFailure(listening::fail));
        return listening.future();
    }

    /**
     * Registers {@code heliograph_agent_results_dropped_total} (results agents reported dropping at
     * their full write-ahead logs) and {@code heliograph_agent_results_rejected_total} (results
     * refused: unknown target, target not checked from the agent's region, malformed, or a start time
     * out of bounds).
     */
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("heliograph.agent.results.dropped", agentDrops, AtomicLong::get)
                .description("Results agents dropped because their write-ahead log was full").register(registry);
        FunctionCounter.builder("heliograph.agent.results.rejected", rejectedResults, AtomicLong::get)
                .description("Agent results refused by the control plane").register(registry);
    }

    @Override
    public Future<?> stop() {
        Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
        return closed.compose(v -> hub == null ? Future.succeededFuture() : hub.stop());
    }

    /** The hub of this server's agents (after start). */
    public AgentHub hub() {
        return hub;
    }

    /** The port actually listened on (after {@link #listen}). */
    public int port() {
        return server.actualPort();
    }

    private void register(RoutingContext ctx) {
        if (!gateOpen.getAsBoolean()) {
            unavailable(ctx, "GATE_CLOSED", "the agent gate is closed; retry later");
            return;
        }
        RegisterRequest request = JsonBody.bind(JsonBody.tree(ctx), RegisterRequest.class, "");
        String token = request.token();
        if (token == null || !token.startsWith(AgentProtocol.TOKEN_PREFIX)) {
            throw new ApiException(401, "TOKEN_INVALID", "registration token is unknown, used, expired or revoked");
        }
        String name = request.name() == null || request.name().isBlank() ? "agent" : request.name().strip();
        if (name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
            throw new ApiException(422, "VALIDATION_FAILED", "name must be 1-200 characters without control characters",
                    Map.of("fields", List.of(Map.of("field", "name", "code", "INVALID_FORMAT"))));
        }
        String version = request.version() == null ? "" : request.version().strip();
        if (version.length() > 64) {
            version = version.substring(0, 64);
        }
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String agentKey = AgentProtocol.KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        byte[] tokenHash = RequestSignature.sha256(token.getBytes(StandardCharsets.UTF_8));
        store.register(tokenHash, name, version, RequestSignature.signingKey(agentKey))
                .compose(record -> record.isEmpty()
                        ? Future.failedFuture(new ApiException(401, "TOKEN_INVALID",
                        "registration token is unknown, used, expired or revoked"))
                        : hub.registered(record.get()).map(record.get()))
                .onSuccess(agent -> Responses.json(ctx, 200, new RegisterResponse(agent.id().toString(), agentKey,
                        agent.region().value(), (int) settings.hub().pollHold().toSeconds(), settings.heartbeatS(),
                        tls.caPem())))
                .onFailure(ctx::fail);
    }

    /** Before the body is read: the agent must be registered and its timestamp within the window; 401 otherwise. */
    private void checkHeaders(RoutingContext ctx) {
        String agentText = ctx.request().getHeader(AgentProtocol.AGENT_HEADER);
        String timestampText = ctx.request().getHeader(AgentProtocol.TIMESTAMP_HEADER);
        String signature = ctx.request().getHeader(AgentProtocol.SIGNATURE_HEADER);
        if (agentText == null || timestampText == null || signature == null) {
            throw unauthorized("SIGNATURE_MISSING", "request must carry " + AgentProtocol.AGENT_HEADER + ", "
                    + AgentProtocol.TIMESTAMP_HEADER + " and " + AgentProtocol.SIGNATURE_HEADER);
        }
        UUID agentId;
        long timestamp;
        try {
            agentId = UUID.fromString(agentText);
            timestamp = Long.parseLong(timestampText);
        } catch (IllegalArgumentException e) {
            throw unauthorized("SIGNATURE_INVALID", "agent id or timestamp header is malformed");
        }
        long skew = Math.abs(clock.millis() / 1000 - timestamp);
        if (skew > settings.signatureWindowS()) {
            throw unauthorized("TIMESTAMP_OUT_OF_WINDOW", "request timestamp is " + skew + " s from the server's clock (at most "
                    + settings.signatureWindowS() + " s allowed)");
        }
        AgentHub.Credentials credentials = hub.credentials(agentId)
                .orElseThrow(() -> unauthorized("AGENT_UNKNOWN", "agent is not registered or was revoked"));
        ctx.put(AGENT, credentials);
        ctx.put(TIMESTAMP, timestamp);
        ctx.next();
    }

    /** Verifies the signature over the raw body (headers were checked by {@link #checkHeaders}); 401 when wrong. */
    private void authenticate(RoutingContext ctx) {
        AgentHub.Credentials credentials = ctx.get(AGENT);
        long timestamp = ctx.get(TIMESTAMP);
        byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        String signature = ctx.request().getHeader(AgentProtocol.SIGNATURE_HEADER);
        if (hub.credentials(credentials.id()).isEmpty()) {
            throw unauthorized("AGENT_UNKNOWN", "agent is not registered or was revoked");
        }
        if (!RequestSignature.verify(credentials.signingKey(), credentials.id().toString(), timestamp, body, signature)) {
            LOG.warn("rejected a request with a bad signature for agent {} from {}", credentials.id(), ctx.request().remoteAddress());
            throw unauthorized("SIGNATURE_INVALID", "request signature does not match");
        }
        ctx.next();
    }

    private void work(RoutingContext ctx) {
        if (!gateOpen.getAsBoolean()) {
            unavailable(ctx, "GATE_CLOSED", "the agent gate is closed; retry later");
            return;
        }
        long version;
        try {
            String text = ctx.request().getParam("version");
            version = text == null ? 0 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw ApiException.badParameter("version", "version must be a whole number");
        }
        AgentHub.Credentials agent = ctx.get(AGENT);
        Future<AgentHub.PollAnswer> answer = hub.poll(agent.id(), version);
        ctx.response().closeHandler(v -> hub.pollClosed(agent.id(), answer));
        answer.onSuccess(result -> {
            switch (result) {
                case AgentHub.PollAnswer.Work work -> Responses.json(ctx, 200, work.work());
                case AgentHub.PollAnswer.NoWork none -> {
                    if (!ctx.response().closed()) {
                        ctx.response().setStatusCode(204).end();
                    }
                }
                case AgentHub.PollAnswer.Drained drained -> unavailable(ctx, "DRAINED",
                        "this agent connection was drained; retry later");
                case AgentHub.PollAnswer.Revoked revoked -> ctx.fail(unauthorized("AGENT_UNKNOWN",
                        "agent is not registered or was revoked"));
            }
        });
    }

    private void results(RoutingContext ctx) {
        AgentHub.Credentials agent = ctx.get(AGENT);
        ResultBatch batch = JsonBody.bind(JsonBody.tree(ctx), ResultBatch.class, "");
        validate(batch);
        hub.heard(agent.id());
        if (!hub.beginBatch(agent.id())) {
            // One batch per agent at a time: a resend while the first attempt still waits for
            // ClickHouse comes back later and is then answered from the ledger.
            unavailable(ctx, "BATCH_IN_PROGRESS", "an earlier batch of this agent is still being stored; retry later");
            return;
        }
        ingest(agent, batch)
                .onComplete(done -> hub.endBatch(agent.id()))
                .onSuccess(ack -> Responses.json(ctx, 200, ack))
                .onFailure(error -> {
                    if (error instanceof ApiException api) {
                        ctx.fail(api);
                    } else {
                        LOG.warn("storing a batch of agent {} failed: {}", agent.id(), error.getMessage());
                        unavailable(ctx, "RESULTS_UNAVAILABLE", "results cannot be stored right now: " + error.getMessage());
                    }
                });
    }

    private static void validate(ResultBatch batch) {
        List<WireResult> results = batch.results();
        if (results == null || results.isEmpty() || results.size() > MAX_BATCH_RESULTS) {
            throw new ApiException(400, "INVALID_BATCH", "a batch holds 1 to " + MAX_BATCH_RESULTS + " results");
        }
        if (batch.firstSeq() < 1 || batch.lastSeq() - batch.firstSeq() + 1 != results.size() || batch.attempt() < 1
                || batch.dropped() < 0) {
            throw new ApiException(400, "INVALID_BATCH",
                    "first_seq..last_seq must number the results (from 1), attempt must be >= 1, dropped >= 0");
        }
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) == null || results.get(i).seq() != batch.firstSeq() + i) {
                throw new ApiException(400, "INVALID_BATCH", "results[" + i + "].seq must be " + (batch.firstSeq() + i));
            }
        }
    }

    /**
     * Stores the results above the agent's acknowledged sequence and acknowledges the batch once
     * they are in ClickHouse. Region and agent id come from the agent's registration, the org from
     * the target. Rejected one by one (counted, acknowledged, never stored): a malformed result, one
     * of a target that does not exist or is not checked from the agent's region, one that started
     * more than {@value #MAX_RESULT_AGE_DAYS} days ago or later than the signature window ahead.
     */
    private Future<BatchAck> ingest(AgentHub.Credentials agent, ResultBatch batch) {
        AgentHub.Ledger ledger = hub.ledger(agent.id()).orElse(null);
        if (ledger == null) {
            return Future.failedFuture(unauthorized("AGENT_UNKNOWN", "agent is not registered or was revoked"));
        }
        hub.reportedDrops(agent.id(), batch.dropped()).ifPresent(increase -> {
            agentDrops.addAndGet(increase);
            LOG.warn("agent {} dropped {} more results at its full write-ahead log ({} in all since it started)", agent.id(),
                    increase, batch.dropped());
        });
        if (batch.lastSeq() <= ledger.ackedSeq()) {
            return Future.succeededFuture(new BatchAck(ledger.ackedSeq(), 0, batch.results().size(), 0));
        }
        List<CheckResult> candidates = new ArrayList<>();
        int malformed = 0;
        long now = clock.millis();
        long oldest = now - Duration.ofDays(MAX_RESULT_AGE_DAYS).toMillis();
        long newest = now + settings.signatureWindowS() * 1000L;
        for (WireResult wire : batch.results()) {
            if (wire.seq() <= ledger.ackedSeq()) {
                continue;
            }
            CheckResult result = parse(wire);
            if (result == null || result.startedAt().toEpochMilli() < oldest || result.startedAt().toEpochMilli() > newest) {
                malformed++;
            } else {
                candidates.add(result);
            }
        }
        int skipped = (int) Math.max(0, ledger.ackedSeq() - batch.firstSeq() + 1);
        int malformedCount = malformed;
        return placed(agent, candidates).compose(accepted -> {
            int rejected = malformedCount + candidates.size() - accepted.size();
            if (rejected > 0) {
                rejectedResults.addAndGet(rejected);
                LOG.warn("agent {}: {} results rejected in batch {}..{} (malformed, out of time bounds, or a target not "
                        + "checked from region {})", agent.id(), rejected, batch.firstSeq(), batch.lastSeq(), agent.region());
            }
            Future<List<CheckResult>> toStore = batch.attempt() > 1 || !ledger.verified()
                    ? hub.back(clickhouse.missing(accepted)) : Future.succeededFuture(accepted);
            return toStore.compose(missing -> hub.back(batcher.offerAll(missing)).map(v -> {
                hub.acknowledged(agent.id(), batch.lastSeq());
                store.acknowledged(agent.id(), batch.lastSeq()).onFailure(error ->
                        LOG.warn("recording agent {}'s acknowledged sequence failed: {}", agent.id(), error.getMessage()));
                return new BatchAck(batch.lastSeq(), missing.size(), skipped + accepted.size() - missing.size(), rejected);
            }));
        });
    }

    /**
     * Those of {@code results} whose target is checked from the agent's region, with the target's
     * org and the agent's region and id. Targets the hub holds (enabled ones) are looked up in
     * memory, the rest (disabled, moved, deleted) in Postgres.
     */
    private Future<List<CheckResult>> placed(AgentHub.Credentials agent, List<CheckResult> results) {
        Map<TargetId, PgTargetStore.Placement> known = new HashMap<>();
        List<TargetId> unknown = new ArrayList<>();
        for (CheckResult result : results) {
            hub.placement(result.targetId()).ifPresentOrElse(p -> known.put(result.targetId(), p), () -> unknown.add(result.targetId()));
        }
        Future<Map<TargetId, PgTargetStore.Placement>> looked = unknown.isEmpty() ? Future.succeededFuture(Map.of())
                : hub.back(targets.placements(unknown));
        return looked.map(fromStore -> {
            known.putAll(fromStore);
            List<CheckResult> accepted = new ArrayList<>(results.size());
            for (CheckResult r : results) {
                PgTargetStore.Placement placement = known.get(r.targetId());
                if (placement != null && placement.regions().contains(agent.region())) {
                    accepted.add(r.placed(placement.org(), agent.region(), agent.id().toString())
                            .withError(hub.redact(r.targetId(), r.error())));
                }
            }
            return accepted;
        });
    }

    /** The result, or {@code null} when a field is missing or malformed. */
    private static CheckResult parse(WireResult wire) {
        try {
            return wire.toResult();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void jobResult(RoutingContext ctx) {
        AgentHub.Credentials agent = ctx.get(AGENT);
        JobResult body = JsonBody.bind(JsonBody.tree(ctx), JobResult.class, "");
        if (body.result() == null) {
            throw new ApiException(400, "INVALID_BATCH", "result is required");
        }
        CheckResult wire = parse(body.result());
        if (wire == null) {
            throw new ApiException(400, "INVALID_BATCH", "result is malformed");
        }
        CheckResult result = wire.placed(wire.orgId(), agent.region(), agent.id().toString());
        hub.heard(agent.id());
        if (hub.jobDone(agent.id(), ctx.pathParam("job"), result)) {
            ctx.response().setStatusCode(204).end();
        } else {
            throw new ApiException(404, "JOB_NOT_FOUND", "no job " + ctx.pathParam("job") + " waits for this agent (timed out?)");
        }
    }

    private void unavailable(RoutingContext ctx, String code, String message) {
        ctx.response().putHeader("retry-after", Integer.toString(settings.retryAfterS()));
        ctx.fail(new ApiException(503, code, message, Map.of("retry_after_s", settings.retryAfterS())));
    }

    private static ApiException unauthorized(String code, String message) {
        return new ApiException(401, code, message);
    }
}
