package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.heliograph.probe.codec.Json;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes JSON answers: single objects and the page envelope {@code {"items": [...], "next_cursor": ...}}. */
public final class Responses {
    private Responses() {
    }

    /** Sends {@code body} as JSON with {@code status}. */
    public static void json(RoutingContext ctx, int status, Object body) {
        try {
            ctx.response()
                    .setStatusCode(status)
                    .putHeader("content-type", "application/json; charset=utf-8")
                    .end(Json.MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }

    /** Sends one page; {@code nextCursor} is {@code null} on the last page. */
    public static void page(RoutingContext ctx, List<?> items, String nextCursor) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items);
        body.put("next_cursor", nextCursor);
        json(ctx, 200, body);
    }
}
