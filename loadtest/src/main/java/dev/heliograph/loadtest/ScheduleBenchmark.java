package dev.heliograph.loadtest;

import com.clickhouse.client.api.Client;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.OperatingSystemMXBean;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.probe.EngineVertx;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Scheduling benchmark of the walking skeleton: N HTTP targets at one interval, checked by the real
 * engine (scheduler → pool → HTTP executor → batcher → ClickHouse) against a local Vert.x HTTP
 * server in the same JVM, for a bounded time. Prints checks/s, scheduler lag (actual start −
 * planned start) and result latency (result time − planned start, i.e. lag + check duration) as
 * p50/p99, from the rows in ClickHouse, plus the JVM's CPU and heap.
 *
 * <p>Usage: {@code scripts/bench.sh schedule [--targets N] [--interval-s S] [--duration-s D]}.
 * Uses its own throw-away databases on the services of {@code scripts/services.sh}; traffic goes
 * to 127.0.0.1 only.
 */
public final class ScheduleBenchmark {
    /** The operator org's admin key of the benchmark's own control plane ({@code api.bootstrap_key}). */
    static final String API_KEY = BenchDatabases.API_KEY;

    private ScheduleBenchmark() {
    }

    /** Entry point; see the class comment for arguments. */
    public static void main(String[] args) throws Exception {
        BenchOptions opts = BenchOptions.parse(args, Map.of("targets", "1000", "interval-s", "10", "duration-s", "60"));
        int targets = opts.integer("targets", 1, 200_000);
        int intervalS = opts.integer("interval-s", 1, 86_400);
        int durationS = opts.integer("duration-s", 2, 3600);
        Vertx vertx = EngineVertx.create();
        try (BenchDatabases databases = BenchDatabases.create()) {
            HttpServer server = vertx.createHttpServer()
                    .requestHandler(req -> req.response().putHeader("content-type", "text/plain").end("ok"))
                    .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
            ControlPlane plane = ControlPlane.start(vertx, databases.controlPlaneConfig(), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
            System.out.printf("bench: creating %d targets (interval %d s) through the API%n", targets, intervalS);
            createTargets(plane.apiPort(), server.actualPort(), targets, intervalS);
            // Skip the first interval: every target's first tick lands at a random point inside it.
            long measureFrom = System.currentTimeMillis() + intervalS * 1000L;
            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpuStart = 0;
            long wallStart = 0;
            long deadline = System.currentTimeMillis() + (intervalS + durationS) * 1000L;
            while (System.currentTimeMillis() < deadline) {
                if (wallStart == 0 && System.currentTimeMillis() >= measureFrom) {
                    cpuStart = os.getProcessCpuTime();
                    wallStart = System.nanoTime();
                }
                Thread.sleep(200);
            }
            long measureTo = System.currentTimeMillis();
            double cpuCores = (os.getProcessCpuTime() - cpuStart) / (double) (System.nanoTime() - wallStart);
            long heapMb = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
            plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
            report(databases, targets, intervalS, measureFrom, measureTo, cpuCores, heapMb);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static void createTargets(int apiPort, int serverPort, int count, int intervalS) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < count; i++) {
            String body = "{\"name\":\"bench-" + i + "\",\"kind\":\"http\",\"spec\":{\"url\":\"http://127.0.0.1:" + serverPort
                    + "/t/" + i + "\"},\"interval_s\":" + intervalS + ",\"timeout_ms\":" + Math.min(5000, intervalS * 500) + "}";
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/v1/targets"))
                    .header("content-type", "application/json").header("authorization", "Bearer " + API_KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 201) {
                throw new IllegalStateException("creating target " + i + " failed: " + answer.body());
            }
        }
    }

    private static void report(BenchDatabases databases, int targets, int intervalS, long fromMs, long toMs,
                               double cpuCores, long heapMb) throws Exception {
        String lag = "toInt64(started_at_ms) - toInt64(scheduled_at_ms)";
        String sql = "SELECT count() AS checks, countIf(status != 'up') AS not_up, "
                + "quantiles(0.5, 0.99)(" + lag + ") AS lag, quantiles(0.5, 0.99)(" + lag + " + total_ms) AS result_latency, "
                + "quantiles(0.5, 0.99)(total_ms) AS check_ms FROM " + databases.name() + ".check_results "
                + "WHERE scheduled_at_ms >= " + fromMs + " AND scheduled_at_ms < " + toMs + " FORMAT JSONEachRow";
        JsonNode row;
        try (Client client = databases.clickHouse()) {
            row = BenchDatabases.queryRow(client, sql);
        }
        double seconds = (toMs - fromMs) / 1000.0;
        long checks = row.path("checks").asLong();
        System.out.println();
        System.out.println("| figure | value |");
        System.out.println("|---|---|");
        line("targets × interval", targets + " × " + intervalS + " s (expected " + fmt(targets / (double) intervalS) + " checks/s)");
        line("measured window", fmt(seconds) + " s (after one warm-up interval)");
        line("checks (scheduled in window)", String.valueOf(checks));
        line("checks/s", fmt(checks / seconds));
        line("checks not up", row.path("not_up").asText());
        line("scheduler lag p50 / p99 (ms)", fmt(row.path("lag").path(0).asDouble()) + " / " + fmt(row.path("lag").path(1).asDouble()));
        line("result − scheduled p50 / p99 (ms)", fmt(row.path("result_latency").path(0).asDouble()) + " / "
                + fmt(row.path("result_latency").path(1).asDouble()));
        line("check total_ms p50 / p99", fmt(row.path("check_ms").path(0).asDouble()) + " / " + fmt(row.path("check_ms").path(1).asDouble()));
        line("JVM CPU (cores, incl. the target server)", String.format(Locale.ROOT, "%.3f", cpuCores));
        line("heap used at end (MiB)", String.valueOf(heapMb));
    }

    private static void line(String name, String value) {
        System.out.println("| " + name + " | " + value + " |");
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
