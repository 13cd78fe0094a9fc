package dev.heliograph.controlplane.api;

import dev.heliograph.domain.OrgId;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The REST API listener: request ids, body limit, the resource handlers, and one failure handler
 * for every error (including unknown routes and wrong methods).
 *
 * <p>Request ids in logs: while a request's handlers run synchronously, the SLF4J MDC holds
 * {@value #MDC_REQUEST_ID}, so every log line they write carries it (text and JSON formats).
 * Handlers hop threads at every asynchronous step, so the MDC is set and cleared around each
 * synchronous stretch ({@link #withRequestId}); code that logs from a future's callback must wrap
 * itself the same way or name the id in the message. Each finished request is logged at DEBUG by
 * {@value #ACCESS_LOGGER}.
 */
public final class ApiServer {
    /** MDC key of the request id. */
    public static final String MDC_REQUEST_ID = "request_id";
    /** Logger of the access log (DEBUG: method, path, status, milliseconds). */
    public static final String ACCESS_LOGGER = "dev.heliograph.controlplane.api.access";
    private static final String REQUEST_ID = "request_id";
    private static final Logger ACCESS = LoggerFactory.getLogger(ACCESS_LOGGER);

    private final HttpServer server;
    private final Router router;

    private ApiServer(HttpServer server, Router router) {
        this.server = server;
        this.router = router;
    }

    /**
     * Starts listening on {@code host:port} (0 = any free port) with the given handlers.
     *
     * @param maxBodyBytes larger request bodies get 413 {@code BODY_TOO_LARGE}
     * @param metrics      serves {@code GET /metrics} (Prometheus text format)
     * @param auth         decides who calls each route ({@link ApiRoutes})
     * @param handlers     objects whose {@link ApiRoute} methods are the REST routes
     */
    public static Future<ApiServer> start(Vertx vertx, String host, int port, long maxBodyBytes, HealthHandler health,
                                          Handler<RoutingContext> metrics, Authenticator auth, List<?> handlers) {
        return start(vertx, new io.vertx.core.http.HttpServerOptions(), host, port, maxBodyBytes, health, metrics, auth, null,
                handlers);
    }

    /**
     * Like the other, with server {@code options} (e.g. TLS when {@code tls.api} is on) and the
     * {@code idempotency} of routes declared {@link ApiRoute#idempotent()} ({@code null} when none is).
     */
    public static Future<ApiServer> start(Vertx vertx, io.vertx.core.http.HttpServerOptions options, String host, int port,
                                          long maxBodyBytes, HealthHandler health, Handler<RoutingContext> metrics,
                                          Authenticator auth, Idempotency idempotency, List<?> handlers) {
        Router router = Router.router(vertx);
        router.route().handler(ApiServer::tagRequest);
        router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
        router.route("/api/*").handler(ctx -> withRequestId(ctx, ctx::next)); // the body handler resumes later
        health.mount(router);
        router.get("/metrics").handler(metrics);
        ApiRoutes.mount(router, auth, idempotency, handlers);
        FailureHandler failures = new FailureHandler();
        router.route().failureHandler(failures);
        router.errorHandler(404, failures);
        router.errorHandler(405, failures);
        router.errorHandler(413, failures);
        router.errorHandler(500, failures);
        // The OpenAPI document takes about a second of reflection on a cold JVM: not on the event loop.
        return vertx.executeBlocking(() -> OpenApiDocument.build(ApiRoutes.declared(handlers)), false)
                .compose(document -> {
                    DocsHandler.mount(router, document);
                    return vertx.createHttpServer(options).requestHandler(router).listen(port, host);
                }).map(listening -> new ApiServer(listening, router));
    }

    /** The port actually listened on. */
    public int port() {
        return server.actualPort();
    }

    /**
     * The operations served under {@code /api/v1}, as {@code "GET /api/v1/targets/{id}"} for routes
     * declared with {@link ApiRoute}; a route mounted any other way shows as {@code "UNDECLARED path"},
     * so that tests comparing routes with the OpenAPI document or the isolation table catch it.
     */
    public List<String> operations() {
        List<String> names = new java.util.ArrayList<>();
        for (io.vertx.ext.web.Route route : router.getRoutes()) {
            String name = route.getName();
            if (name != null && name.matches("[A-Z]+ /api/v1(/.*|:.*)?")) {
                names.add(name);
            } else if (route.getPath() != null && route.getPath().startsWith("/api/v1")) {
                names.add("UNDECLARED " + route.getPath());
            }
        }
        return names;
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

    /** The org a request acts for: its API key's org ({@link ApiRoutes#caller}). */
    public static OrgId org(RoutingContext ctx) {
        return ApiRoutes.caller(ctx).org();
    }

    /**
     * The first handler of every route (also on the control server): takes the client's
     * {@code X-Request-Id} when it is 1..64 characters of {@code [A-Za-z0-9._-]}, else makes a UUID;
     * echoes it in the answer, puts it in the MDC for the synchronous rest of the chain, and logs the
     * request at DEBUG when the answer is sent.
     */
    public static void tagRequest(RoutingContext ctx) {
        String given = ctx.request().getHeader("x-request-id");
        String id = given != null && given.matches("[A-Za-z0-9._-]{1,64}") ? given : UUID.randomUUID().toString();
        ctx.put(REQUEST_ID, id);
        ctx.response().putHeader("x-request-id", id);
        long started = System.nanoTime();
        ctx.addEndHandler(done -> withRequestId(ctx, () -> ACCESS.debug("{} {} {} {} ms", ctx.request().method(),
                ctx.request().path(), ctx.response().getStatusCode(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))));
        withRequestId(ctx, ctx::next);
    }

    /** Runs {@code work} with this request's id in the MDC ({@value #MDC_REQUEST_ID}), removed afterwards. */
    public static void withRequestId(RoutingContext ctx, Runnable work) {
        try (MDC.MDCCloseable tagged = MDC.putCloseable(MDC_REQUEST_ID, requestId(ctx))) {
            work.run();
        }
    }
}
