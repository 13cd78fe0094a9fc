package dev.heliograph.loadtest;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The throughput scenario's rows: the ramp (one line per step), the sustained step's figures (the
 * last step that kept up), the two ratios to the ceiling and a verdict line per goal. The goals are
 * reported against, never used to steer the run.
 */
final class ThroughputTable {
    /** Goal: sustained checks/s at least this share of wrk's fresh-connection requests/s. */
    static final double GOAL_CEILING_SHARE = 0.60;
    /** Goal: checks per CPU second at least this multiple of blackbox_exporter's http_2xx probes per CPU second. */
    static final double GOAL_CPU_MULTIPLE = 4.0;
    /** Goal: per-check overhead p99 at the sustained rate, ms. */
    static final double GOAL_OVERHEAD_P99_MS = 5.0;
    /** Goal: scheduler lag p99 at the sustained rate, ms. */
    static final double GOAL_LAG_P99_MS = 10.0;

    private ThroughputTable() {
    }

    /** Adds the plan, the overrides, a line per step and the sustained step's figures. */
    static void addRamp(BenchReport report, ThroughputBenchmark.Plan plan, List<RateRamp.Step> steps) {
        report.add("ramp: rates asked (checks/s)", plan.rates().stream().map(String::valueOf).collect(Collectors.joining(", ")));
        report.add("ramp: targets, interval, timeout", "HTTP GET of nginx, " + RateRamp.INTERVAL_S + " s, " + RateRamp.TIMEOUT_MS + " ms");
        report.add("ramp: step = warm-up + window (s)", fmt(plan.warmUp().toMillis() / 1000.0) + " + " + plan.window().toSeconds()
                + " (the first step's warm-up " + RateRamp.FIRST_WARM_UP_FACTOR + "× as long, for the JIT)");
        report.add("ramp: falls behind at", "lag p99 > " + fmt(RateRamp.MAX_LAG_P99_MS) + " ms or errors (not up + missing) > "
                + fmt(RateRamp.MAX_ERROR_RATIO * 100) + " %");
        report.add("control-plane overrides", ThroughputBenchmark.OVERRIDES.entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining("; ")));
        for (int k = 0; k < steps.size(); k++) {
            RateRamp.Step s = steps.get(k);
            report.add("step " + k + " at " + s.rate() + " checks/s", String.format(Locale.ROOT,
                    "%.1f checks/s, errors %.3f %% (%d not up, %d missing)%s, lag p50/p99 %s/%s ms, overhead p50/p99 %s/%s ms, "
                            + "CPU %.2f cores (waited for a CPU %.2f), GC %d pauses %.0f ms; %s",
                    s.checksPerSecond(), s.errorRatio() * 100, s.notUp(), s.missing(), s.errors().isEmpty() ? "" : " mostly " + s.errors(),
                    fmt(s.lagP50Ms()), fmt(s.lagP99Ms()), fmt(s.overheadP50Ms()), fmt(s.overheadP99Ms()), s.jvm().cpuCores(),
                    s.jvm().runQueueCores(), s.jvm().gcPauses(), s.jvm().gcPauseMs(), s.keptUp() ? "kept up" : "fell behind"));
        }
        RateRamp.Step best = sustained(steps);
        if (best == null) {
            report.add("sustained checks/s (last step that kept up)", 0);
            report.add("sustained: figures", "n/a: no step kept up");
            return;
        }
        JvmUsage.Window jvm = best.jvm();
        number(report, "sustained checks/s (last step that kept up)", best.checksPerSecond());
        report.add("sustained: rate asked (checks/s)", best.rate());
        number(report, "sustained: per-check overhead p50 (ms)", best.overheadP50Ms());
        number(report, "sustained: per-check overhead p99 (ms)", best.overheadP99Ms());
        report.add("sustained: scheduler lag p50 (ms)", best.lagP50Ms());
        report.add("sustained: scheduler lag p99 (ms)", best.lagP99Ms());
        number(report, "sustained: errors (%)", best.errorRatio() * 100);
        number(report, "sustained: JVM CPU (cores)", jvm.cpuCores());
        number(report, "sustained: JVM threads waiting for a CPU (cores; other load on the machine)", jvm.runQueueCores());
        number(report, "sustained: checks per JVM CPU second", checksPerCpuSecond(best));
        report.add("sustained: heap used at end / most sampled (MiB)", jvm.heapUsedMb() + " / " + jvm.heapMaxMb());
        report.add("sustained: GC pauses (count, total ms, max ms)", jvm.gcPauses() + ", " + fmt(jvm.gcPauseMs()) + ", " + fmt(jvm.gcPauseMaxMs()));
        number(report, "sustained: nginx CPU (cores)", best.nginxCores());
        RateRamp.Step last = steps.getLast();
        report.add("first step that fell behind", last.keptUp() ? "none: --max-rate reached"
                : last.rate() + " checks/s (lag p99 " + fmt(last.lagP99Ms()) + " ms, errors " + fmt(last.errorRatio() * 100) + " %)");
    }

    /** Adds the two ratios and a verdict line per goal. */
    static void addVerdicts(BenchReport report, List<RateRamp.Step> steps, Ceiling.Result ceiling) {
        RateRamp.Step best = sustained(steps);
        double checksPerS = best == null ? 0 : best.checksPerSecond();
        double share = checksPerS / ceiling.fresh().perSecond();
        double perCpu = best == null ? 0 : checksPerCpuSecond(best);
        double blackbox = ceiling.bestHttpProbesPerCpuSecond();
        double multiple = perCpu / blackbox;
        number(report, "ratio: sustained checks/s ÷ wrk fresh-connection requests/s", share);
        number(report, "ratio: checks per JVM CPU s ÷ blackbox_exporter http_2xx probes per CPU s (its best concurrency)", multiple);
        verdict(report, "checks/s ≥ " + fmt(GOAL_CEILING_SHARE * 100) + " % of the fresh-connection ceiling", share >= GOAL_CEILING_SHARE,
                fmt(checksPerS) + " of " + fmt(ceiling.fresh().perSecond()) + " = " + fmt(share * 100) + " %");
        verdict(report, "checks per CPU s ≥ " + fmt(GOAL_CPU_MULTIPLE) + "× blackbox_exporter's probes per CPU s", multiple >= GOAL_CPU_MULTIPLE,
                fmt(perCpu) + " vs " + fmt(blackbox) + " = " + fmt(multiple) + "×");
        if (best == null) {
            verdict(report, "overhead p99 ≤ " + fmt(GOAL_OVERHEAD_P99_MS) + " ms at the sustained rate", false, "no step kept up");
            verdict(report, "scheduler lag p99 ≤ " + fmt(GOAL_LAG_P99_MS) + " ms at the sustained rate", false, "no step kept up");
            return;
        }
        verdict(report, "overhead p99 ≤ " + fmt(GOAL_OVERHEAD_P99_MS) + " ms at the sustained rate",
                best.overheadP99Ms() <= GOAL_OVERHEAD_P99_MS, fmt(best.overheadP99Ms()) + " ms at " + fmt(checksPerS) + " checks/s");
        verdict(report, "scheduler lag p99 ≤ " + fmt(GOAL_LAG_P99_MS) + " ms at the sustained rate",
                best.lagP99Ms() <= GOAL_LAG_P99_MS, fmt(best.lagP99Ms()) + " ms at " + fmt(checksPerS) + " checks/s");
    }

    /** The last step that kept up, or null. */
    static RateRamp.Step sustained(List<RateRamp.Step> steps) {
        RateRamp.Step best = null;
        for (RateRamp.Step step : steps) {
            if (step.keptUp()) {
                best = step;
            }
        }
        return best;
    }

    private static double checksPerCpuSecond(RateRamp.Step step) {
        double cpu = step.jvm().cpuSeconds();
        return cpu > 0 ? step.checks() / cpu : 0;
    }

    private static void verdict(BenchReport report, String goal, boolean met, String figures) {
        report.add("verdict: " + goal, (met ? "met" : "missed") + " (" + figures + ")");
    }

    /** Adds {@code value} rounded to two decimals, or "n/a" when it is NaN (nothing was recorded). */
    private static void number(BenchReport report, String figure, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            report.add(figure, "n/a");
        } else {
            report.add(figure, Math.round(value * 100) / 100.0);
        }
    }

    private static String fmt(double value) {
        return BenchReport.show(value);
    }
}
