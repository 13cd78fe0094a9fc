package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes answers: JSON objects and the page envelope {@code {"items": [...], "next_cursor": ...}}.
 * Every answer with a body goes out through {@link #send}, which shows it to {@link Idempotency}
 * first, so that the answer of an idempotent route can be stored and replayed.
 */
public final class Responses {
    /** The {@code Content-Type} of JSON answers. */
    public static final String JSON = "application/json; charset=utf-8";

    private Responses() {
    }

    /** Sends {@code body} as JSON with {@code status}. */
    public static void json(RoutingContext ctx, int status, Object body) {
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            ctx.fail(e);
            return;
        }
        send(ctx, status, JSON, Buffer.buffer(bytes));
    }

    /**
     * Ends the response with {@code status}, {@code contentType} and {@code body} (headers set before,
     * such as {@code Location}, are kept). An idempotent request's answer is stored first and sent
     * once it is ({@link Idempotency}), so that a client that saw the answer always gets it again.
     */
    public static void send(RoutingContext ctx, int status, String contentType, Buffer body) {
        ctx.response().setStatusCode(status).putHeader("content-type", contentType);
        Idempotency.answered(ctx, status, contentType, body).onComplete(stored -> ctx.response().end(body));
    }

    /** Sends one page; {@code nextCursor} is {@code null} on the last page. */
    public static void page(RoutingContext ctx, List<?> items, String nextCursor) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items);
        body.put("next_cursor", nextCursor);
        json(ctx, 200, body);
    }
}
