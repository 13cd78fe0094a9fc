package dev.heliograph.probe.check;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.HttpSpec;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.Status;
import dev.heliograph.probe.check.HttpExchange.ExchangeFailure;
import dev.heliograph.probe.check.HttpExchange.Request;
import dev.heliograph.probe.check.HttpExchange.Response;
import dev.heliograph.probe.net.AddressGuard;
import dev.heliograph.probe.net.NameResolver;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;

/**
 * Runs {@link HttpSpec} checks over HTTP/1.1, each on fresh connections (no pooling): resolve,
 * guard the address, connect, TLS handshake for {@code https}, send, read the status and up to
 * 64 KiB of body. Redirects (301, 302, 303, 307, 308) are followed up to {@code max_redirects}
 * hops, each resolved, guarded and connected anew; phase times (ms) are summed over hops and
 * {@code total_ms} covers the whole chain. See {@link HttpExchange} for how the phases are timed.
 *
 * <p>Never fails its future for a failing target: wrong status, missing body text, refused, reset,
 * TLS failures and the check's timeout (which closes the socket) become {@code down} with a reason;
 * an address refused by the {@link AddressGuard} becomes {@code error}; a good but slow answer
 * (over {@code degraded_after_ms}) becomes {@code degraded}.
 *
 * <p>{@code basic_auth} is sent as {@code Authorization: Basic} (RFC 7617). Credentials
 * ({@code Authorization}, {@code Proxy-Authorization}, {@code Cookie}) and secret headers are not
 * sent to another origin (scheme, host, port) on a redirect, nor is a secret body.
 */
