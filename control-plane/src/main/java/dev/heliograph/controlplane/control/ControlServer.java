package dev.heliograph.controlplane.control;

import dev.heliograph.controlplane.agents.AgentDrain;
import dev.heliograph.controlplane.agents.AgentGate;
import dev.heliograph.controlplane.api.ApiException;
import dev.heliograph.controlplane.api.ApiServer;
import dev.heliograph.controlplane.api.FailureHandler;
import dev.heliograph.controlplane.api.HealthHandler;
import dev.heliograph.controlplane.api.Responses;
import dev.heliograph.controlplane.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;

/**
 * The operator-only listener ({@code control.host:control.port}, 127.0.0.1:8082 by default):
 * <ul>
 *   <li>{@code POST /-/reload}: re-read the configuration; 200
 *       {@code {"applied": [...], "restart_required": [...]}}, or 422 {@code CONFIG_INVALID} with
 *       {@code details.problems} (one line per bad key) when the file is bad and nothing changed;</li>
 *   <li>{@code GET /-/health}: the component list, as {@code GET /api/v1/health};</li>
 *   <li>{@code GET /api/v2/agents/gate}: 200 {@code {"open": true, "timestamp": "2025-01-01T00:00:00Z"}}
 *       (time of the last change, or of the start);</li>
 *   <li>{@code POST|PUT|PATCH /api/v2/agents/gate?open=<bool>} ({@code true|false|1|0|t|f}, as Go's
 *       {@code ParseBool}): opens or closes the {@link AgentGate}; 201 when it changed, 200 when it
 *       already was so, both with the body of {@code GET}; 400 {@code INVALID_PARAMETER} without a
 *       valid {@code open};</li>
 *   <li>{@code GET /api/v2/agents/drain}: 200 {@code {"active": true, "job": {"count", "percent",
 *       "rate", "tick"}, "progress": {"visited", "drained", "started", "finished"}}} for the running
 *       or last drain job ({@code job} and {@code progress} null before the first);</li>
 *   <li>{@code POST|PUT|PATCH /api/v2/agents/drain?count=&percent=&rate=&tick=}: starts an
 *       {@link AgentDrain} job (see {@link AgentDrain.Request} for the parameters); 202 with the body
 *       of {@code GET}; 400 {@code INVALID_PARAMETER} for a bad parameter; 429 {@code DRAIN_ACTIVE}
 *       when a drain job is already running;</li>
 *   <li>{@code DELETE /api/v2/agents/drain}: cancels the running job; 200 with its final status, or
 *       429 {@code NO_ACTIVE_DRAIN} when none runs.</li>
 * </ul>
 * The gate and drain follow Talaria's control server ({@code /api/v2/device/gate},
 * {@code /api/v2/device/drain}). Errors use the API's envelope and request ids.
 */
public final class ControlServer {
    private static final String GATE = "/api/v2/agents/gate";
    private static final String DRAIN = "/api/v2/agents/drain";

    private final HttpServer server;

    private ControlServer(HttpServer server) {
        this.server = server;
    }

    /** Starts listening on {@code host:port} (0 = any free port); fails when the port cannot be bound. */
    public static Future<ControlServer> start(Vertx vertx, String host, int port, ConfigReloader reloader,
                                              HealthHandler health, AgentGate gate, AgentDrain drain) {
        Router router = Router.router(vertx);
        router.route().handler(ApiServer::tagRequest);
        router.post("/-/reload").handler(ctx -> reload(ctx, reloader));
        router.get("/-/health").handler(health::components);
        router.get(GATE).handler(ctx -> Responses.json(ctx, 200, gate.status()));
        changes(router, GATE).handler(ctx -> setGate(ctx, gate));
        router.get(DRAIN).handler(ctx -> Responses.json(ctx, 200, drain.status()));
        changes(router, DRAIN).handler(ctx -> startDrain(ctx, drain));
        router.delete(DRAIN).handler(ctx -> cancelDrain(ctx, drain));
        FailureHandler failures = new FailureHandler();
        router.route().failureHandler(failures);
        router.errorHandler(404, failures);
        router.errorHandler(405, failures);
        router.errorHandler(500, failures);
        return vertx.createHttpServer().requestHandler(router).listen(port, host).map(ControlServer::new);
    }

    /** The port actually listened on. */
    public int port() {
        return server.actualPort();
    }

    /** Stops listening. */
    public Future<Void> close() {
        return server.close();
    }

    private static void reload(RoutingContext ctx, ConfigReloader reloader) {
        reloader.reload()
                .onSuccess(result -> Responses.json(ctx, 200, result))
                .onFailure(error -> ctx.fail(error instanceof ConfigException bad
                        ? new ApiException(422, "CONFIG_INVALID", "configuration not reloaded ("
                        + bad.problems().size() + " problems); the last good configuration is still in force",
                        Map.of("problems", bad.problems()))
                        : error));
    }

    private static Route changes(Router router, String path) {
        return router.route(path).method(HttpMethod.POST).method(HttpMethod.PUT).method(HttpMethod.PATCH);
    }

    private static void setGate(RoutingContext ctx, AgentGate gate) {
        String open = ctx.request().getParam("open");
        if (open == null) {
            throw ApiException.badParameter("open", "open is required: true or false");
        }
        boolean changed = gate.set(switch (open) {
            case "true", "TRUE", "True", "t", "T", "1" -> true;
            case "false", "FALSE", "False", "f", "F", "0" -> false;
            default -> throw ApiException.badParameter("open", "open must be true or false, not '" + open + "'");
        });
        Responses.json(ctx, changed ? 201 : 200, gate.status());
    }

    private static void startDrain(RoutingContext ctx, AgentDrain drain) {
        AgentDrain.Request request = new AgentDrain.Request(
                intParam(ctx, "count", 0, Integer.MAX_VALUE, "count must be a whole number, 0 or more"),
                intParam(ctx, "percent", 1, 100, "percent must be a whole number between 1 and 100"),
                intParam(ctx, "rate", 1, Integer.MAX_VALUE, "rate must be a whole number, at least 1"),
                tickParam(ctx));
        try {
            Responses.json(ctx, 202, drain.start(request));
        } catch (IllegalStateException running) {
            throw new ApiException(429, "DRAIN_ACTIVE", running.getMessage());
        }
    }

    private static void cancelDrain(RoutingContext ctx, AgentDrain drain) {
        try {
            Responses.json(ctx, 200, drain.cancel());
        } catch (IllegalStateException idle) {
            throw new ApiException(429, "NO_ACTIVE_DRAIN", idle.getMessage());
        }
    }

    /** The query parameter {@code name} as an int in {@code [min, max]}, or {@code null} when absent. */
    private static Integer intParam(RoutingContext ctx, String name, int min, int max, String rule) {
        String text = ctx.request().getParam(name);
        if (text == null) {
            return null;
        }
        Integer value = null;
        try {
            value = Integer.valueOf(text);
        } catch (NumberFormatException e) {
            // not a whole number in int range: answered as any other bad value
        }
        if (value == null || value < min || value > max) {
            throw ApiException.badParameter(name, rule + ", not '" + text + "'");
        }
        return value;
    }

    private static Duration tickParam(RoutingContext ctx) {
        String text = ctx.request().getParam("tick");
        if (text == null) {
            return null;
        }
        try {
            return AgentDrain.parseTick(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter("tick", e.getMessage());
        }
    }
}
