package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.heliograph.domain.OrgId;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;

/**
 * One request that carries an {@code Idempotency-Key}: the caller's org, the key, the route, and the
 * request's fingerprint, which tells a repeat of the same request from another request that reuses
 * the key.
 *
 * <p>The fingerprint is SHA-256 over the method, the request URI (path and query) and the body. A
 * body that is JSON counts by its value: it is re-serialised with object members sorted by name, so
 * whitespace and member order do not matter, while every value does. Any other body counts by its
 * bytes (so does JSON followed by anything else).
 *
 * @param route the route's name, {@code "POST /api/v1/targets"}
 */
public record IdempotentRequest(OrgId org, String key, String route, byte[] fingerprint) {
    /** The request header, after the IETF draft "The Idempotency-Key HTTP Header Field" and Stripe's API. */
    public static final String HEADER = "Idempotency-Key";
    /** Longest key, in characters. */
    public static final int MAX_KEY_LENGTH = 255;
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    /**
     * The idempotent request {@code ctx} makes on {@code route}, or {@code null} when it sends no
     * {@value #HEADER}; throws {@link ApiException} 400 {@code INVALID_IDEMPOTENCY_KEY} when the header
     * is repeated or its value is not 1..255 printable ASCII characters (space to {@code ~}).
     */
    public static IdempotentRequest of(RoutingContext ctx, String route) {
        List<String> values = ctx.request().headers().getAll(HEADER);
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw invalid("send one " + HEADER + " header, not " + values.size());
        }
        String key = values.getFirst();
        if (!validKey(key)) {
            throw invalid(HEADER + " must be 1.." + MAX_KEY_LENGTH + " printable ASCII characters");
        }
        return new IdempotentRequest(ApiServer.org(ctx), key, route, fingerprint(ctx.request().method().name(),
                ctx.request().uri(), ctx.body() == null ? null : ctx.body().buffer()));
    }

    /** Whether {@code key} is 1..255 characters, each from space (0x20) to {@code ~} (0x7E). */
    public static boolean validKey(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            return false;
        }
        return key.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
    }

    /** SHA-256 of {@code method}, {@code uri} and {@code body} as described above; {@code body} may be {@code null}. */
    public static byte[] fingerprint(String method, String uri, Buffer body) {
        MessageDigest sha = sha256();
        sha.update((method + " " + uri + "\n").getBytes(StandardCharsets.UTF_8));
        if (body != null && body.length() > 0) {
            sha.update(canonical(body.getBytes()));
        }
        return sha.digest();
    }

    private static byte[] canonical(byte[] body) {
        try {
            JsonNode json = CANONICAL.readTree(body);
            return json == null ? body : CANONICAL.writeValueAsBytes(json);
        } catch (IOException notJson) {
            return body;
        }
    }

    private static ApiException invalid(String message) {
        return new ApiException(400, "INVALID_IDEMPOTENCY_KEY", message, Map.of("header", HEADER));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
