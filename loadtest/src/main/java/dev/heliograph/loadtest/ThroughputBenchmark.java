package dev.heliograph.loadtest;

import dev.heliograph.probe.EngineVertx;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.controlplane.config.ConfigSource;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.controlplane.observability.Metrics;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Scenarios {@code throughput} and {@code ceiling} (issue 6). {@code throughput}: one private nginx
 * as the target; the real engine (an in-process control plane on throw-away databases: scheduler →
 * pool → HTTP executor → batcher → ClickHouse) ramped by {@link RateRamp} until it falls behind;
 * then, against the same nginx, the {@link Ceiling} (wrk with and without a fresh connection per
 * request, blackbox_exporter); one table with both, their ratios and a verdict line per goal.
 * {@code ceiling}: only the ceiling part.
 *
 * <p>Options: {@code --start-rate N} (checks/s of the first step, default 100), {@code --max-rate N}
 * (the last, default 10000), {@code --growth-pct P} (rate increase per step, default 50),
 * {@code --step-s S} (a step with its warm-up, default 20), {@code --ceiling-s S} (each of the six
 * ceiling runs, default 8), {@code --duration D} (default 300; scales step-s and ceiling-s by
 * D/300), {@code --json FILE}. A full run takes about five minutes. Bad options throw
 * {@link IllegalArgumentException} before anything starts.
 */
public final class ThroughputBenchmark {
    /** The control-plane settings this scenario changes, each with its reason (shown in the table). */
    static final Map<String, String> OVERRIDES = Map.of(
            "bulkhead.max_per_host=1000000", "every check goes to one host:port; the default cap (50) would throttle",
            "scheduler.jitter_ms=0", "exactly one check per target per second, so missed checks can be counted",
            "breaker.failure_rate_percent=100", "every target shares one host's breaker; with the next two it opens only "
                    + "after 10,000 failed checks in a row, so a stall's timeouts stay timeouts (counted as errors) instead "
                    + "of becoming 30 s of circuit_open for every target",
            "breaker.sliding_window=10000", "see breaker.failure_rate_percent",
            "breaker.minimum_checks=10000", "see breaker.failure_rate_percent",
            "log.level=warn", "keeps the table readable");
    private static final int REFERENCE_DURATION_S = 300;

    /**
     * What to run, from the options.
     *
     * @param rates     checks/s of each step
     * @param warmUp    warm-up of a step
     * @param window    measuring window of a step (whole seconds)
     * @param ceilingS  length of each ceiling run, s
     */
    record Plan(List<Integer> rates, Duration warmUp, Duration window, int ceilingS) {
        /**
         * @throws IllegalArgumentException an option is malformed or out of range
         */
        static Plan of(BenchOptions options) {
            int start = options.integer("start-rate", 1, 100_000);
            int max = options.integer("max-rate", 1, 100_000);
            if (max < start) {
                throw new IllegalArgumentException("--max-rate (" + max + ") must not be below --start-rate (" + start + ")");
            }
            int growth = options.integer("growth-pct", 5, 400);
            double scale = options.integer("duration", 10, 36_000) / (double) REFERENCE_DURATION_S;
            long stepMs = Math.max(3000, Math.round(options.integer("step-s", 3, 3600) * 1000 * scale));
            long warmUpMs = Math.min(3000, stepMs / 3);
            long windowS = Math.max(1, (stepMs - warmUpMs) / 1000);
            int ceilingS = (int) Math.max(1, Math.round(options.integer("ceiling-s", 1, 600) * scale));
            return new Plan(RateRamp.rates(start, max, growth), Duration.ofMillis(warmUpMs), Duration.ofSeconds(windowS), ceilingS);
        }
    }

    private ThroughputBenchmark() {
    }

    /** Runs {@code scenario} ({@code throughput} or {@code ceiling}) with {@code args}, prints its table, writes the JSON. */
    public static void run(String scenario, String[] args) throws Exception {
        BenchOptions options = options(args);
        report(scenario, options).finish(options.json());
    }

    /**
     * Runs {@code scenario} and returns its table without printing it.
     *
     * @throws IllegalArgumentException an unknown scenario or a bad option
     */
    public static BenchReport report(String scenario, String[] args) throws Exception {
        return report(scenario, options(args));
    }

    /** The scenario's options with their defaults; see the class comment. */
    static BenchOptions options(String[] args) {
        return BenchOptions.parse(args, Map.of("duration", String.valueOf(REFERENCE_DURATION_S), "start-rate", "100",
                "max-rate", "10000", "growth-pct", "50", "step-s", "20", "ceiling-s", "8"));
    }

    private static BenchReport report(String scenario, BenchOptions options) throws Exception {
        if (!scenario.equals("throughput") && !scenario.equals("ceiling")) {
            throw new IllegalArgumentException("ThroughputBenchmark runs throughput or ceiling, not " + scenario);
        }
        Plan plan = Plan.of(options);
        String loadBefore = HostLimits.loadAverage1m();
        try (Nginx nginx = Nginx.start()) {
            List<RateRamp.Step> steps = scenario.equals("throughput") ? ramp(nginx, plan) : List.of();
            Ceiling.Result ceiling = Ceiling.run(nginx, plan.ceilingS());
            BenchReport report = new BenchReport(scenario);
            report.add("machine: cores, load average (1 min) at start / end", Runtime.getRuntime().availableProcessors() + ", "
                    + loadBefore + " / " + HostLimits.loadAverage1m());
            if (scenario.equals("throughput")) {
                ThroughputTable.addRamp(report, plan, steps);
            }
            report.add("ceiling: length of each run (s)", plan.ceilingS());
            ceiling.addTo(report);
            if (scenario.equals("throughput")) {
                ThroughputTable.addVerdicts(report, steps, ceiling);
            }
            return report;
        }
    }

    private static List<RateRamp.Step> ramp(Nginx nginx, Plan plan) throws Exception {
        try (BenchDatabases databases = BenchDatabases.create()) {
            Vertx vertx = EngineVertx.create();
            try {
                HeliographConfig config = databases.controlPlaneConfig(OVERRIDES.keySet().stream().sorted().toArray(String[]::new));
                Metrics metrics = new Metrics();
                ControlPlane plane = ControlPlane.start(vertx, config, ConfigSource.fixed(config), Clock.systemUTC(), metrics)
                        .await(60, TimeUnit.SECONDS);
                try {
                    return RateRamp.run(plane, metrics.registry(), databases, nginx,
                            new RateRamp.Settings(plan.rates(), plan.warmUp(), plan.window()));
                } finally {
                    plane.stop(Duration.ofSeconds(10)).await(20, TimeUnit.SECONDS);
                }
            } finally {
                vertx.close().await(20, TimeUnit.SECONDS);
            }
        }
    }
}
