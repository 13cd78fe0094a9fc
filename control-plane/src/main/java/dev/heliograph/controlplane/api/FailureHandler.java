package dev.heliograph.controlplane.api;

import dev.heliograph.probe.codec.Json;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every failure as the one error envelope:
 * {@code {"error": {"code", "message", "details", "request_id"}}}. An {@link ApiException} is
 * shown as it is; a bare status (404 no route, 405, 413 body too large) gets its standard code;
 * anything else is 500 {@code INTERNAL}, logged with its stack trace and never shown. Its log lines
 * name the request id in the message and in the MDC ({@code request_id}).
 */
public final class FailureHandler implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);

    @Override
    public void handle(RoutingContext ctx) {
        ApiServer.withRequestId(ctx, () -> answer(ctx));
    }

    private void answer(RoutingContext ctx) {
        ApiException error = toApiException(ctx);
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", error.code());
        body.put("message", error.getMessage());
        body.put("details", error.details());
        body.put("request_id", ApiServer.requestId(ctx));
        if ("UNAUTHENTICATED".equals(error.code())) {
            ctx.response().putHeader("www-authenticate", "Bearer realm=\"heliograph\""); // RFC 6750 section 3
        }
        // Through Responses.send, so that an idempotent request's error answer is stored too.
        Responses.send(ctx, error.status(), Responses.JSON,
                io.vertx.core.buffer.Buffer.buffer(Json.MAPPER.valueToTree(Map.of("error", body)).toString()));
    }

    private static ApiException toApiException(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof ApiException api) {
            return api;
        }
        int status = ctx.statusCode();
        if (failure == null || status == 413) {
            return switch (status) {
                case 404 -> new ApiException(404, "NOT_FOUND", "no route for " + ctx.request().method() + " " + ctx.request().path());
                case 405 -> new ApiException(405, "METHOD_NOT_ALLOWED", ctx.request().method() + " is not allowed on " + ctx.request().path());
                case 413 -> new ApiException(413, "BODY_TOO_LARGE", "request body is larger than the limit");
                case 415 -> new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "request body must be application/json");
                case 400 -> new ApiException(400, "BAD_REQUEST", "bad request");
                default -> internal(ctx, failure);
            };
        }
        return internal(ctx, failure);
    }

    private static ApiException internal(RoutingContext ctx, Throwable failure) {
        String requestId = ApiServer.requestId(ctx);
        LOG.error("request {} {} {} failed", requestId, ctx.request().method(), ctx.request().path(), failure);
        return new ApiException(500, "INTERNAL", "internal error; quote request id " + requestId);
    }
}
