package dev.heliograph.loadtest;

import dev.heliograph.probe.EngineVertx;
import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.probe.codec.Json;
import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.TargetId;
import com.sun.management.OperatingSystemMXBean;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Scenario {@code api} (issue 6): the REST API's read paths with many targets in PostgreSQL. An
 * in-process control plane on throw-away databases ({@link BenchDatabases}) gets {@code --targets}
 * targets through {@code POST /api/v1/targets:bulk}, each tagged {@code team-<i % 100>} and
 * {@code env-<i % 3>}; one of them gets an hour of results in ClickHouse (3,600 rows, one per
 * second, through the real result batcher). Then {@code wrk -t 2 -c 16} measures, one after the
 * other, for the same time each:
 *
 * <ul>
 *   <li>{@code list first page}: {@code GET /api/v1/targets?limit=50};</li>
 *   <li>{@code list deep page}: the same with the cursor of the middle of the set;</li>
 *   <li>{@code list tag filter}: {@code GET /api/v1/targets?tag=team-42&limit=50} (1 % of the targets carry it);</li>
 *   <li>{@code results last hour}: {@code GET /api/v1/targets/{id}/results?from=…&to=…} (first page, 50 of 3,600);</li>
 *   <li>{@code dashboard}: {@code GET /api/v1/dashboard} (computed at most every 5 s per org).</li>
 * </ul>
 *
 * <p>Before them, one client walks every page of the list at {@code limit=500}, sequentially. Each
 * endpoint's figures are p50 and p99 (ms), requests/s, requests, errors (socket errors and
 * non-2xx answers) and the control plane's CPU time per request (the JVM's CPU during the wrk run,
 * background work such as the registry's re-read included, divided by the requests: a figure that
 * other load on the machine disturbs less than the latencies); the verdict compares the worst list p99 with the goal of issue 6 (≤ 100 ms with
 * 100,000 targets).
 *
 * <p>The targets are enabled, but checked from a region that has no agent ({@value #REGION}), so
 * no check ever runs and the machine's cores go to the API, while the target registry still
 * re-reads every one of them from PostgreSQL every {@code scheduler.refresh_interval_s} (30 s, the
 * default, as an operator gets it) and the agent hub holds them all.
 *
 * <p>Options: {@code --targets N} (1..200,000, default 100,000), {@code --seconds S} per endpoint
 * (default 20), {@code --duration D} (default 100) scales it: each endpoint runs
 * {@code max(1, round(S × D / 100))} s. A default run takes about four minutes, most of it
 * creating the targets.
 */
public final class ApiBenchmark {
    /** The region the targets are checked from; no agent serves it. */
    static final String REGION = "bench-unserved";
    /** {@code --duration} at which each endpoint runs exactly {@code --seconds}. */
    static final int NOMINAL_DURATION = 100;
    /** Results stored for the measured target: one per second for an hour. */
    static final int RESULT_ROWS = 3_600;
    /** The goal of issue 6 for the target list's p99, ms. */
    static final double LIST_P99_GOAL_MS = 100;
    private static final int WRK_THREADS = 2;
    private static final int WRK_CONNECTIONS = 16;

    private ApiBenchmark() {
    }

    /** Runs the scenario with command-line {@code args} and prints its table (and JSON on {@code --json}). */
    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parse(args, Map.of("targets", "100000", "seconds", "20",
                "duration", String.valueOf(NOMINAL_DURATION)));
        int targets = options.integer("targets", 1, 200_000);
        int seconds = options.integer("seconds", 1, 600);
        int duration = options.integer("duration", 1, 10_000);
        int perEndpoint = (int) Math.max(1, Math.round(seconds * (double) duration / NOMINAL_DURATION));
        run(targets, perEndpoint).finish(options.json());
    }

    /** Sets up {@code targets} targets, measures every endpoint for {@code seconds}, and stops everything. */
    static BenchReport run(int targets, int seconds) throws Exception {
        BenchReport report = new BenchReport("api");
        try (BenchDatabases databases = BenchDatabases.create()) {
            Vertx vertx = EngineVertx.create();
            try {
                ControlPlane plane = ControlPlane.start(vertx, databases.controlPlaneConfig(), Clock.systemUTC())
                        .await(120, TimeUnit.SECONDS);
                try {
                    measure(plane, targets, seconds, report);
                } finally {
                    plane.stop(Duration.ofSeconds(10)).await(20, TimeUnit.SECONDS);
                }
            } finally {
                vertx.close().await(20, TimeUnit.SECONDS);
            }
        }
        return report;
    }

    private static void measure(ControlPlane plane, int targets, int seconds, BenchReport report) throws Exception {
        Api api = new Api(plane.apiPort());
        api.send("POST", "/api/v1/regions", "{\"name\":\"" + REGION + "\",\"description\":\"benchmark: no agent\"}", 201);
        System.err.printf("bench: creating %,d targets through the API%n", targets);
        long createStart = System.nanoTime();
        BenchTargets.create(plane.apiPort(), targets, ApiBenchmark::target);
        double createS = (System.nanoTime() - createStart) / 1e9;
        String measured = api.firstTargetId("team-0");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        storeResults(plane, TargetId.parse(measured), now);
        report.add("targets", targets)
                .add("targets: regions, state", REGION + " (no agent: enabled, never checked), refresh every 30 s")
                .add("create through targets:bulk (s)", createS)
                .add("create rate (targets/s)", targets / createS)
                .add("results stored for one target", RESULT_ROWS)
                .add("wrk", "-t " + WRK_THREADS + " -c " + WRK_CONNECTIONS + ", " + seconds + " s per endpoint, keep-alive");

        PageWalk walk = api.walk(500);
        report.add("walk limit=500: pages", walk.pages())
                .add("walk limit=500: targets seen", walk.items())
                .add("walk limit=500: total (ms)", walk.totalMs())
                .add("walk limit=500: ms per page", walk.totalMs() / Math.max(1, walk.pages()))
                .add("walk limit=500: slowest page (ms)", walk.slowestMs());

        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("list first page", "/api/v1/targets?limit=50");
        endpoints.put("list deep page", "/api/v1/targets?limit=50&cursor=" + api.middleCursor(walk, 50));
        endpoints.put("list tag filter", "/api/v1/targets?tag=team-42&limit=50");
        endpoints.put("results last hour", "/api/v1/targets/" + measured + "/results?from="
                + encode(now.minus(Duration.ofHours(1))) + "&to=" + encode(now));
        endpoints.put("dashboard", "/api/v1/dashboard");
        double worstListP99 = 0;
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double loadBefore = os.getSystemLoadAverage();
        for (Map.Entry<String, String> endpoint : endpoints.entrySet()) {
            api.warmUp(endpoint.getValue());
            System.err.printf("bench: wrk %d s on %s%n", seconds, endpoint.getKey());
            long cpuStart = os.getProcessCpuTime();
            Wrk.Result r = Wrk.run(api.url(endpoint.getValue()), WRK_THREADS, WRK_CONNECTIONS, seconds,
                    "Authorization: Bearer " + BenchDatabases.API_KEY);
            double cpuMs = (os.getProcessCpuTime() - cpuStart) / 1e6;
            String name = endpoint.getKey();
            report.add(name + ": p50 (ms)", r.p50Ms()).add(name + ": p99 (ms)", r.p99Ms())
                    .add(name + ": req/s", r.perSecond()).add(name + ": requests", r.requests())
                    .add(name + ": errors", r.errors())
                    .add(name + ": JVM CPU per request (ms)", cpuMs / Math.max(1, r.requests()));
            if (name.startsWith("list")) {
                worstListP99 = Math.max(worstListP99, r.p99Ms());
            }
        }
        report.add("machine load average (1 min) before / after the wrk runs",
                String.format(Locale.ROOT, "%.1f / %.1f on %d cores", loadBefore, os.getSystemLoadAverage(), os.getAvailableProcessors()));
        report.add("verdict: list p99 ≤ " + (int) LIST_P99_GOAL_MS + " ms", verdict(worstListP99, targets));
        report.add("JVM heap used at end (MiB)", (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
    }

    /** The text of the verdict line for the worst list p99 {@code p99Ms} measured with {@code targets} targets. */
    static String verdict(double p99Ms, int targets) {
        String outcome = p99Ms <= LIST_P99_GOAL_MS ? "met" : "MISSED";
        String shown = String.format(Locale.ROOT, "%s: worst list p99 %.2f ms", outcome, p99Ms);
        return targets == 100_000 ? shown : shown + String.format(Locale.ROOT, " (with %,d targets; the goal is for 100,000)", targets);
    }

    /** The create body of benchmark target {@code i}: HTTP, tagged by team and environment, in {@link #REGION}. */
    static String target(int i) {
        return "{\"key\":\"bench-" + i + "\",\"name\":\"bench target " + i + "\",\"kind\":\"http\",\"spec\":{\"url\":"
                + "\"http://127.0.0.1:9/t/" + i + "\"},\"interval_s\":60,\"timeout_ms\":5000,\"regions\":[\"" + REGION
                + "\"],\"tags\":[\"team-" + (i % 100) + "\",\"env-" + (i % 3) + "\"]}";
    }

    /**
     * Writes {@link #RESULT_ROWS} results of target {@code id} (one per second, the newest one second
     * before {@code end}, every fifth one {@code degraded}) through the control plane's result batcher,
     * and waits until ClickHouse has them.
     */
    private static void storeResults(ControlPlane plane, TargetId id, Instant end) throws TimeoutException {
        List<CheckResult> results = new ArrayList<>(RESULT_ROWS);
        for (int i = 1; i <= RESULT_ROWS; i++) {
            Instant started = end.minusSeconds(i);
            double totalMs = 5 + (i % 50);
            results.add(new CheckResult(UUID.randomUUID(), id, OrgId.DEFAULT, new RegionId(REGION), "bench", CheckKind.HTTP,
                    started, started.plusMillis(3), i % 5 == 0 ? Status.DEGRADED : Status.UP,
                    i % 5 == 0 ? Failure.SLOW : Failure.NONE, 200, "",
                    new PhaseTimings(0.1, 0.5, 0, totalMs - 1, totalMs)));
        }
        plane.batcher().offerAll(results).await(60, TimeUnit.SECONDS);
    }

    private static String encode(Instant time) {
        return URLEncoder.encode(time.toString(), StandardCharsets.UTF_8);
    }

    /**
     * A walk over every page of the target list.
     *
     * @param pages     pages read
     * @param items     targets seen
     * @param totalMs   time of the whole walk, ms
     * @param slowestMs the slowest page, ms
     * @param cursors   the cursor each page after the first was read with, in order
     */
    record PageWalk(int pages, long items, double totalMs, double slowestMs, List<String> cursors) {
    }

    /** The benchmark's own client of the API under test (setup and the page walk, never the measurement). */
    static final class Api {
        private final int port;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        Api(int port) {
            this.port = port;
        }

        String url(String pathAndQuery) {
            return "http://127.0.0.1:" + port + pathAndQuery;
        }

        /** Sends a request and returns its parsed answer; fails unless the status is {@code expected}. */
        JsonNode send(String method, String pathAndQuery, String body, int expected) throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(pathAndQuery))).timeout(Duration.ofSeconds(60))
                    .header("authorization", "Bearer " + BenchDatabases.API_KEY);
            request = body == null ? request.GET()
                    : request.header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != expected) {
                throw new IOException(method + " " + pathAndQuery + " answered " + answer.statusCode() + ": "
                        + ExternalProcess.tail(answer.body()));
            }
            return Json.MAPPER.readTree(answer.body());
        }

        /** The id of the first target carrying {@code tag}. */
        String firstTargetId(String tag) throws IOException, InterruptedException {
            return send("GET", "/api/v1/targets?limit=1&tag=" + tag, null, 200).path("items").path(0).path("id").asText();
        }

        /** Reads every page at {@code limit}, one request at a time. */
        PageWalk walk(int limit) throws IOException, InterruptedException {
            List<String> cursors = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            long items = 0;
            double slowest = 0;
            long start = System.nanoTime();
            do {
                long pageStart = System.nanoTime();
                JsonNode page = send("GET", "/api/v1/targets?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor), null, 200);
                slowest = Math.max(slowest, (System.nanoTime() - pageStart) / 1e6);
                pages++;
                items += page.path("items").size();
                cursor = page.path("next_cursor").isTextual() ? page.path("next_cursor").asText() : null;
                if (cursor != null) {
                    cursors.add(cursor);
                }
            } while (cursor != null);
            return new PageWalk(pages, items, (System.nanoTime() - start) / 1e6, slowest, cursors);
        }

        /** A cursor from the middle of the set (from {@code walk}), checked to answer a full page of {@code limit}. */
        String middleCursor(PageWalk walk, int limit) throws IOException, InterruptedException {
            if (walk.cursors().isEmpty()) {
                return "";
            }
            String cursor = walk.cursors().get(walk.cursors().size() / 2);
            send("GET", "/api/v1/targets?limit=" + limit + "&cursor=" + cursor, null, 200);
            return cursor;
        }

        /** A few requests first, so that wrk does not measure the first query plan and class loading. */
        void warmUp(String pathAndQuery) throws IOException, InterruptedException {
            for (int i = 0; i < 5; i++) {
                send("GET", pathAndQuery, null, 200);
            }
        }
    }
}
