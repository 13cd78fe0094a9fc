package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.storage.clickhouse.ClickHouseResultStore;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /healthz}: the process serves requests (always 200). {@code /readyz}: 200 when PostgreSQL
 * and ClickHouse both answer now, otherwise 503 with the failing dependency and its error.
 */
public final class HealthHandler {
    private final Pool postgres;
    private final ClickHouseResultStore clickhouse;

    public HealthHandler(Pool postgres, ClickHouseResultStore clickhouse) {
        this.postgres = postgres;
        this.clickhouse = clickhouse;
    }

    /** Adds {@code /healthz} and {@code /readyz} to {@code router}. */
    public void mount(Router router) {
        router.get("/healthz").handler(ctx -> Responses.json(ctx, 200, Map.of("status", "ok")));
        router.get("/readyz").handler(this::ready);
    }

    private void ready(RoutingContext ctx) {
        Future<Void> pg = postgres.query("SELECT 1").execute().mapEmpty();
        Future<Void> ch = clickhouse.ping();
        Future.join(pg, ch).onComplete(done -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", pg.succeeded() && ch.succeeded() ? "ready" : "not_ready");
            body.put("postgres", pg.succeeded() ? "ok" : String.valueOf(pg.cause().getMessage()));
            body.put("clickhouse", ch.succeeded() ? "ok" : String.valueOf(ch.cause().getMessage()));
            Responses.json(ctx, pg.succeeded() && ch.succeeded() ? 200 : 503, body);
        });
    }
}
