package dev.heliograph.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.loadtest.InflightBenchmark.Sample;
import dev.heliograph.loadtest.InflightBenchmark.Settings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns what the in-flight benchmark gathered into its table: the setup (targets, hold, window,
 * limits, sharding, kernel settings), the peak (the sample with the most checks in flight summed
 * over the engines at one moment, with their heap, RSS and open files at that moment, and the live
 * heap after the full GC), the outcome (completed correctly, failures by reason), the scheduler
 * (lag p50/p99/max over every start, first to last start, how long every start stayed within
 * {@link InflightTally#ON_TIME_MS}), one row per engine shard and per slow server, and the verdict
 * against the goal (≥ 100,000 in flight on one node with ≤ 2 GiB heap). Sizes are MiB (2^20 bytes).
 * Not thread-safe.
 */
final class InflightReport {
    /** The goal the run is judged against (issue 6); the benchmark is never tuned to it. */
    static final long GOAL_IN_FLIGHT = 100_000;
    static final long GOAL_HEAP_MIB = 2_048;

    private final Settings settings;
    private final InflightPlan plan;
    private final HostLimits.OpenFiles limits;
    private final int serverCount;
    private final int endpointCount;
    private final List<Sample> samples = new ArrayList<>();
    private final List<JsonNode> summaries = new ArrayList<>();
    private long goAt;
    private long liveHeapSeq = -1;
    private List<Long> liveHeaps = List.of();
    private boolean allDone;
    private long warmUpChecksUp;
    private String loadAtGo = "";
    private String loadAtEnd = "";

    InflightReport(Settings settings, InflightPlan plan, HostLimits.OpenFiles limits, int serverCount, int endpointCount) {
        this.settings = settings;
        this.plan = plan;
        this.limits = limits;
        this.serverCount = serverCount;
        this.endpointCount = endpointCount;
    }

    /** Where the class histogram of child {@code name} is written. */
    static Path histogramFile(String name) {
        return Bench.scratch().resolve(name + ".histogram.txt");
    }

    /** One engine shard's {@code ready} message (it counts the warm-up checks that were up). */
    void ready(JsonNode ready) {
        warmUpChecksUp += ready.path("warm_up_checks_up").asLong();
    }

    /** The moment {@code go} was sent, and the host's load then (see {@link HostLimits#loadAverage}). */
    void wentAt(long epochMs, String load) {
        this.goAt = epochMs;
        this.loadAtGo = load;
    }

    void sample(Sample sample) {
        samples.add(sample);
    }

    /** The engines' heap used (bytes) right after a full GC at sample {@code seq}, in shard order. */
    void liveHeap(long seq, List<Long> bytes) {
        this.liveHeapSeq = seq;
        this.liveHeaps = List.copyOf(bytes);
    }

    /** Whether {@link #liveHeap} was called. */
    boolean liveHeapMeasured() {
        return liveHeapSeq >= 0;
    }

    /** Whether every check had a result before the deadline, and the host's load then. */
    void ended(boolean allDone, String load) {
        this.allDone = allDone;
        this.loadAtEnd = load;
    }

    /** One engine shard's {@code summary} message; call in shard order. */
    void summary(JsonNode summary) {
        summaries.add(summary);
    }

    /** The table. */
    BenchReport build() {
        BenchReport report = new BenchReport("inflight");
        setup(report);
        Sample peak = samples.stream().max(Comparator.comparingLong(s -> s.total("in_flight"))).orElseThrow();
        peak(report, peak);
        outcome(report);
        scheduler(report);
        shards(report, peak);
        verdict(report, peak);
        return report;
    }

    private void setup(BenchReport report) {
        int perEndpoint = (settings.targets() + endpointCount - 1) / endpointCount;
        report.add("targets (one check each, all due at once)", settings.targets())
                .add("first-tick window (ms)", settings.windowMs())
                .add("server hold per request (s)", settings.holdS())
                .add("check timeout (ms)", settings.timeoutMs())
                .add("open files limit soft / hard (this JVM; children inherit)", limits.soft() + " / " + limit(limits.hard()))
                .add("sharding", plan.describe())
                .add("slow-server endpoints", serverCount + " JVMs × " + settings.addresses() + " addresses (127.0.0.1.."
                        + "127.0.0." + settings.addresses() + ") × " + settings.ports() + " ports = " + endpointCount
                        + ", ≤ " + perEndpoint + " connections each")
                .add("kernel net.ipv4.ip_local_port_range", HostLimits.sysctl("net.ipv4.ip_local_port_range")
                        + " (client ports per destination; needs ≤ " + perEndpoint + ")")
                .add("kernel net.core.somaxconn", HostLimits.sysctl("net.core.somaxconn")
                        + " (accept queue cap per listener; asked " + SlowTargetServer.ACCEPT_BACKLOG + ")")
                .add("kernel net.ipv4.tcp_max_syn_backlog / tcp_syncookies", HostLimits.sysctl("net.ipv4.tcp_max_syn_backlog")
                        + " / " + HostLimits.sysctl("net.ipv4.tcp_syncookies"))
                .add("kernel fs.nr_open / fs.file-max", HostLimits.sysctl("fs.nr_open") + " / " + HostLimits.sysctl("fs.file-max"))
                .add("warm-up checks before the run (up; not counted below)", warmUpChecksUp)
                .add("host load average (1 min) at go / at end", loadAtGo + " / " + loadAtEnd)
                .add("engine JVM heap limit -Xmx (MiB)", plan.engineShards() + " × " + settings.heapMbPerShard() + " = "
                        + plan.engineShards() * settings.heapMbPerShard() + " (slow servers: " + settings.serverHeapMb() + " each)");
    }

    private void peak(BenchReport report, Sample peak) {
        Sample fds = fdSample();
        Sample gcSample = samples.stream().filter(s -> s.seq() == liveHeapSeq).findFirst().orElse(null);
        String liveAt = gcSample == null ? "not measured"
                : mib(liveHeaps.stream().mapToLong(Long::longValue).sum()) + " (GC at " + seconds(gcSample.atMs() - goAt)
                + " s after go, " + gcSample.total("in_flight") + " in flight)";
        report.add("peak checks in flight (engines summed at one moment)", peak.total("in_flight"))
                .add("peak sampled at (s after go)", seconds(peak.atMs() - goAt))
                .add("heap used at peak, engines total (MiB)", mib(peak.total("heap_used")))
                .add("live heap after full GC near peak, engines total (MiB)", liveAt)
                .add("RSS at peak, engines total (MiB)", mib(peak.total("rss")))
                .add("open fds near peak, engines total", fds.total("fds") + " (counted every 5 s; at " + seconds(fds.atMs() - goAt)
                        + " s after go, " + fds.total("in_flight") + " in flight)")
                .add("slow servers at peak: requests held / RSS MiB; fds near peak", peak.serverTotal("held") + " / "
                        + mib(peak.serverTotal("rss")) + "; " + fds.serverTotal("fds"))
                .add("class histogram of engine shard 0 near peak (jcmd GC.class_histogram)", Bench.root().relativize(histogramFile("inflight-shard-0")).toString());
    }

    private void outcome(BenchReport report) {
        Map<String, Long> failures = new HashMap<>();
        summaries.forEach(s -> s.path("failures").properties().forEach(e -> failures.merge(e.getKey(), e.getValue().asLong(), Long::sum)));
        String reasons = failures.isEmpty() ? "none" : failures.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(3)
                .map(e -> e.getValue() + " × " + e.getKey().strip()).collect(Collectors.joining("; "));
        report.add("completed correctly (up, HTTP 200)", total("completed"))
                .add("failed", total("failed") + (allDone ? "" : " (and " + (settings.targets() - total("completed") - total("failed"))
                        + " without a result by the deadline)"))
                .add("failure reasons (top 3)", reasons);
    }

    private void scheduler(BenchReport report) {
        long[] lags = summaries.stream().flatMapToLong(s -> longs(s.path("lags"))).sorted().toArray();
        long firstPlanned = min("first_planned_ms");
        long lastPlanned = max("last_planned_ms");
        long firstLate = summaries.stream().mapToLong(s -> s.path("first_late_planned_ms").asLong())
                .filter(ms -> ms > 0).min().orElse(0);
        String onTime = lags.length == 0 ? "no starts" : firstLate == 0
                ? "the whole burst: all " + lags.length + " starts within " + InflightTally.ON_TIME_MS + " ms of plan"
                : (firstLate - firstPlanned) + " ms of the " + (lastPlanned - firstPlanned)
                + " ms of planned starts, then a start over " + InflightTally.ON_TIME_MS + " ms late";
        report.add("scheduler lag p50 / p99 / max (ms)", percentile(lags, 0.50) + " / " + percentile(lags, 0.99) + " / "
                        + (lags.length == 0 ? 0 : lags[lags.length - 1]))
                .add("check connect p50 / p99 / max (ms)", spread("connect_ms"))
                .add("check time to first byte p50 / p99 / max (ms; includes the hold)", spread("ttfb_ms"))
                .add("check total p50 / p99 / max (ms)", spread("total_ms"))
                .add("first → last planned start (ms)", lastPlanned - firstPlanned)
                .add("first → last actual start (ms)", max("last_start_ms") - min("first_start_ms"))
                .add("scheduler stayed on time for", onTime);
    }

    private void shards(BenchReport report, Sample peak) {
        for (int k = 0; k < summaries.size(); k++) {
            JsonNode at = peak.engines().get(k);
            JsonNode fdsAt = fdSample().engines().get(k);
            int shard = k;
            long ownPeak = samples.stream().mapToLong(s -> s.engines().get(shard).path("in_flight").asLong()).max().orElse(0);
            long[] lags = longs(summaries.get(k).path("lags")).sorted().toArray();
            String live = k < liveHeaps.size() ? mib(liveHeaps.get(k)) : "-";
            report.add("engine shard " + k, "at peak " + at.path("in_flight").asLong() + " in flight (own peak " + ownPeak
                    + "), heap " + mib(at.path("heap_used").asLong()) + " MiB (live " + live + "), RSS "
                    + mib(at.path("rss").asLong()) + " MiB, fds " + fdsAt.path("fds").asLong() + " (near peak); completed "
                    + summaries.get(k).path("completed").asLong() + ", failed " + summaries.get(k).path("failed").asLong()
                    + "; lag p99 / max " + percentile(lags, 0.99) + " / " + (lags.length == 0 ? 0 : lags[lags.length - 1]) + " ms");
        }
        for (int s = 0; s < peak.servers().size(); s++) {
            JsonNode at = peak.servers().get(s);
            report.add("slow server " + s, "at peak " + at.path("held").asLong() + " held, RSS " + mib(at.path("rss").asLong())
                    + " MiB, fds " + fdSample().servers().get(s).path("fds").asLong() + " (near peak); answered by the end of sampling "
                    + samples.getLast().servers().get(s).path("answered").asLong());
        }
    }

    private void verdict(BenchReport report, Sample peak) {
        long inFlight = peak.total("in_flight");
        long heapMib = peak.total("heap_used") >> 20;
        boolean met = inFlight >= GOAL_IN_FLIGHT && heapMib <= GOAL_HEAP_MIB;
        report.add("goal ≥ " + GOAL_IN_FLIGHT + " in flight on one node, heap ≤ " + GOAL_HEAP_MIB + " MiB",
                (met ? "met" : "missed") + ": " + inFlight + " in flight, " + heapMib + " MiB heap used at peak (" + plan.engineShards()
                        + " engine JVMs on one node, -Xmx total " + plan.engineShards() * settings.heapMbPerShard() + " MiB)");
    }

    /** The sample that counted open files with the most checks in flight (the peak itself when none did). */
    private Sample fdSample() {
        Sample peak = samples.stream().max(Comparator.comparingLong(s -> s.total("in_flight"))).orElseThrow();
        return samples.stream().filter(Sample::countedFds).max(Comparator.comparingLong(s -> s.total("in_flight"))).orElse(peak);
    }

    /** p50 / p99 / max over every shard's {@code field} array. */
    private String spread(String field) {
        long[] values = summaries.stream().flatMapToLong(s -> longs(s.path(field))).sorted().toArray();
        return percentile(values, 0.50) + " / " + percentile(values, 0.99) + " / " + percentile(values, 1.0);
    }

    private long total(String field) {
        return summaries.stream().mapToLong(s -> s.path(field).asLong()).sum();
    }

    private long min(String field) {
        return summaries.stream().mapToLong(s -> s.path(field).asLong()).filter(ms -> ms > 0).min().orElse(0);
    }

    private long max(String field) {
        return summaries.stream().mapToLong(s -> s.path(field).asLong()).max().orElse(0);
    }

    private static java.util.stream.LongStream longs(JsonNode array) {
        List<Long> values = new ArrayList<>(array.size());
        array.forEach(v -> values.add(v.asLong()));
        return values.stream().mapToLong(Long::longValue);
    }

    /** The nearest-rank percentile {@code q} of sorted {@code values}; 0 when empty. */
    static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    private static String mib(long bytes) {
        return String.valueOf(bytes >> 20);
    }

    private static String seconds(long ms) {
        return String.format(java.util.Locale.ROOT, "%.1f", ms / 1000.0);
    }

    private static String limit(long value) {
        return value == Long.MAX_VALUE ? "unlimited" : String.valueOf(value);
    }
}
