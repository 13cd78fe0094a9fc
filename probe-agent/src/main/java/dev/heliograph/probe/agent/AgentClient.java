package dev.heliograph.probe.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.heliograph.probe.agent.protocol.AgentProtocol;
import dev.heliograph.probe.agent.protocol.BatchAck;
import dev.heliograph.probe.agent.protocol.JobResult;
import dev.heliograph.probe.agent.protocol.RegisterRequest;
import dev.heliograph.probe.agent.protocol.RegisterResponse;
import dev.heliograph.probe.agent.protocol.RequestSignature;
import dev.heliograph.probe.agent.protocol.ResultBatch;
import dev.heliograph.probe.agent.protocol.WorkResponse;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The agent's side of the agent protocol (DESIGN.md "Agent protocol"; paths and headers in
 * {@link AgentProtocol}) over Vert.x's HTTP client. Every request but registration is signed with
 * {@link RequestSignature}; bodies map with {@link Json#MAPPER}, ignoring unknown fields in answers
 * so a newer control plane may add some. Every answer but the expected one fails the future with an
 * {@link AgentCallException} whose {@link AgentCallException#kind} tells the caller what to do.
 * Never logs or returns the agent key or a token.
 */
public final class AgentClient {
    private static final ObjectReader ANSWERS = Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final byte[] NO_BODY = new byte[0];

    private final HttpClientAgent http;
    private final AgentIdentity identity;
    private final byte[] signingKey;
    private final Clock clock;
    private final long requestTimeoutMs;
    private final long pollTimeoutMs;

    /** A client for the agent server of {@code settings}, signing as {@code identity} with times from {@code clock}. */
    public AgentClient(Vertx vertx, AgentSettings settings, AgentIdentity identity, Clock clock) {
        this.http = httpClient(vertx, settings.server());
        this.identity = identity;
        this.signingKey = RequestSignature.signingKey(identity.agentKey());
        this.clock = clock;
        this.requestTimeoutMs = settings.requestTimeout().toMillis();
        this.pollTimeoutMs = settings.pollTimeout().toMillis();
    }

    /**
     * {@code POST /agent/v1/register}, unsigned, on a client of its own that is closed afterwards.
     * 401 (token bad, used, expired or revoked) is {@link AgentCallException.Kind#REFUSED}; 503 carries
     * {@code Retry-After}.
     */
    public static Future<RegisterResponse> register(Vertx vertx, AgentSettings settings, RegisterRequest request) {
        HttpClientAgent client = httpClient(vertx, settings.server());
        String what = "POST " + AgentProtocol.REGISTER;
        return write(request)
                .compose(body -> exchange(client, options(HttpMethod.POST, AgentProtocol.REGISTER,
                        settings.requestTimeout().toMillis()), body, what))
                .map(answer -> read(answer, 200, RegisterResponse.class, what))
                .eventually(client::close);
    }

    /**
     * {@code GET /agent/v1/work?version=N}, held by the server up to its poll hold: the work, or empty
     * at the hold timeout (204). Times out after {@link AgentSettings#pollTimeout}.
     */
    public Future<Optional<WorkResponse>> work(long version) {
        String path = AgentProtocol.WORK + "?version=" + version;
        return exchange(http, signed(HttpMethod.GET, path, NO_BODY, pollTimeoutMs), NO_BODY, "GET " + AgentProtocol.WORK)
                .map(answer -> answer.status == 204 ? Optional.<WorkResponse>empty()
                        : Optional.of(read(answer, 200, WorkResponse.class, "GET " + AgentProtocol.WORK)));
    }

    /** {@code POST /agent/v1/results}: the control plane's acknowledgement once the batch is stored. */
    public Future<BatchAck> results(ResultBatch batch) {
        String what = "POST " + AgentProtocol.RESULTS;
        return write(batch)
                .compose(body -> exchange(http, signed(HttpMethod.POST, AgentProtocol.RESULTS, body, requestTimeoutMs), body, what))
                .map(answer -> read(answer, 200, BatchAck.class, what));
    }

    /** {@code POST /agent/v1/jobs/{job_id}/result}; 404 (the job timed out) is a REJECTED failure. */
    public Future<Void> jobResult(String jobId, JobResult result) {
        String path = AgentProtocol.jobResultPath(jobId);
        String what = "POST " + path;
        return write(result)
                .compose(body -> exchange(http, signed(HttpMethod.POST, path, body, requestTimeoutMs), body, what))
                .map(answer -> {
                    if (answer.status / 100 != 2) {
                        throw failure(answer, what);
                    }
                    return null;
                });
    }

    /** Closes the connections (a held poll fails). */
    public Future<Void> close() {
        return http.close();
    }

    private RequestOptions signed(HttpMethod method, String uri, byte[] body, long timeoutMs) {
        long timestamp = clock.instant().getEpochSecond();
        return options(method, uri, timeoutMs)
                .putHeader(AgentProtocol.AGENT_HEADER, identity.agentId())
                .putHeader(AgentProtocol.TIMESTAMP_HEADER, Long.toString(timestamp))
                .putHeader(AgentProtocol.SIGNATURE_HEADER, RequestSignature.sign(signingKey, identity.agentId(), timestamp, body));
    }

    private static RequestOptions options(HttpMethod method, String uri, long timeoutMs) {
        RequestOptions options = new RequestOptions().setMethod(method).setURI(uri)
                .setConnectTimeout(timeoutMs).setIdleTimeout(timeoutMs);
        if (method == HttpMethod.POST) {
            options.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        }
        return options;
    }

    private static HttpClientAgent httpClient(Vertx vertx, URI server) {
        boolean tls = "https".equals(server.getScheme());
        int port = server.getPort() > 0 ? server.getPort() : tls ? 443 : 80;
        HttpClientOptions options = new HttpClientOptions().setDefaultHost(server.getHost()).setDefaultPort(port)
                .setSsl(tls).setKeepAlive(true);
        return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(8));
    }

    private static Future<Answer> exchange(HttpClientAgent client, RequestOptions options, byte[] body, String what) {
        return client.request(options)
                .compose(request -> body.length == 0 ? request.send() : request.send(Buffer.buffer(body)))
                .compose(response -> response.body().map(bytes -> new Answer(response.statusCode(),
                        response.getHeader(HttpHeaders.RETRY_AFTER), bytes)))
                .recover(cause -> Future.failedFuture(AgentCallException.unanswered(what, cause)));
    }

    private static Future<byte[]> write(Object message) {
        try {
            return Future.succeededFuture(Json.MAPPER.writeValueAsBytes(message));
        } catch (JsonProcessingException e) {
            return Future.failedFuture(e);
        }
    }

    private static <T> T read(Answer answer, int expected, Class<T> type, String what) {
        if (answer.status != expected) {
            throw failure(answer, what);
        }
        try {
            return ANSWERS.readValue(answer.body.getBytes(), type);
        } catch (IOException e) {
            throw AgentCallException.answered(what, answer.status, null, "malformed answer: " + e.getMessage(), null);
        }
    }

    /** The failure for an unexpected answer, with the error envelope's code and message when it has one. */
    private static AgentCallException failure(Answer answer, String what) {
        String code = null;
        String message = null;
        try {
            JsonNode root = answer.body.length() == 0 ? null : ANSWERS.readTree(answer.body.getBytes());
            JsonNode error = root == null ? MissingNode.getInstance() : root.path("error");
            code = error.path("code").textValue();
            message = error.path("message").textValue();
        } catch (IOException e) {
            // no envelope (e.g. a proxy's page): the status alone decides
        }
        return AgentCallException.answered(what, answer.status, code, message, retryAfter(answer.retryAfter));
    }

    /** {@code Retry-After} in delay-seconds form (RFC 9110 §10.2.3), or {@code null}. */
    private static Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private record Answer(int status, String retryAfter, Buffer body) {
    }
}
