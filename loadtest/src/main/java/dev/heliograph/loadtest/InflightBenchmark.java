package dev.heliograph.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Issue 6, scenario {@code inflight}: N checks held in flight at once. Slow-server JVMs
 * ({@link SlowTargetServer}) hold every request for {@code --hold-s}; engine JVMs
 * ({@link InflightShard}, each a real probe engine) get N targets between them, all due within
 * {@code --window-ms}. The parent samples every child every 500 ms at the same moment (in flight,
 * heap, RSS, open files), forces one full GC in every engine once all checks are in flight (or the
 * count has stopped rising for 1.5 s) to measure the live heap, and at the end collects each shard's results
 * and scheduler lags. Prints the table described on {@link InflightReport}.
 *
 * <p>Why several processes: every check in flight holds a socket in the engine and another in the
 * server, and a process may not open more files than its hard {@code RLIMIT_NOFILE} (which
 * {@code scripts/bench.sh} raises the soft limit to; only root can raise the hard one, up to
 * {@code fs.nr_open}). {@link InflightPlan} derives the number of processes from that limit;
 * {@code --shards N} overrides it. Kernel settings that matter, printed in the table but never
 * changed (the benchmark has no right to): {@code net.ipv4.ip_local_port_range} (client ports per
 * destination; the servers listen on several loopback addresses × ports so no destination needs
 * more), {@code net.core.somaxconn} and {@code net.ipv4.tcp_max_syn_backlog} (accept and SYN queues
 * of each listener during the connect burst; with {@code tcp_syncookies} an overflow costs a SYN
 * retry, not a failed check), {@code fs.nr_open} and {@code fs.file-max} (ceilings of the open-files
 * limits).
 *
 * <p>Usage: {@code scripts/bench.sh inflight [--targets N] [--hold-s S] [--shards N] [--addresses A]
 * [--ports P] [--window-ms W] [--heap-mb M] [--server-heap-mb M] [--lanes L] [--warm-up N] [--jfr true]
 * [--timeout-s T] [--json FILE]} (the check timeout T defaults to three holds); {@code --duration S} is taken as {@code --hold-s S}. Every child is ended in a
 * finally block and by a shutdown hook; children also exit when their stdin (the parent) ends.
 * Traffic stays on 127.0.0.0/8.
 */
