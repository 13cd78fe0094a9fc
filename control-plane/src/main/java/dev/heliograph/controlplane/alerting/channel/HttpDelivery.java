package dev.heliograph.controlplane.alerting.channel;

import dev.heliograph.controlplane.alerting.DeliveryResult;
import dev.heliograph.controlplane.alerting.DeliveryResult.Outcome;
import dev.heliograph.probe.net.AddressGuard;
import dev.heliograph.probe.net.NameResolver;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One HTTP POST of a notification, as every HTTP channel sends it. The URL's host is resolved once,
 * judged by the SSRF guard in force, and connected to at that very address (the host name still goes
 * in {@code Host} and TLS SNI, and the certificate is verified against it), so a second DNS answer
 * cannot slip past the guard; redirects are not followed. The whole attempt, from the DNS query to
 * the last byte of the answer, is bounded by {@code timeout}.
 *
 * <p>The answer as a {@link DeliveryResult}, never a failed future: 2xx delivered; 408, 429 and 5xx
 * failed (retry, honouring {@code Retry-After}); any other status rejected (never retried: a 3xx,
 * 400, 401, 403, 404, 410 will not heal by itself); a DNS failure, refused or reset connection or
 * timeout failed; an address the guard refuses rejected.
 */
final class HttpDelivery {
    private final WebClient client;
    private final NameResolver resolver;
    private final Supplier<AddressGuard> guard;
    private final Duration timeout;
    private final Clock clock;

    /**
     * @param guard   the SSRF guard in force now ({@code probe.allowed_cidrs} can change at a reload)
     * @param timeout the longest one attempt may take ({@code alerting.timeout_ms})
     * @param clock   the wall clock, to read a {@code Retry-After} date
     */
    HttpDelivery(WebClient client, NameResolver resolver, Supplier<AddressGuard> guard, Duration timeout, Clock clock) {
        this.client = client;
        this.resolver = resolver;
        this.guard = guard;
        this.timeout = timeout;
        this.clock = clock;
    }

    /**
     * One POST.
     *
     * @param url       http or https
     * @param basicAuth {@code [user, password]} for RFC 7617 basic authentication, or {@code null}
     */
    record Post(URI url, MultiMap headers, Buffer body, String[] basicAuth) {
    }

    /** Sends {@code post} and tells how it ended. */
    Future<DeliveryResult> post(Post post) {
        Attempt attempt = new Attempt();
        URI url = post.url();
        return resolver.resolve(url.getHost())
                .transform(resolved -> {
                    if (resolved.failed()) {
                        return attempt.failed("cannot resolve " + url.getHost() + ": " + resolved.cause().getMessage());
                    }
                    Optional<String> refusal = guard.get().refusal(resolved.result());
                    if (refusal.isPresent()) {
                        return attempt.rejected("blocked by SSRF guard: " + refusal.get());
                    }
                    return send(post, resolved.result(), attempt);
                })
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .recover(error -> error instanceof TimeoutException ? attempt.timedOut(timeout) : Future.failedFuture(error));
    }

    private Future<DeliveryResult> send(Post post, InetAddress address, Attempt attempt) {
        URI url = post.url();
        boolean tls = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() != -1 ? url.getPort() : tls ? 443 : 80;
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        HttpRequest<Buffer> request = client.request(HttpMethod.POST, SocketAddress.inetSocketAddress(port, address.getHostAddress()),
                        port, url.getHost(), path)
                .ssl(tls)
                .followRedirects(false)
                .connectTimeout(timeout.toMillis())
                .idleTimeout(timeout.toMillis())
                .putHeaders(post.headers());
        if (post.basicAuth() != null) {
            request.basicAuthentication(post.basicAuth()[0], post.basicAuth()[1]);
        }
        return request.sendBuffer(post.body()).transform(answered -> {
            if (answered.failed()) {
                return attempt.failed(Attempt.describe(answered.cause()));
            }
            HttpResponse<Buffer> response = answered.result();
            int status = response.statusCode();
            Outcome outcome = outcome(status);
            String error = outcome == Outcome.DELIVERED ? "" : "receiver answered " + status
                    + (status / 100 == 3 ? " (redirects are not followed)" : "");
            String body = response.bodyAsString();
            return attempt.end(outcome, new Attempt.Answer(status, body == null ? "" : body,
                    retryAfter(response.getHeader("retry-after"), clock.instant())), error);
        });
    }

    /** 2xx delivered; 408, 429 and 5xx failed; anything else rejected. */
    static Outcome outcome(int status) {
        if (status / 100 == 2) {
            return Outcome.DELIVERED;
        }
        return status == 408 || status == 429 || status >= 500 ? Outcome.FAILED : Outcome.REJECTED;
    }

    /**
     * A {@code Retry-After} value (delay-seconds or an HTTP-date, RFC 9110 section 10.2.3) read at
     * {@code now}; {@code null} when absent or unreadable, zero for a date in the past.
     */
    static Duration retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.trim();
        if (text.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(text));
        }
        try {
            Duration until = Duration.between(now, ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return until.isNegative() ? Duration.ZERO : until;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
