package dev.heliograph.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.probe.codec.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;

/**
 * The command line's client of the REST API (JDK {@link HttpClient}): sends {@code Authorization:
 * Bearer <key>} and turns every way a call can fail into a {@link Failure} with one line for the
 * operator: unreachable, refused key, missing role, or the API's error envelope.
 */
final class RestApiClient {
    /** Longest wait for a connection. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Longest wait for an answer. */
    static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    private final URI base;
    private final String key;

    /** A call failed; {@link #getMessage()} is one line for the operator, {@link #envelope()} the API's error if it sent one. */
    static final class Failure extends Exception {
        private final transient JsonNode envelope;

        Failure(String message, JsonNode envelope) {
            super(message, null, false, false);
            this.envelope = envelope;
        }

        /** The API's {@code error} object, or a missing node when the failure was not an API answer. */
        JsonNode envelope() {
            return envelope;
        }
    }

    /** An answer with a 2xx status. */
    record Answer(int status, String body) {
    }

    /**
     * @param base the API's base URL, e.g. {@code http://127.0.0.1:8080}; throws
     *             {@link IllegalArgumentException} when it is not an http(s) URL
     */
    RestApiClient(String base, String key) {
        this.base = parse(base);
        this.key = key;
    }

    private static URI parse(String text) {
        try {
            URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("--url must be an http:// or https:// URL such as http://127.0.0.1:8080, was '" + text + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--url must be a URL such as http://127.0.0.1:8080, was '" + text + "'");
        }
    }

    /** A request to {@code pathAndQuery} (e.g. {@code /api/v1/targets:export}) below the base URL. */
    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(REQUEST_TIMEOUT)
                .header("authorization", "Bearer " + key);
    }

    /** Sends {@code request}; the answer when its status is 2xx, else a {@link Failure}. */
    Answer send(HttpRequest.Builder request) throws Failure {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw new Failure("cannot reach the API at " + base + ": no connection within " + CONNECT_TIMEOUT.toSeconds() + " s", missing());
        } catch (HttpTimeoutException e) {
            throw new Failure("the API at " + base + " did not answer within " + REQUEST_TIMEOUT.toSeconds() + " s", missing());
        } catch (ConnectException e) {
            throw new Failure("cannot reach the API at " + base + ": connection refused", missing());
        } catch (IOException e) {
            throw new Failure("cannot reach the API at " + base + ": " + reason(e), missing());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted", missing());
        }
        if (response.statusCode() / 100 == 2) {
            return new Answer(response.statusCode(), response.body());
        }
        JsonNode error = envelope(response.body());
        String code = error.path("code").asText("");
        String message = error.path("message").asText("");
        if (response.statusCode() == 401) {
            throw new Failure("the API refused the key (401" + (code.isEmpty() ? "" : " " + code) + (message.isEmpty() ? "" : ": " + message)
                    + "); pass --api-key or set HELIOGRAPH_API_KEY", error);
        }
        if (error.isMissingNode()) {
            throw new Failure("the API at " + base + " answered " + response.statusCode() + " without an error envelope (is --url the "
                    + "control plane's API?)", error);
        }
        throw new Failure(message + " (" + response.statusCode() + " " + code + ")", error);
    }

    private static JsonNode envelope(String body) {
        try {
            return Json.MAPPER.readTree(body).path("error");
        } catch (IOException | RuntimeException e) {
            return missing();
        }
    }

    private static JsonNode missing() {
        return Json.MAPPER.missingNode();
    }

    /** The innermost cause's message, e.g. a name that does not resolve. */
    private static String reason(IOException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof UnresolvedAddressException) {
            return "the host name does not resolve";
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
