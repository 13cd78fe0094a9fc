package dev.heliograph.probe.agent;

import dev.heliograph.probe.agent.protocol.AgentProtocol;
import dev.heliograph.probe.agent.protocol.BatchAck;
import dev.heliograph.probe.agent.protocol.JobResult;
import dev.heliograph.probe.agent.protocol.RegisterRequest;
import dev.heliograph.probe.agent.protocol.RegisterResponse;
import dev.heliograph.probe.agent.protocol.RequestSignature;
import dev.heliograph.probe.agent.protocol.ResultBatch;
import dev.heliograph.probe.agent.protocol.WorkResponse;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the control plane's agent server, on 127.0.0.1 port 0, for agent unit tests. It
 * checks the signature headers of every request but registration (401 when wrong) and records what
 * it receives. Tests script its next answers: {@link #resultAnswers} (an HTTP status, or
 * {@link #DROP} to close the connection unanswered; 200 acknowledges when empty) and
 * {@link #workAnswers} (a {@link WorkResponse}, or an HTTP status; when empty it holds the poll
 * {@code holdMs} and answers 204). {@code GET /target} answers 200, as a target to check.
 */
final class FakeAgentServer {
    static final String AGENT_ID = "agent-fake-1";
    static final String AGENT_KEY = "hg_agk_fake0123456789";
    static final String GOOD_TOKEN = "hg_reg_good";
    static final int DROP = -1;

    final List<ResultBatch> batches = new CopyOnWriteArrayList<>();
    final List<Long> polledVersions = new CopyOnWriteArrayList<>();
    final Map<String, JobResult> jobResults = new java.util.concurrent.ConcurrentHashMap<>();
    final List<RegisterRequest> registrations = new CopyOnWriteArrayList<>();
    final Queue<Integer> resultAnswers = new ConcurrentLinkedQueue<>();
    final Queue<Object> workAnswers = new ConcurrentLinkedQueue<>();
    final AtomicInteger badSignatures = new AtomicInteger();
    final AtomicInteger targetChecks = new AtomicInteger();
    volatile boolean revoked;
    private final Vertx vertx;
    private final long holdMs;
    private final byte[] signingKey = RequestSignature.signingKey(AGENT_KEY);
    private volatile long ackedSeq;
    private HttpServer server;

    private FakeAgentServer(Vertx vertx, long holdMs) {
        this.vertx = vertx;
        this.holdMs = holdMs;
    }

    static FakeAgentServer start(Vertx vertx, long holdMs) throws Exception {
        FakeAgentServer fake = new FakeAgentServer(vertx, holdMs);
        fake.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(request -> request.body().onSuccess(body -> fake.route(request, body)))
                .listen().await(5, TimeUnit.SECONDS);
        return fake;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.actualPort());
    }

    String targetUrl() {
        return uri() + "/target";
    }

    /** Every sequence number received in a batch, in the order received (resends included). */
    List<Long> receivedSeqs() {
        return batches.stream().flatMap(batch -> batch.results().stream()).map(r -> r.seq()).toList();
    }

    private void route(HttpServerRequest request, Buffer body) {
        String path = request.path();
        if (path.equals("/target")) {
            targetChecks.incrementAndGet();
            request.response().end("ok");
        } else if (path.equals(AgentProtocol.REGISTER)) {
            register(request, body);
        } else if (!signedRight(request, body.getBytes())) {
            badSignatures.incrementAndGet();
            error(request, 401, "SIGNATURE_INVALID");
        } else if (revoked) {
            error(request, 401, "AGENT_REVOKED");
        } else if (path.equals(AgentProtocol.RESULTS)) {
            results(request, body);
        } else if (path.equals(AgentProtocol.WORK)) {
            work(request);
        } else if (path.startsWith(AgentProtocol.JOB_RESULT_PREFIX)) {
            String jobId = path.substring(AgentProtocol.JOB_RESULT_PREFIX.length(), path.length() - "/result".length());
            jobResults.put(jobId, read(body, JobResult.class));
            request.response().setStatusCode(204).end();
        } else {
            error(request, 404, "NOT_FOUND");
        }
    }

    private boolean signedRight(HttpServerRequest request, byte[] body) {
        String agent = request.getHeader(AgentProtocol.AGENT_HEADER);
        String timestamp = request.getHeader(AgentProtocol.TIMESTAMP_HEADER);
        if (!AGENT_ID.equals(agent) || timestamp == null) {
            return false;
        }
        long ts = Long.parseLong(timestamp);
        return Math.abs(System.currentTimeMillis() / 1000 - ts) <= 300
                && RequestSignature.verify(signingKey, agent, ts, body, request.getHeader(AgentProtocol.SIGNATURE_HEADER));
    }

    private void register(HttpServerRequest request, Buffer body) {
        RegisterRequest registration = read(body, RegisterRequest.class);
        registrations.add(registration);
        if (!GOOD_TOKEN.equals(registration.token())) {
            error(request, 401, "TOKEN_INVALID");
            return;
        }
        json(request, 200, new RegisterResponse(AGENT_ID, AGENT_KEY, AgentTestKit.REGION.value(), 30, 30, null));
    }

    private void results(HttpServerRequest request, Buffer body) {
        ResultBatch batch = read(body, ResultBatch.class);
        batches.add(batch);
        Integer scripted = resultAnswers.poll();
        int status = scripted == null ? 200 : scripted;
        if (status == DROP) {
            request.connection().close();
        } else if (status != 200) {
            error(request, status, "UNAVAILABLE");
        } else {
            int stored = (int) Math.max(0, batch.lastSeq() - Math.max(ackedSeq, batch.firstSeq() - 1));
            ackedSeq = Math.max(ackedSeq, batch.lastSeq());
            json(request, 200, new BatchAck(ackedSeq, stored, batch.results().size() - stored, 0));
        }
    }

    private void work(HttpServerRequest request) {
        polledVersions.add(Long.parseLong(request.getParam("version")));
        Object scripted = workAnswers.poll();
        if (scripted instanceof WorkResponse work) {
            json(request, 200, work);
        } else if (scripted instanceof Integer status) {
            request.response().putHeader("Retry-After", "0");
            error(request, status, "UNAVAILABLE");
        } else {
            vertx.setTimer(holdMs, id -> request.response().setStatusCode(204).end());
        }
    }

    private static void error(HttpServerRequest request, int status, String code) {
        request.response().setStatusCode(status).putHeader("content-type", "application/json")
                .end("{\"error\":{\"code\":\"" + code + "\",\"message\":\"scripted\"}}");
    }

    private static void json(HttpServerRequest request, int status, Object body) {
        try {
            request.response().setStatusCode(status).putHeader("content-type", "application/json")
                    .end(Buffer.buffer(Json.MAPPER.writeValueAsBytes(body)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(Buffer body, Class<T> type) {
        try {
            return Json.MAPPER.readValue(body.getBytes(), type);
        } catch (Exception e) {
            throw new IllegalStateException("malformed " + type.getSimpleName() + ": " + body, e);
        }
    }
}