public final class HttpCheckExecutor implements CheckExecutor {
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "cookie", "proxy-authorization");

    private final CheckRunner runner;
    private final SslContext verifyingTls;
    private final SslContext trustingTls;

    /**
     * One {@code NetClient} and two TLS contexts serve every check of this executor. Loads the JDK
     * trust store, so construct it at start-up; {@code guard} is asked for the current SSRF guard on
     * every connection; {@code clock} stamps each result's {@code startedAt}.
     */
    public HttpCheckExecutor(Vertx vertx, NameResolver resolver, Supplier<AddressGuard> guard, String agentId, Clock clock) {
        this.runner = new CheckRunner(vertx, resolver, guard, agentId, clock);
        this.verifyingTls = HttpExchange.tlsContext(true);
        this.trustingTls = HttpExchange.tlsContext(false);
    }

    /** Runs {@code check} (an {@link HttpSpec}); completes on the calling context, never with a failure. */
    @Override
    public Future<CheckResult> execute(Check check) {
        HttpSpec spec = (HttpSpec) check.target().spec();
        Request first = new Request(spec.method(), spec.uri(), withUserAgent(spec.requestHeaders(), check.region().value()), spec.body());
        return runner.run(check, run -> new Hops(spec, run).start(first));
    }

    /**
     * {@code headers} with {@code User-Agent: Heliograph/0.1 (region <region>)} added unless the spec
     * sets its own: a target can tell the regions apart (to allow-list probe traffic, or in a test that
     * fails one region only).
     */
    static Map<String, String> withUserAgent(Map<String, String> headers, String region) {
        if (headers.keySet().stream().anyMatch("user-agent"::equalsIgnoreCase)) {
            return headers;
        }
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.put("User-Agent", "Heliograph/0.1 (region " + region + ")");
        return all;
    }

    /** Closes the shared client and the sockets it opened. */
    public Future<Void> close() {
        return runner.close();
    }

    /** One check across its redirect hops, each a fresh connection and one {@link HttpExchange}. */
    private final class Hops {
        final HttpSpec spec;
        final CheckRun run;

        Hops(HttpSpec spec, CheckRun run) {
            this.spec = spec;
            this.run = run;
        }

        void start(Request first) {
            if (first.uri() == null || first.uri().getHost() == null) {
                run.fail(Status.ERROR, 0, new Fault(Failure.INVALID_SPEC, "invalid url " + CheckFailures.quote(String.valueOf(spec.url()))));
            } else {
                hop(first, 0);
            }
        }

        void hop(Request request, int redirects) {
            boolean https = "https".equalsIgnoreCase(request.uri().getScheme());
            int port = request.uri().getPort() != -1 ? request.uri().getPort() : https ? 443 : 80;
            runner.connect(run, request.uri().getHost(), port).onSuccess(socket -> {
                SslContext tls = !https ? null : spec.verifyTls() ? verifyingTls : trustingTls;
                HttpExchange exchange = HttpExchange.start(socket, run.context(), tls, request);
                exchange.response().onComplete(answer -> answered(request, redirects, exchange, answer));
            });
        }

        void answered(Request request, int redirects, HttpExchange exchange, AsyncResult<Response> answer) {
            if (run.done()) {
                return;
            }
            run.add(new PhaseTimings(0, 0, exchange.tlsMs(), exchange.ttfbMs(), 0));
            if (answer.failed()) {
                run.fail(Status.DOWN, exchange.status(), describe(answer.cause(), run.timeoutMs()));
                return;
            }
            Response response = answer.result();
            run.closeSocket();
            if (spec.followRedirects() && REDIRECTS.contains(response.status()) && response.location() != null) {
                redirect(request, response, redirects);
            } else {
                judge(response);
            }
        }

        void redirect(Request request, Response response, int redirects) {
            if (redirects >= spec.maxRedirects()) {
                run.fail(Status.DOWN, response.status(), new Fault(Failure.REDIRECT, "too many redirects (max " + spec.maxRedirects() + ")"));
                return;
            }
            URI next = null;
            try {
                next = request.uri().resolve(response.location().trim());
            } catch (IllegalArgumentException e) {
                // not a URI: reported below like any other location we cannot follow
            }
            String scheme = next == null || next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || next.getHost() == null) {
                // Redacted before quote() cuts it: a server may reflect credentials, and a cut secret no longer matches.
                String location = CheckFailures.quote(spec.redact(response.location()));
                run.fail(Status.DOWN, response.status(), new Fault(Failure.REDIRECT, "cannot follow redirect to " + location));
                return;
            }
            Request following = redirected(spec, request, response.status(), next);
            if (following == null) {
                run.fail(Status.DOWN, response.status(), new Fault(Failure.REDIRECT,
                        "will not send the secret body to another origin on a redirect"));
                return;
            }
            hop(following, redirects + 1);
        }

        void judge(Response response) {
            int code = response.status();
            String needle = spec.bodyContains();
            if (!spec.acceptsStatus(code)) {
                run.fail(Status.DOWN, code, new Fault(Failure.HTTP_STATUS, "wanted " + String.join(",", spec.expectedStatus()) + ", got " + code));
            } else if (needle != null && !new String(response.body(), StandardCharsets.UTF_8).contains(needle)) {
                run.fail(Status.DOWN, code, new Fault(Failure.BODY_MISMATCH, "body does not contain " + CheckFailures.quote(needle)));
            } else {
                double totalMs = run.elapsedMs();
                Integer slowMs = spec.degradedAfterMs();
                if (slowMs != null && totalMs > slowMs) {
                    run.fail(Status.DEGRADED, code, new Fault(Failure.SLOW, "slow: " + Math.round(totalMs) + " ms > " + slowMs + " ms"));
                } else {
                    run.succeed(code);
                }
            }
        }
    }

    /**
     * The request for the next hop: 303 (except for HEAD), and 301/302 after a POST, become a GET
     * without body (RFC 9110 §15.4). To another origin (scheme, host or port; so also from https to
     * http) neither credentials nor the spec's secret headers are sent; {@code null} when the body is
     * secret and would go to another origin (307/308 keep it).
     */
    static Request redirected(HttpSpec spec, Request request, int status, URI next) {
        boolean sameOrigin = HttpSpec.sameOrigin(request.uri(), next);
        Map<String, String> headers = sameOrigin ? request.headers()
                : request.headers().entrySet().stream()
                        .filter(h -> !CREDENTIAL_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT)))
                        .filter(h -> spec.secretHeaders().stream().noneMatch(h.getKey()::equalsIgnoreCase))
                        .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
        String method = request.method();
        boolean toGet = (status == 303 && !method.equals("HEAD"))
                || ((status == 301 || status == 302) && method.equals("POST"));
        if (toGet) {
            return new Request("GET", next, headers, null);
        }
        if (!sameOrigin && spec.bodySecret() && request.body() != null) {
            return null;
        }
        return new Request(method, next, headers, request.body());
    }

    private static Fault describe(Throwable failure, long timeoutMs) {
        if (failure instanceof ExchangeFailure exchange) {
            return exchange.fault();
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return new Fault(Failure.TLS_HANDSHAKE, "tls: " + HttpExchange.tlsReason(t));
            }
        }
        return CheckFailures.networkFailure(failure, timeoutMs, false);
    }
}
