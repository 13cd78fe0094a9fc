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
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.net.URI;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
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
 *
 * <p>Over {@code https} it speaks TLS 1.3 only (RFC 8446) and trusts only the {@link PinnedCa}, with
 * host name verification; a certificate that does not chain to it fails every call with an
 * {@linkplain AgentCallException#untrusted() untrusted} {@link AgentCallException}, which the agent
 * treats as fatal. Registration, the first contact, has no pinned CA yet: see {@link #register}.
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
    private final String untrustedMessage;

    /**
     * A client for the agent server of {@code settings}, signing as {@code identity} with times from
     * {@code clock}, trusting only {@code ca} (required for {@code https}; ignored for {@code http}).
     */
    public AgentClient(Vertx vertx, AgentSettings settings, AgentIdentity identity, PinnedCa ca, Clock clock) {
        URI server = settings.controlPlane();
        boolean tls = "https".equals(server.getScheme());
        if (tls && ca == null) {
            throw new IllegalArgumentException("an https control plane needs a pinned CA");
        }
        this.http = httpClient(vertx, server, tls ? new HttpClientOptions().setTrustOptions(
                new PemTrustOptions().addCertValue(Buffer.buffer(ca.pem()))).setVerifyHost(true) : new HttpClientOptions());
        this.untrustedMessage = tls ? "the control plane's certificate at " + server.getHost() + " is not signed by the pinned CA"
                + " (sha256:" + ca.fingerprint() + ") or does not name that host; refusing to connect" : null;
        this.identity = identity;
        this.signingKey = RequestSignature.signingKey(identity.agentKey());
        this.clock = clock;
        this.requestTimeoutMs = settings.requestTimeout().toMillis();
        this.pollTimeoutMs = settings.pollTimeout().toMillis();
    }

    /** A registration's answer and the CA it names, which the agent pins ({@code null} over {@code http}). */
    public record Registered(RegisterResponse response, PinnedCa ca) {
    }

    /**
     * {@code POST /agent/v1/register}, unsigned, on a connection of its own that is closed afterwards.
     * 401 (token bad, used, expired or revoked) is {@link AgentCallException.Kind#REFUSED}; 503 carries
     * {@code Retry-After}.
     *
     * <p>Over {@code https} there is no pinned CA yet, so the handshake accepts any chain, and then:
     * with {@link AgentSettings#caFingerprint} the chain the server presented must hold a CA
     * certificate of that fingerprint, checked before the token is sent; and always the answer's
     * {@code ca_certificate} must have that fingerprint (when given) and the server's certificate must
     * chain to it. A failed check is an {@linkplain AgentCallException#untrusted() untrusted}
     * failure. Callers must not call this without a fingerprint unless the operator allowed an
     * insecure first contact.
     */
    public static Future<Registered> register(Vertx vertx, AgentSettings settings, RegisterRequest request) {
        URI server = settings.controlPlane();
        String what = "POST " + AgentProtocol.REGISTER;
        RequestOptions options = options(HttpMethod.POST, AgentProtocol.REGISTER, settings.requestTimeout().toMillis());
        if (!"https".equals(server.getScheme())) {
            HttpClientAgent client = httpClient(vertx, server, new HttpClientOptions());
            return write(request)
                    .compose(body -> exchange(client, options, body, what, null))
                    .map(answer -> new Registered(read(answer, 200, RegisterResponse.class, what), null))
                    .eventually(client::close);
        }
        HttpClientAgent client = httpClient(vertx, server, new HttpClientOptions().setTrustAll(true).setVerifyHost(false));
        return client.connect(new HttpConnectOptions().setHost(server.getHost()).setPort(port(server))
                        .setSsl(true).setConnectTimeout(settings.requestTimeout().toMillis()))
                .recover(cause -> Future.failedFuture(AgentCallException.unanswered(what, cause)))
                .compose(connection -> firstContact(connection, settings, request, what).eventually(connection::close))
                .eventually(client::close);
    }

    private static Future<Registered> firstContact(HttpClientConnection connection, AgentSettings settings, RegisterRequest request,
                                                   String what) {
        List<Certificate> presented;
        try {
            presented = connection.peerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return Future.failedFuture(AgentCallException.untrusted("the control plane presented no certificate", e));
        }
        String expected = settings.caFingerprint();
        if (expected != null) {
            // The CA certificate is public, so its presence proves nothing: the server's own
            // certificate (whose key the handshake proved) must chain to it and name the host.
            String host = settings.controlPlane().getHost();
            PinnedCa anchor = null;
            for (Certificate c : presented) {
                if (c instanceof java.security.cert.X509Certificate x509 && PinnedCa.fingerprint(c).equals(expected)) {
                    try {
                        anchor = PinnedCa.of(x509);
                    } catch (CertificateException e) {
                        anchor = null;
                    }
                }
            }
            if (anchor == null || !anchor.issued(presented) || !PinnedCa.names(presented.getFirst(), host)) {
                return Future.failedFuture(AgentCallException.untrusted("the control plane at " + host
                        + " did not prove a certificate of the CA with fingerprint sha256:" + expected + " for that host name"
                        + " (its chain ends in sha256:" + PinnedCa.fingerprint(presented.getLast())
                        + "); refusing to send the registration token", null));
            }
        }
        return write(request)
                .compose(body -> exchange(connection, options(HttpMethod.POST, AgentProtocol.REGISTER,
                        settings.requestTimeout().toMillis()), body, what, null))
                .map(answer -> {
                    RegisterResponse response = read(answer, 200, RegisterResponse.class, what);
                    return new Registered(response, pin(response, presented, expected));
                });
    }

    /** The CA of a registration answer, checked against the fingerprint (when given) and the presented chain. */
    private static PinnedCa pin(RegisterResponse response, List<Certificate> presented, String expected) {
        PinnedCa ca;
        try {
            ca = PinnedCa.parse(response.caCertificate());
        } catch (CertificateException e) {
            throw AgentCallException.untrusted("the registration answer carries no usable CA certificate: " + e.getMessage(), e);
        }
        if (expected != null && !expected.equals(ca.fingerprint())) {
            throw AgentCallException.untrusted("the registration answer names CA sha256:" + ca.fingerprint() + ", not sha256:"
                    + expected + "; refusing it", null);
        }
        if (!ca.issued(presented)) {
            throw AgentCallException.untrusted("the control plane's certificate is not signed by the CA its registration answer "
                    + "names (sha256:" + ca.fingerprint() + "); refusing it", null);
        }
        return ca;
    }

    /**
     * {@code GET /agent/v1/work?version=N}, held by the server up to its poll hold: the work, or empty
     * at the hold timeout (204). Times out after {@link AgentSettings#pollTimeout}.
     */
    public Future<Optional<WorkResponse>> work(long version) {
        String path = AgentProtocol.WORK + "?version=" + version;
        return exchange(http, signed(HttpMethod.GET, path, NO_BODY, pollTimeoutMs), NO_BODY, "GET " + AgentProtocol.WORK,
                        untrustedMessage)
                .map(answer -> answer.status == 204 ? Optional.<WorkResponse>empty()
                        : Optional.of(read(answer, 200, WorkResponse.class, "GET " + AgentProtocol.WORK)));
    }

    /** {@code POST /agent/v1/results}: the control plane's acknowledgement once the batch is stored. */
    public Future<BatchAck> results(ResultBatch batch) {
        String what = "POST " + AgentProtocol.RESULTS;
        return write(batch)
                .compose(body -> exchange(http, signed(HttpMethod.POST, AgentProtocol.RESULTS, body, requestTimeoutMs), body, what,
                        untrustedMessage))
                .map(answer -> read(answer, 200, BatchAck.class, what));
    }

    /** {@code POST /agent/v1/jobs/{job_id}/result}; 404 (the job timed out) is a REJECTED failure. */
    public Future<Void> jobResult(String jobId, JobResult result) {
        String path = AgentProtocol.jobResultPath(jobId);
        String what = "POST " + path;
        return write(result)
                .compose(body -> exchange(http, signed(HttpMethod.POST, path, body, requestTimeoutMs), body, what, untrustedMessage))
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

    /** {@code options} completed for {@code server}: over {@code https}, TLS 1.3 only. */
    private static HttpClientAgent httpClient(Vertx vertx, URI server, HttpClientOptions options) {
        boolean tls = "https".equals(server.getScheme());
        options.setDefaultHost(server.getHost()).setDefaultPort(port(server)).setSsl(tls).setKeepAlive(true);
        if (tls) {
            options.setEnabledSecureTransportProtocols(Set.of("TLSv1.3"));
        }
        return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(8));
    }

    private static int port(URI server) {
        return server.getPort() > 0 ? server.getPort() : "https".equals(server.getScheme()) ? 443 : 80;
    }

    /** @param untrusted the message of a certificate refused in the handshake, {@code null} when not pinned */
    private static Future<Answer> exchange(HttpClient client, RequestOptions options, byte[] body, String what, String untrusted) {
        return client.request(options)
                .compose(request -> body.length == 0 ? request.send() : request.send(Buffer.buffer(body)))
                .compose(response -> response.body().map(bytes -> new Answer(response.statusCode(),
                        response.getHeader(HttpHeaders.RETRY_AFTER), bytes)))
                .recover(cause -> Future.failedFuture(untrusted != null && certificateRefused(cause)
                        ? AgentCallException.untrusted(untrusted, cause) : AgentCallException.unanswered(what, cause)));
    }

    /** Whether {@code failure} is a TLS handshake that refused the server's certificate (chain or host name). */
    private static boolean certificateRefused(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CertificateException || t instanceof CertPathValidatorException || t instanceof CertPathBuilderException) {
                return true;
            }
        }
        return false;
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
