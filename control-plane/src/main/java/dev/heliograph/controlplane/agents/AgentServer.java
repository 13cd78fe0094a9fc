package dev.heliograph.controlplane.agents;

import dev.heliograph.controlplane.api.ApiException;
import dev.heliograph.controlplane.api.ApiServer;
import dev.heliograph.controlplane.api.FailureHandler;
import dev.heliograph.controlplane.api.JsonBody;
import dev.heliograph.controlplane.api.Responses;
import dev.heliograph.controlplane.pipeline.ResultBatcher;
import dev.heliograph.controlplane.storage.clickhouse.ClickHouseResultStore;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.OrgId;
import dev.heliograph.probe.agent.protocol.AgentProtocol;
import dev.heliograph.probe.agent.protocol.BatchAck;
import dev.heliograph.probe.agent.protocol.JobResult;
import dev.heliograph.probe.agent.protocol.RegisterRequest;
import dev.heliograph.probe.agent.protocol.RegisterResponse;
import dev.heliograph.probe.agent.protocol.RequestSignature;
import dev.heliograph.probe.agent.protocol.ResultBatch;
import dev.heliograph.probe.agent.protocol.WireResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 */
public final class AgentServer extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(AgentServer.class);
    private static final String AGENT = "agent";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Most results in one batch. */
    public static final int MAX_BATCH_RESULTS = 10_000;

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
    private AgentHub hub;
    private HttpServer server;

    /** @param gateOpen whether new registrations and polls are let in (the control server's gate) */
    public AgentServer(Settings settings, AgentStore store, ResultBatcher batcher, ClickHouseResultStore clickhouse,
                       BooleanSupplier gateOpen, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.batcher = batcher;
        this.clickhouse = clickhouse;
        this.gateOpen = gateOpen;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        return AgentHub.start(vertx, context, store, clock, settings.hub()).compose(started -> {
            hub = started;
            Router router = Router.router(vertx);
            router.route().handler(ApiServer::tagRequest);
            router.route("/agent/*").handler(BodyHandler.create(false).setBodyLimit(settings.maxBodyBytes()));
            router.post(AgentProtocol.REGISTER).handler(this::register);
            router.get(AgentProtocol.WORK).handler(this::authenticate).handler(this::work);
            router.post(AgentProtocol.RESULTS).handler(this::authenticate).handler(this::results);
            router.post(AgentProtocol.JOB_RESULT_PREFIX + ":job/result").handler(this::authenticate).handler(this::jobResult);
            FailureHandler failures = new FailureHandler();
            router.route().failureHandler(failures);
            router.errorHandler(404, failures);
            router.errorHandler(405, failures);
            router.errorHandler(413, failures);
            router.errorHandler(500, failures);
            return vertx.createHttpServer().requestHandler(router).listen(settings.port(), settings.host());
        }).onSuccess(listening -> server = listening);
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

    /** The port actually listened on. */
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
                        agent.region().value(), (int) settings.hub().pollHold().toSeconds(), settings.heartbeatS())))
                .onFailure(ctx::fail);
    }

    /** Verifies the signature headers over the raw body; 401 for anything wrong. */
    private void authenticate(RoutingContext ctx) {
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
        byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        if (!RequestSignature.verify(credentials.signingKey(), agentText, timestamp, body, signature)) {
            LOG.warn("rejected a request with a bad signature for agent {} from {}", agentId, ctx.request().remoteAddress());
            throw unauthorized("SIGNATURE_INVALID", "request signature does not match");
        }
        ctx.put(AGENT, credentials);
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
        hub.serially(agent.id(), () -> ingest(agent, batch))
                .onSuccess(ack -> Responses.json(ctx, 200, ack))
                .onFailure(error -> {
                    if (error instanceof ResultBatcher.QueueFullException) {
                        unavailable(ctx, "RESULTS_BACKPRESSURE", error.getMessage());
                    } else {
                        ctx.fail(error);
                    }
                });
    }

    private static void validate(ResultBatch batch) {
        List<WireResult> results = batch.results();
        if (results == null || results.isEmpty() || results.size() > MAX_BATCH_RESULTS) {
            throw new ApiException(400, "INVALID_BATCH", "a batch holds 1 to " + MAX_BATCH_RESULTS + " results");
        }
        if (batch.firstSeq() < 1 || batch.lastSeq() - batch.firstSeq() + 1 != results.size() || batch.attempt() < 1) {
            throw new ApiException(400, "INVALID_BATCH", "first_seq..last_seq must number the results (from 1), attempt must be >= 1");
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
     * the target; results of targets this control plane does not know are rejected.
     */
    private Future<BatchAck> ingest(AgentHub.Credentials agent, ResultBatch batch) {
        AgentHub.Ledger ledger = hub.ledger(agent.id()).orElse(null);
        if (ledger == null) {
            return Future.failedFuture(unauthorized("AGENT_UNKNOWN", "agent is not registered or was revoked"));
        }
        if (batch.lastSeq() <= ledger.ackedSeq()) {
            return Future.succeededFuture(new BatchAck(ledger.ackedSeq(), 0, batch.results().size(), 0));
        }
        List<CheckResult> fresh = new ArrayList<>();
        int rejected = 0;
        for (WireResult wire : batch.results()) {
            if (wire.seq() <= ledger.ackedSeq()) {
                continue;
            }
            CheckResult result = toResult(wire);
            OrgId org = result == null ? null : hub.orgOf(result.targetId()).orElse(null);
            if (org == null) {
                rejected++;
                continue;
            }
            fresh.add(new CheckResult(result.resultId(), result.targetId(), org, agent.region(), agent.id().toString(),
                    result.kind(), result.scheduledAt(), result.startedAt(), result.status(), result.httpStatus(),
                    result.error(), result.timings()));
        }
        int skipped = (int) Math.max(0, ledger.ackedSeq() - batch.firstSeq() + 1);
        int rejectedCount = rejected;
        if (rejected > 0) {
            LOG.warn("agent {}: {} results of unknown targets rejected (batch {}..{})", agent.id(), rejected,
                    batch.firstSeq(), batch.lastSeq());
        }
        Future<List<CheckResult>> toStore = batch.attempt() > 1 || !ledger.verified()
                ? hub.back(clickhouse.missing(fresh)) : Future.succeededFuture(fresh);
        return toStore.compose(missing -> hub.back(batcher.offerAll(missing)).map(v -> {
            hub.acknowledged(agent.id(), batch.lastSeq());
            store.acknowledged(agent.id(), batch.lastSeq())
                    .onFailure(error -> LOG.warn("recording agent {}'s acknowledged sequence failed: {}", agent.id(), error.getMessage()));
            return new BatchAck(batch.lastSeq(), missing.size(), skipped + fresh.size() - missing.size(), rejectedCount);
        }));
    }

    private static CheckResult toResult(WireResult wire) {
        try {
            return wire.toResult();
        } catch (RuntimeException e) {
            throw new ApiException(400, "INVALID_BATCH", "result " + wire.seq() + " is malformed: " + e.getMessage());
        }
    }

    private void jobResult(RoutingContext ctx) {
        AgentHub.Credentials agent = ctx.get(AGENT);
        JobResult body = JsonBody.bind(JsonBody.tree(ctx), JobResult.class, "");
        if (body.result() == null) {
            throw new ApiException(400, "INVALID_BATCH", "result is required");
        }
        CheckResult wire = toResult(body.result());
        CheckResult result = new CheckResult(wire.resultId(), wire.targetId(), wire.orgId(), agent.region(),
                agent.id().toString(), wire.kind(), wire.scheduledAt(), wire.startedAt(), wire.status(), wire.httpStatus(),
                wire.error(), wire.timings());
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
