package dev.heliograph.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.probe.codec.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A blocking REST client for tests: sends JSON, returns the status and the parsed body. */
public final class ApiClient {
    /** One answer: status, parsed JSON body (or a missing node), raw text. */
    public record Answer(int status, JsonNode json, String text) {
    }

    private final HttpClient http;
    private final String base;
    private final String key;

    /** A client of the API on loopback {@code port} with the operator org's admin key ({@link TestServices#ADMIN_KEY}). */
    public ApiClient(int port) {
        this("http://127.0.0.1:" + port, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                TestServices.ADMIN_KEY);
    }

    /** A client of {@code base} ({@code https://127.0.0.1:PORT}) trusting what {@code ssl} trusts, with the admin key. */
    public ApiClient(String base, SSLContext ssl) {
        this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(ssl).build(), TestServices.ADMIN_KEY);
    }

    private ApiClient(String base, HttpClient http, String key) {
        this.base = base;
        this.http = http;
        this.key = key;
    }

    /** The same server with another API key ({@code null}: no {@code Authorization} header). */
    public ApiClient withKey(String otherKey) {
        return new ApiClient(base, http, otherKey);
    }

    /** An SSL context that trusts only the CA certificate in {@code caPem} (TLS 1.3 and 1.2 enabled as the JDK allows). */
    public static SSLContext trusting(Path caPem) throws Exception {
        Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(Files.readAllBytes(caPem)));
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("ca", ca);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    public Answer get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Answer delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    public Answer post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Answer put(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("content-type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Sends any request built by the caller. */
    public Answer send(HttpRequest.Builder request) {
        try {
            if (key != null) {
                request.setHeader("authorization", "Bearer " + key);
            }
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = response.body().isEmpty() ? Json.MAPPER.missingNode() : Json.MAPPER.readTree(response.body());
            } catch (Exception notJson) {
                json = Json.MAPPER.missingNode();
            }
            return new Answer(response.statusCode(), json, response.body());
        } catch (Exception e) {
            throw new IllegalStateException("request failed: " + e, e);
        }
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String base() {
        return base;
    }
}
