package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.health.Components;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Health endpoints, all answered from the {@link Components} registry (no database call per
 * request; the databases are probed in the background every few seconds):
 * <ul>
 *   <li>{@code GET /healthz}: the process serves requests; always 200.</li>
 *   <li>{@code GET /readyz}: 200 {@code ready} when every required component (postgres, scheduler,
 *       worker_pool, api_server) is {@code healthy}, else 503 {@code not_ready}; with the component
 *       list. ClickHouse, the batcher and the configuration are not required: while ClickHouse is
 *       down the batcher queues results and the API still serves targets, and a bad reload leaves the
 *       last good configuration running.</li>
 *   <li>{@code GET /api/v1/health}: always 200 (it reports, it does not gate):
 *       {@code {"status": "healthy"|"unhealthy", "ready": bool, "components": [{"name", "required",
 *       "health", "reason", "since"}]}}; {@code status} is {@code healthy} only when every component
 *       is.</li>
 * </ul>
 */
public final class HealthHandler {
    private final Components components;

    public HealthHandler(Components components) {
        this.components = components;
    }

    /** Adds {@code /healthz} and {@code /readyz} to {@code router}; {@code /api/v1/health} is an {@link ApiRoute}. */
    public void mount(Router router) {
        router.get("/healthz").handler(ctx -> Responses.json(ctx, 200, Map.of("status", "ok")));
        router.get("/readyz").handler(this::ready);
    }

    /** Answers the component list (the body of {@code GET /api/v1/health}); always 200. */
    @ApiRoute(method = "GET", path = "/api/v1/health", open = true)
    @Operation(summary = "Read every component's health",
            description = "Always 200: it reports, it does not gate (see /readyz for that).")
    @ApiResponse(responseCode = "200", description = "the components and their health",
            content = @Content(schema = @Schema(implementation = ApiSchemas.HealthView.class),
                    examples = @ExampleObject(ApiExamples.HEALTH)))
    public void components(RoutingContext ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", components.allHealthy() ? "healthy" : "unhealthy");
        body.put("ready", components.ready());
        body.put("components", components.all());
        Responses.json(ctx, 200, body);
    }

    private void ready(RoutingContext ctx) {
        boolean ready = components.ready();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready ? "ready" : "not_ready");
        body.put("components", components.all());
        Responses.json(ctx, ready ? 200 : 503, body);
    }
}