public final class InflightBenchmark {
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(500);
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);
    /** Every this many samples also count open files (see {@link ChildChannel#withProcessFigures}). */
    private static final int FDS_EVERY = 10;
    /** Samples without a new highest in-flight count after which the peak is taken as reached. */
    private static final int PEAK_AFTER = 3;

    private InflightBenchmark() {
    }

    /**
     * What one run was asked to do, after the options were checked.
     *
     * @param heapMbPerShard {@code -Xmx} of each engine JVM: {@code --heap-mb} split evenly
     * @param warmUp         checks each engine runs against the servers' instant path before the run
     */
    record Settings(int targets, int holdS, int windowMs, int timeoutMs, int addresses, int ports, int heapMbTotal,
                    int heapMbPerShard, int serverHeapMb, int lanes, int warmUp, boolean jfr) {
    }

    /** One sample: every child's answer to the same {@code sample} command, engines then servers. */
    record Sample(long seq, long atMs, List<JsonNode> engines, List<JsonNode> servers) {
        long total(String field) {
            return engines.stream().mapToLong(node -> node.path(field).asLong()).sum();
        }

        long serverTotal(String field) {
            return servers.stream().mapToLong(node -> node.path(field).asLong()).sum();
        }

        /** Whether this sample counted open files (every {@link InflightBenchmark#FDS_EVERY}th does). */
        boolean countedFds() {
            return engines.stream().allMatch(node -> node.path("fds").asLong() >= 0);
        }
    }

    /** Entry point; see the class comment for options. Throws {@link IllegalArgumentException} on a bad one. */
    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parse(args, Map.ofEntries(Map.entry("targets", "100000"),
                Map.entry("hold-s", "20"), Map.entry("duration", "0"), Map.entry("shards", "0"), Map.entry("addresses", "4"),
                Map.entry("ports", "4"), Map.entry("window-ms", "1000"), Map.entry("heap-mb", "2048"),
                Map.entry("server-heap-mb", "512"), Map.entry("lanes", "2"), Map.entry("warm-up", "2000"), Map.entry("jfr", "false"),
                Map.entry("timeout-s", "0")));
        int duration = options.integer("duration", 0, 600);
        int holdS = duration > 0 ? duration : options.integer("hold-s", 1, 600);
        int targets = options.integer("targets", 1, 2_000_000);
        HostLimits.OpenFiles limits = HostLimits.openFiles();
        InflightPlan plan = InflightPlan.of(targets, limits.hard(), options.integer("shards", 0, 256));
        int heapMb = options.integer("heap-mb", 64, 1_000_000);
        // The check timeout: by default three holds, so that a check whose connection the starved
        // slow servers take late still completes (the scenario measures holding, not speed).
        int timeoutS = options.integer("timeout-s", 0, 900);
        int timeoutMs = timeoutS > 0 ? timeoutS * 1000 : holdS * 3000;
        if (timeoutMs <= holdS * 1000) {
            throw new IllegalArgumentException("--timeout-s must be longer than --hold-s (" + holdS + ")");
        }
        Settings settings = new Settings(targets, holdS, options.integer("window-ms", 0, 60_000),
                timeoutMs, options.integer("addresses", 1, 254),
                options.integer("ports", 1, 64), heapMb, Math.max(64, heapMb / plan.engineShards()),
                options.integer("server-heap-mb", 64, 1_000_000), options.integer("lanes", 1, 64),
                options.integer("warm-up", 0, 1_000_000), Boolean.parseBoolean(options.text("jfr")));
        System.err.println("bench: inflight: " + plan.describe());
        run(settings, plan, limits).finish(options.json());
    }

    /** Runs the scenario and returns its report; every child JVM has ended when it returns or throws. */
    static BenchReport run(Settings settings, InflightPlan plan, HostLimits.OpenFiles limits) throws Exception {
        List<ChildJvm> children = new CopyOnWriteArrayList<>();
        Thread hook = new Thread(() -> closeAll(children), "inflight-children-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            List<ChildJvm> servers = startServers(settings, plan, children);
            List<ChildJvm> engines = startEngines(settings, plan, children);
            List<String> endpoints = new ArrayList<>();
            for (ChildJvm server : servers) {
                server.await("listening", -1, Duration.ofSeconds(120)).path("endpoints").forEach(e -> endpoints.add(e.asText()));
            }
            InflightReport report = new InflightReport(settings, plan, limits, servers.size(), endpoints.size());
            for (ChildJvm engine : engines) {
                engine.await("started", -1, Duration.ofSeconds(120));
                engine.send("endpoints", 0, String.join(",", endpoints));
            }
            for (ChildJvm engine : engines) {
                report.ready(engine.await("ready", 0, Duration.ofSeconds(120)));
            }
            measure(settings, engines, servers, report);
            for (ChildJvm engine : engines) {
                engine.send("finish");
            }
            for (ChildJvm engine : engines) {
                report.summary(engine.await("summary", -1, Duration.ofSeconds(120)));
            }
            return report.build();
        } finally {
            closeAll(children);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already; the hook runs (closing twice is harmless)
            }
        }
    }

    /** Closes every child at once (each may take up to 20 s to end); returns when all have ended. */
    private static void closeAll(List<ChildJvm> children) {
        List<Thread> closing = children.stream().map(child -> Thread.ofPlatform().start(child::close)).toList();
        for (Thread thread : closing) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static List<ChildJvm> startServers(Settings settings, InflightPlan plan, List<ChildJvm> children) throws IOException {
        List<ChildJvm> servers = new ArrayList<>();
        for (int s = 0; s < plan.serverShards(); s++) {
            ChildJvm server = ChildJvm.start("inflight-server-" + s, List.of("-Xmx" + settings.serverHeapMb() + "m"),
                    SlowTargetServer.class, List.of("--addresses", String.valueOf(settings.addresses()),
                            "--ports", String.valueOf(settings.ports()), "--hold-ms", String.valueOf(settings.holdS() * 1000)));
            children.add(server);
            servers.add(server);
        }
        return servers;
    }

    private static List<ChildJvm> startEngines(Settings settings, InflightPlan plan, List<ChildJvm> children) throws IOException {
        List<ChildJvm> engines = new ArrayList<>();
        for (int k = 0; k < plan.engineShards(); k++) {
            List<String> jvm = new ArrayList<>(List.of("-Xmx" + settings.heapMbPerShard() + "m"));
            if (settings.jfr()) {
                jvm.add("-XX:StartFlightRecording=filename=" + Bench.scratch().resolve("inflight-shard-" + k + ".jfr")
                        + ",settings=profile,dumponexit=true");
            }
            ChildJvm engine = ChildJvm.start("inflight-shard-" + k, jvm, InflightShard.class, List.of(
                    "--shard", String.valueOf(k), "--first", String.valueOf(plan.firstOf(k)),
                    "--count", String.valueOf(plan.shareOf(k)),
                    "--timeout-ms", String.valueOf(settings.timeoutMs()), "--window-ms", String.valueOf(settings.windowMs()),
                    "--lanes", String.valueOf(settings.lanes()), "--warm-up", String.valueOf(settings.warmUp())));
            children.add(engine);
            engines.add(engine);
        }
        return engines;
    }

    /**
     * Sends {@code go} to every engine, then samples every child until every check has a result or
     * the deadline (window + timeout + 30 s) passes; on the way, at the peak, forces the GC for the
     * live heap and takes shard 0's class histogram.
     */
    private static void measure(Settings settings, List<ChildJvm> engines, List<ChildJvm> servers, InflightReport report)
            throws IOException, InterruptedException {
        long goAt = System.currentTimeMillis();
        for (ChildJvm engine : engines) {
            engine.send("go", 0);
        }
        for (ChildJvm engine : engines) {
            engine.await("scheduled", 0, ANSWER_WITHIN);
        }
        report.wentAt(goAt, HostLimits.loadAverage());
        long deadline = goAt + settings.windowMs() + settings.timeoutMs() + 30_000;
        Process histogram = null;
        long lastPrinted = 0;
        long most = 0;
        int flat = 0;
        try {
            for (long seq = 1; ; seq++) {
                Thread.sleep(Math.max(0, goAt + seq * SAMPLE_EVERY.toMillis() - System.currentTimeMillis()));
                Sample sample = sample(seq, engines, servers);
                report.sample(sample);
                long inFlight = sample.total("in_flight");
                long done = sample.total("completed") + sample.total("failed");
                if (sample.atMs() - lastPrinted >= 2_000) {
                    System.err.printf("bench: inflight: %5.1f s after go: %,d in flight, %,d done of %,d%n",
                            (sample.atMs() - goAt) / 1000.0, inFlight, done, settings.targets());
                    lastPrinted = sample.atMs();
                }
                flat = inFlight > most ? 0 : flat + 1;
                most = Math.max(most, inFlight);
                // At the peak: every check in flight, or the count has stopped rising for PEAK_AFTER samples.
                if (!report.liveHeapMeasured() && inFlight > 0 && (inFlight >= settings.targets() || flat >= PEAK_AFTER)) {
                    report.liveHeap(sample.seq(), collectLiveHeap(seq, engines));
                    histogram = startHistogram(engines.getFirst());
                }
                if (done >= settings.targets() || System.currentTimeMillis() > deadline) {
                    report.ended(done >= settings.targets(), HostLimits.loadAverage());
                    return;
                }
            }
        } finally {
            finishHistogram(histogram);
        }
    }

    private static Sample sample(long seq, List<ChildJvm> engines, List<ChildJvm> servers) throws IOException, InterruptedException {
        long at = System.currentTimeMillis();
        String fds = seq % FDS_EVERY == 0 ? "fds" : "";
        for (ChildJvm child : engines) {
            child.send("sample", seq, fds);
        }
        for (ChildJvm child : servers) {
            child.send("sample", seq, fds);
        }
        List<JsonNode> fromEngines = new ArrayList<>();
        for (ChildJvm child : engines) {
            fromEngines.add(child.await("sample", seq, ANSWER_WITHIN));
        }
        List<JsonNode> fromServers = new ArrayList<>();
        for (ChildJvm child : servers) {
            fromServers.add(child.await("sample", seq, ANSWER_WITHIN));
        }
        return new Sample(seq, at, fromEngines, fromServers);
    }

    /** A full GC in every engine at once; their heap used afterwards (bytes), in shard order. */
    private static List<Long> collectLiveHeap(long seq, List<ChildJvm> engines) throws IOException, InterruptedException {
        for (ChildJvm engine : engines) {
            engine.send("gc", seq);
        }
        List<Long> live = new ArrayList<>();
        for (ChildJvm engine : engines) {
            live.add(engine.await("gc", seq, ANSWER_WITHIN).path("live_heap").asLong());
        }
        return live;
    }

    /**
     * Starts {@code jcmd <pid> GC.class_histogram} of {@code engine} writing to
     * {@link InflightReport#histogramFile}, without waiting (it pauses that JVM for a full GC and a
     * heap walk, seconds on a busy machine; sampling goes on). Null when jcmd is missing.
     */
    private static Process startHistogram(ChildJvm engine) {
        Path jcmd = Path.of(Bench.java()).resolveSibling("jcmd");
        if (!Files.isExecutable(jcmd)) {
            return null;
        }
        try {
            return new ProcessBuilder(jcmd.toString(), String.valueOf(engine.pid()), "GC.class_histogram")
                    .redirectErrorStream(true).redirectOutput(InflightReport.histogramFile(engine.name()).toFile()).start();
        } catch (IOException e) {
            System.err.println("bench: inflight: no class histogram: " + e.getMessage());
            return null;
        }
    }

    /** Waits up to 60 s for {@code histogram} (if any) to end, then ends it. */
    private static void finishHistogram(Process histogram) throws InterruptedException {
        if (histogram != null && !histogram.waitFor(60, TimeUnit.SECONDS)) {
            histogram.destroyForcibly();
        }
    }
}
