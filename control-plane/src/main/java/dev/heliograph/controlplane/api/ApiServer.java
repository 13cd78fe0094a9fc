package dev.heliograph.controlplane.api;

import dev.heliograph.domain.OrgId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.UUID;

/**
 * The REST API listener: request ids, body limit, the resource handlers, and one failure handler
 * for every error (including unknown routes and wrong methods).
 */
public final class ApiServer {
    private static final String REQUEST_ID = "request_id";

    private final HttpServer server;

    private ApiServer(HttpServer server) {
        this.server = server;
    }

    /**
     * Starts listening on {@code host:port} (0 = any free port) with the given handlers.
     *
     * @param maxBodyBytes larger request bodies get 413 {@code BODY_TOO_LARGE}
     */
    public static Future<ApiServer> start(Vertx vertx, String host, int port, long maxBodyBytes, TargetHandler targets,
                                          ResultHandler results, HealthHandler health) {
        Router router = Router.router(vertx);
        router.route().handler(ApiServer::tagRequest);
        router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
        health.mount(router);
        targets.mount(router);
        results.mount(router);
        FailureHandler failures = new FailureHandler();
        router.route().failureHandler(failures);
        router.errorHandler(404, failures);
        router.errorHandler(405, failures);
        router.errorHandler(413, failures);
        router.errorHandler(500, failures);
        return vertx.createHttpServer().requestHandler(router).listen(port, host).map(ApiServer::new);
    }

    /** The port actually listened on. */
    public int port() {
        return server.actualPort();
    }

    /** Stops listening. */
    public Future<Void> close() {
        return server.close();
    }

    /** The request's id: the client's {@code X-Request-Id} when given, otherwise a fresh one. */
    public static String requestId(RoutingContext ctx) {
        String id = ctx.get(REQUEST_ID);
        return id == null ? "unknown" : id;
    }

    /**
     * The org a request acts for. Until API keys exist (issue: tenants and API keys) every request
     * acts for the default org; this is the one place that decides it.
     */
    public static OrgId org(RoutingContext ctx) {
        return OrgId.DEFAULT;
    }

    private static void tagRequest(RoutingContext ctx) {
        String given = ctx.request().getHeader("x-request-id");
        String id = given != null && given.matches("[A-Za-z0-9._-]{1,64}") ? given : UUID.randomUUID().toString();
        ctx.put(REQUEST_ID, id);
        ctx.response().putHeader("x-request-id", id);
        ctx.next();
    }
}
