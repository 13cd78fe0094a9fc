package dev.heliograph.loadtest;

import com.clickhouse.client.api.Client;
import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.ControlPlane;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Steps the in-process engine's rate up until it falls behind. Every step adds targets (HTTP GET
 * of nginx, interval 1 s, created paused up front and tagged {@code step-K}) by resuming its tag
 * through {@code targets:bulk-action}, so step K runs {@code rates[K]} checks/s. After a warm-up the
 * step is measured over a window of whole seconds: checks, statuses and scheduler lag from the
 * ClickHouse rows planned in the window; overhead from {@code heliograph_result_overhead_seconds};
 * the JVM's CPU, heap and GC pauses. The ramp stops after the first step that did not keep up
 * ({@link Step#keptUp()}) or after the last rate.
 */
public final class RateRamp {
    /** A step falls behind when its scheduler lag p99 exceeds this (ms). */
    public static final double MAX_LAG_P99_MS = 100;
    /** ... or when more than this share of its due checks was not {@code up} or never stored. */
    public static final double MAX_ERROR_RATIO = 0.001;
    /** Interval of every target, s; the rate is the number of enabled targets. */
    public static final int INTERVAL_S = 1;
    /** Timeout of every check, ms. */
    public static final int TIMEOUT_MS = 500;
    /** The first step's warm-up is this many times a step's. */
    public static final int FIRST_WARM_UP_FACTOR = 2;

    /**
     * How to ramp.
     *
     * @param rates  checks/s of each step, ascending
     * @param warmUp time from resuming a step's targets to the start of its window; the first step
     *               waits {@value #FIRST_WARM_UP_FACTOR}× as long (the JIT compiles the engine then)
     * @param window measuring time of a step, whole seconds
     */
    public record Settings(List<Integer> rates, Duration warmUp, Duration window) {
    }

    /**
     * One measured step.
     *
     * @param rate        checks/s asked for (enabled targets ÷ interval)
     * @param seconds     the window's length
     * @param checks      results planned in the window and stored
     * @param notUp       of them, not {@code up}
     * @param missing     checks due in the window without a stored result
     * @param errors      the most frequent error texts of results that were not up, comma-separated (empty when all were up)
     * @param lagP50Ms    scheduler lag (started − planned) p50, ms
     * @param lagP99Ms    scheduler lag p99, ms
     * @param overheadP50Ms per-check overhead p50, ms (NaN when none was recorded)
     * @param overheadP99Ms per-check overhead p99, ms
     * @param jvm         this JVM's use in the window
     * @param nginxCores  nginx's CPU in the window, cores
     */
    public record Step(int rate, double seconds, long checks, long notUp, long missing, String errors, double lagP50Ms,
                       double lagP99Ms, double overheadP50Ms, double overheadP99Ms, JvmUsage.Window jvm, double nginxCores) {
        /** Checks the step's targets were due to run in the window. */
        public long expected() {
            return Math.round(rate * seconds / INTERVAL_S);
        }

        /** Stored results per second. */
        public double checksPerSecond() {
            return checks / seconds;
        }

        /** (not up + missing) ÷ expected. */
        public double errorRatio() {
            return (notUp + missing) / (double) Math.max(1, expected());
        }

        /** Whether the engine kept up: lag p99 ≤ {@value #MAX_LAG_P99_MS} ms and errors ≤ 0.1 %. */
        public boolean keptUp() {
            return lagP99Ms <= MAX_LAG_P99_MS && errorRatio() <= MAX_ERROR_RATIO && checks > 0;
        }
    }

    private RateRamp() {
    }

    /**
     * The rates from {@code start} growing by {@code growthPct} % per step (at least 1 check/s)
     * to {@code max}, which is always the last.
     */
    public static List<Integer> rates(int start, int max, int growthPct) {
        List<Integer> rates = new ArrayList<>();
        for (long rate = start; rate < max; rate = Math.max(rate + 1, Math.round(rate * (1 + growthPct / 100.0)))) {
            rates.add((int) rate);
        }
        rates.add(max);
        return List.copyOf(rates);
    }

    /**
     * Creates the targets and runs the steps on {@code plane} (whose meters are in {@code registry}),
     * printing a line per step on stderr.
     *
     * @throws IOException an API call or a ClickHouse query failed
     */
    public static List<Step> run(ControlPlane plane, PrometheusMeterRegistry registry, BenchDatabases databases, Nginx nginx,
                                 Settings settings) throws IOException, InterruptedException {
        List<Integer> rates = settings.rates();
        int targets = rates.getLast() * INTERVAL_S;
        System.err.printf("bench: creating %,d paused targets (interval %d s) against nginx%n", targets, INTERVAL_S);
        BenchTargets.create(plane.apiPort(), targets, i -> paused(BenchTargets.http("t-" + i, nginx.url() + "t/" + i, INTERVAL_S,
                TIMEOUT_MS, "step-" + stepOf(rates, i))));
        List<Step> steps = new ArrayList<>();
        try (JvmUsage jvm = JvmUsage.start(); Client clickHouse = databases.clickHouse()) {
            for (int k = 0; k < rates.size(); k++) {
                resume(plane.apiPort(), "step-" + k);
                Duration warmUp = k == 0 ? settings.warmUp().multipliedBy(FIRST_WARM_UP_FACTOR) : settings.warmUp();
                Step step = measure(plane, registry, databases, clickHouse, nginx, jvm, rates.get(k), warmUp, settings.window());
                steps.add(step);
                System.err.printf("bench: step %d at %d checks/s: %.1f checks/s, lag p99 %.0f ms, overhead p99 %.2f ms, errors %.3f %%, CPU %.2f cores%s%s%n",
                        k, step.rate(), step.checksPerSecond(), step.lagP99Ms(), step.overheadP99Ms(), step.errorRatio() * 100,
                        step.jvm().cpuCores(), step.errors().isEmpty() ? "" : ", errors " + step.errors(),
                        step.keptUp() ? "" : " → fell behind");
                if (!step.keptUp()) {
                    break;
                }
            }
        }
        return steps;
    }

    private static Step measure(ControlPlane plane, PrometheusMeterRegistry registry, BenchDatabases databases, Client clickHouse,
                                Nginx nginx, JvmUsage jvm, int rate, Duration warmUp, Duration window)
            throws IOException, InterruptedException {
        sleepSampling(jvm, System.currentTimeMillis() + warmUp.toMillis());
        long from = System.currentTimeMillis();
        long to = from + window.toSeconds() * 1000;
        JvmUsage.Mark mark = jvm.mark();
        OverheadHistogram.Snapshot overheadFrom = OverheadHistogram.read(registry);
        double nginxFrom = nginx.cpuSeconds();
        sleepSampling(jvm, to);
        JvmUsage.Window used = jvm.since(mark);
        OverheadHistogram.Snapshot overheadTo = OverheadHistogram.read(registry);
        double nginxCores = (nginx.cpuSeconds() - nginxFrom) / used.seconds();
        awaitWritten(plane);
        JsonNode row = query(clickHouse, databases.name(), from, to);
        double seconds = (to - from) / 1000.0;
        long checks = row.path("checks").asLong();
        return new Step(rate, seconds, checks, row.path("not_up").asLong(), Math.max(0, Math.round(rate * seconds / INTERVAL_S) - checks),
                errors(row.path("errors")), row.path("lag").path(0).asDouble(), row.path("lag").path(1).asDouble(),
                OverheadHistogram.quantileMs(overheadFrom, overheadTo, 0.5), OverheadHistogram.quantileMs(overheadFrom, overheadTo, 0.99),
                used, nginxCores);
    }

    /** Waits until the checks of the window (at most one timeout after it) are written, at most 20 s. */
    private static void awaitWritten(ControlPlane plane) throws InterruptedException {
        Thread.sleep(TIMEOUT_MS + 100);
        long accepted = plane.batcher().stats().accepted();
        long deadline = System.currentTimeMillis() + 20_000;
        while (plane.batcher().stats().written() < accepted && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
    }

    private static JsonNode query(Client clickHouse, String database, long from, long to) throws IOException {
        String lag = "toInt64(started_at_ms) - toInt64(scheduled_at_ms)";
        String sql = "SELECT count() AS checks, countIf(status != 'up') AS not_up, topKIf(3)(error, status != 'up') AS errors, "
                + "quantilesExact(0.5, 0.99)(" + lag + ") AS lag FROM " + database + ".check_results "
                + "WHERE scheduled_at_ms >= " + from + " AND scheduled_at_ms < " + to + " FORMAT JSONEachRow";
        return BenchDatabases.queryRow(clickHouse, sql);
    }

    private static String errors(JsonNode texts) {
        List<String> quoted = new ArrayList<>();
        texts.forEach(text -> quoted.add("'" + text.asText() + "'"));
        return String.join(", ", quoted);
    }

    private static void resume(int apiPort, String tag) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/v1/targets:bulk-action"))
                    .timeout(Duration.ofSeconds(60)).header("content-type", "application/json")
                    .header("authorization", "Bearer " + BenchDatabases.API_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"resume\",\"selector\":{\"tag\":\"" + tag + "\"}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IOException("resuming tag " + tag + " failed: " + answer.statusCode() + " " + ExternalProcess.tail(answer.body()));
            }
        }
    }

    private static void sleepSampling(JvmUsage jvm, long untilMs) throws InterruptedException {
        for (long left; (left = untilMs - System.currentTimeMillis()) > 0; ) {
            Thread.sleep(Math.min(left, 250));
            jvm.sampleHeap();
        }
    }

    /** The step whose targets include target {@code i}: step K holds targets rates[K-1]..rates[K]-1. */
    static int stepOf(List<Integer> rates, int i) {
        for (int k = 0; k < rates.size(); k++) {
            if (i < rates.get(k) * INTERVAL_S) {
                return k;
            }
        }
        throw new IllegalArgumentException("target " + i + " is beyond the last rate");
    }

    private static String paused(String json) {
        return json.substring(0, json.length() - 1) + ",\"enabled\":false}";
    }
}
