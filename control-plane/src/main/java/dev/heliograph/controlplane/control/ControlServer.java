package dev.heliograph.controlplane.control;

import dev.heliograph.controlplane.api.ApiException;
import dev.heliograph.controlplane.api.ApiServer;
import dev.heliograph.controlplane.api.FailureHandler;
import dev.heliograph.controlplane.api.HealthHandler;
import dev.heliograph.controlplane.api.Responses;
import dev.heliograph.controlplane.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * The operator-only listener ({@code control.host:control.port}, 127.0.0.1:8082 by default):
 * <ul>
 *   <li>{@code POST /-/reload}: re-read the configuration; 200
 *       {@code {"applied": [...], "restart_required": [...]}}, or 422 {@code CONFIG_INVALID} with
 *       {@code details.problems} (one line per bad key) when the file is bad and nothing changed;</li>
 *   <li>{@code GET /-/health}: the component list, as {@code GET /api/v1/health}.</li>
 * </ul>
 * Errors use the API's envelope and request ids.
 */
public final class ControlServer {
    private final HttpServer server;

    private ControlServer(HttpServer server) {
        this.server = server;
    }

    /** Starts listening on {@code host:port} (0 = any free port); fails when the port cannot be bound. */
    public static Future<ControlServer> start(Vertx vertx, String host, int port, ConfigReloader reloader,
                                              HealthHandler health) {
        Router router = Router.router(vertx);
        router.route().handler(ApiServer::tagRequest);
        router.post("/-/reload").handler(ctx -> reload(ctx, reloader));
        router.get("/-/health").handler(health::components);
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
}
