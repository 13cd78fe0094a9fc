package dev.heliograph.loadtest;

import dev.heliograph.probe.EngineVertx;
import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.OperatingSystemMXBean;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.probe.codec.Json;
import dev.heliograph.controlplane.config.ConfigLoader;
import dev.heliograph.controlplane.config.HeliographConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
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
        Map<String, Integer> opts = parse(args, Map.of("--targets", 1000, "--interval-s", 10, "--duration-s", 60));
        int targets = opts.get("--targets");
        int intervalS = opts.get("--interval-s");
        int durationS = opts.get("--duration-s");
        if (targets < 1 || targets > 200_000 || intervalS < 1 || durationS < 2 || durationS > 3600) {
            throw new IllegalArgumentException("bounds: 1 <= targets <= 200000, interval-s >= 1, 2 <= duration-s <= 3600");
        }
        HeliographConfig base = ConfigLoader.load(null, System.getenv(), List.of());
        String database = "hg_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        createDatabases(base, database);
        Vertx vertx = EngineVertx.create();
        try {
            HttpServer server = vertx.createHttpServer()
                    .requestHandler(req -> req.response().putHeader("content-type", "text/plain").end("ok"))
                    .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
            HeliographConfig config = ConfigLoader.load(null, Map.of(), List.of("api.port=0", "control.port=0", "agents.port=0", "probe.allowed_cidrs=127.0.0.0/8",
                    "api.bootstrap_key=" + API_KEY,
                    "postgres.database=" + database, "clickhouse.database=" + database,
                    "postgres.password=" + base.postgres().password(), "clickhouse.url=" + base.clickhouse().url()));
            ControlPlane plane = ControlPlane.start(vertx, config, Clock.systemUTC()).await(60, TimeUnit.SECONDS);
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
            report(base, database, targets, intervalS, measureFrom, measureTo, cpuCores, heapMb);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
            dropDatabases(base, database);
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

    private static void report(HeliographConfig base, String database, int targets, int intervalS, long fromMs, long toMs,
                               double cpuCores, long heapMb) throws Exception {
        String lag = "toInt64(started_at_ms) - toInt64(scheduled_at_ms)";
        String sql = "SELECT count() AS checks, countIf(status != 'up') AS not_up, "
                + "quantiles(0.5, 0.99)(" + lag + ") AS lag, quantiles(0.5, 0.99)(" + lag + " + total_ms) AS result_latency, "
                + "quantiles(0.5, 0.99)(total_ms) AS check_ms FROM " + database + ".check_results "
                + "WHERE scheduled_at_ms >= " + fromMs + " AND scheduled_at_ms < " + toMs + " FORMAT JSONEachRow";
        JsonNode row;
        try (Client client = new Client.Builder().addEndpoint(base.clickhouse().url()).setUsername(base.clickhouse().user())
                .setPassword(base.clickhouse().password()).compressServerResponse(false).build();
             QueryResponse response = client.query(sql, new QuerySettings().setFormat(ClickHouseFormat.JSONEachRow))
                     .get(60, TimeUnit.SECONDS);
             InputStream body = response.getInputStream()) {
            row = Json.MAPPER.readTree(body);
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

    private static Map<String, Integer> parse(String[] args, Map<String, Integer> defaults) {
        Map<String, Integer> opts = new java.util.HashMap<>(defaults);
        for (int i = 0; i < args.length; i++) {
            if (!defaults.containsKey(args[i]) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown or incomplete option " + args[i] + "; known: " + defaults.keySet());
            }
            opts.put(args[i], Integer.parseInt(args[++i]));
        }
        return opts;
    }

    private static void createDatabases(HeliographConfig base, String database) throws Exception {
        try (Connection pg = pg(base)) {
            pg.createStatement().execute("CREATE DATABASE " + database);
        }
    }

    private static void dropDatabases(HeliographConfig base, String database) {
        try (Connection pg = pg(base);
             Client ch = new Client.Builder().addEndpoint(base.clickhouse().url()).setUsername(base.clickhouse().user())
                     .setPassword(base.clickhouse().password()).compressServerResponse(false).build()) {
            pg.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            ch.execute("DROP DATABASE IF EXISTS " + database).get(30, TimeUnit.SECONDS).close();
        } catch (Exception e) {
            System.err.println("bench: could not drop database " + database + ": " + e.getMessage());
        }
    }

    private static Connection pg(HeliographConfig base) throws Exception {
        HeliographConfig.Postgres p = base.postgres();
        return DriverManager.getConnection("jdbc:postgresql://" + p.host() + ":" + p.port() + "/" + p.database(), p.user(), p.password());
    }
}
