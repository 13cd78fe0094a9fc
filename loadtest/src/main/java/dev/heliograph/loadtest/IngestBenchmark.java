package dev.heliograph.loadtest;

import dev.heliograph.probe.EngineVertx;
import com.clickhouse.client.api.Client;
import com.sun.management.OperatingSystemMXBean;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.controlplane.pipeline.BatchWriter;
import dev.heliograph.controlplane.pipeline.ResultBatcher;
import dev.heliograph.controlplane.storage.clickhouse.ClickHouseResultStore;
import dev.heliograph.controlplane.storage.clickhouse.ResultRows;
import dev.heliograph.domain.CheckResult;
import io.vertx.core.Vertx;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenario {@code ingest} (issue 6): N synthetic results offered to a real {@link ResultBatcher}
 * writing through the control plane's {@link BatchWriter} into ClickHouse, against
 * {@code clickhouse-client} inserting the same rows, in the same encoding ({@link ResultRows}),
 * from a file. Prints rows/s of both and their ratio (goal: the batcher at 80 % or more), the
 * batcher's settings, INSERTs, file size and CPU.
 *
 * <p>Options: {@code --rows N} (default 5,000,000), {@code --targets N} distinct targets (5,000),
 * {@code --duration S} stops offering after S seconds, N then being the rows offered (0: no
 * limit), {@code --flush-size N} and {@code --queue-capacity N} override {@code batcher.*} (0: the
 * configured default), {@code --native-port P} of {@code clickhouse-client} (9000),
 * {@code --json FILE}. Throw-away databases ({@link BenchDatabases}); the scratch file is deleted.
 *
 * @throws IllegalStateException (from {@link #main}) a count in ClickHouse differs from N
 */
public final class IngestBenchmark {
    private static final Map<String, String> DEFAULTS = Map.of("rows", "5000000", "targets", "5000", "duration", "0",
            "flush-size", "0", "queue-capacity", "0", "native-port", "9000");

    private IngestBenchmark() {
    }

    /** Runs the scenario with {@code args} (see the class comment) and prints its table. */
    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parse(args, DEFAULTS);
        int rows = options.integer("rows", 1, 200_000_000);
        int targets = options.integer("targets", 1, 1_000_000);
        int durationS = options.integer("duration", 0, 3600);
        int flushSize = options.integer("flush-size", 0, 10_000_000);
        int queueCapacity = options.integer("queue-capacity", 0, 10_000_000);
        int nativePort = options.integer("native-port", 1, 65535);
        List<String> overrides = new ArrayList<>();
        if (flushSize > 0) {
            overrides.add("batcher.flush_size=" + flushSize);
        }
        if (queueCapacity > 0) {
            overrides.add("batcher.queue_capacity=" + queueCapacity);
        }
        // Spread over the hour before now: a realistic time range, and the daily partitions of live data.
        SyntheticResults source = new SyntheticResults(targets, Instant.now().minusSeconds(3600), 3_600_000_000L / rows);
        BenchReport report = new BenchReport("ingest");
        try (BenchDatabases databases = BenchDatabases.create()) {
            HeliographConfig config = databases.controlPlaneConfig(overrides.toArray(String[]::new));
            BatcherRun batcher = runBatcher(config, source, rows, durationS);
            long n = batcher.rows();
            Path file = Bench.scratch().resolve("ingest-" + databases.name() + "." + ResultRows.FORMAT.name());
            try {
                long bytes = writeFile(file, source, n, config.batcher().flushSize());
                ClickHouseClientInsert.Result cli = ClickHouseClientInsert.run(config.clickhouse(), nativePort, file, n);
                describe(report, config.batcher(), batcher, bytes, cli);
            } finally {
                Files.deleteIfExists(file);
            }
        }
        report.finish(options.json());
    }

    /** What the batcher phase measured. */
    record BatcherRun(long rows, double seconds, long inserts, long maxBatch, double insertSeconds, long refusedOffers,
                      long failedWrites,
                      double jvmCpuSeconds, double feederCpuSeconds, double serverCpuSeconds) {
    }

    private static BatcherRun runBatcher(HeliographConfig config, SyntheticResults source, int rows, int durationS)
            throws Exception {
        Vertx vertx = EngineVertx.create();
        ClickHouseResultStore store = ClickHouseResultStore.create(vertx, config.clickhouse());
        try {
            store.migrate().await(60, TimeUnit.SECONDS);
            AtomicLong inserts = new AtomicLong();
            AtomicLong maxBatch = new AtomicLong();
            AtomicLong insertNanos = new AtomicLong();
            BatchWriter real = BatchWriter.clickHouse(store);
            BatchWriter counting = (batch, retry) -> {
                inserts.incrementAndGet();
                maxBatch.accumulateAndGet(batch.size(), Math::max);
                long begin = System.nanoTime();
                return real.write(batch, retry).onComplete(done -> insertNanos.addAndGet(System.nanoTime() - begin));
            };
            HeliographConfig.Batcher b = config.batcher();
            ResultBatcher batcher = new ResultBatcher(counting, new ResultBatcher.Settings(b.queueCapacity(), b.flushSize(),
                    Duration.ofMillis(b.flushIntervalMs()), Duration.ofMillis(b.retryInitialMs()), Duration.ofMillis(b.retryMaxMs())));
            vertx.deployVerticle(batcher).await(10, TimeUnit.SECONDS);
            ServerCpu server = ServerCpu.of(config.clickhouse().url());
            System.out.printf("bench: offering %,d results to the batcher (flush_size %d, queue_capacity %d)%n", rows,
                    b.flushSize(), b.queueCapacity());
            Feeder feeder = new Feeder(batcher, source, rows, durationS);
            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            double serverStart = server.seconds();
            long cpuStart = os.getProcessCpuTime();
            long start = System.nanoTime();
            feeder.start();
            feeder.join();
            while (batcher.stats().written() < feeder.offered()) {
                if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(30)) {
                    throw new IllegalStateException("the batcher wrote " + batcher.stats().written() + " of " + feeder.offered()
                            + " results in 30 minutes; last error: " + batcher.stats().lastError());
                }
                LockSupport.parkNanos(200_000);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double jvmCpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
            double serverCpu = server.seconds() - serverStart;
            long n = feeder.offered();
            vertx.undeploy(batcher.deploymentID()).await(10, TimeUnit.SECONDS);
            long stored = count(config.clickhouse());
            if (stored != n) {
                throw new IllegalStateException("the batcher reported " + n + " results written, ClickHouse holds " + stored);
            }
            return new BatcherRun(n, seconds, inserts.get(), maxBatch.get(), insertNanos.get() / 1e9, feeder.refused(),
                    batcher.stats().failedWrites(), jvmCpu, feeder.cpuSeconds(), serverCpu);
        } finally {
            store.close();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    /** Writes results 0..n-1 to {@code file} as the batcher sends them, {@code chunk} rows per encoding; returns its size. */
    private static long writeFile(Path file, SyntheticResults source, long n, int chunk) throws Exception {
        System.out.printf("bench: writing the same %,d rows to %s%n", n, file);
        try (OutputStream out = Files.newOutputStream(file)) {
            List<CheckResult> batch = new ArrayList<>(chunk);
            for (long i = 0; i < n; i++) {
                batch.add(source.result(i));
                if (batch.size() == chunk || i == n - 1) {
                    out.write(ResultRows.encode(batch));
                    batch.clear();
                }
            }
        }
        return Files.size(file);
    }

    /** {@code SELECT count()} of the benchmark database's {@code check_results}. */
    static long count(HeliographConfig.ClickHouse config) throws Exception {
        String sql = "SELECT count() AS n FROM " + config.database() + ".check_results FORMAT JSONEachRow";
        try (Client client = BenchDatabases.clickHouse(config)) {
            return BenchDatabases.queryRow(client, sql).path("n").asLong();
        }
    }

    private static void describe(BenchReport report, HeliographConfig.Batcher b, BatcherRun run, long bytes,
                                 ClickHouseClientInsert.Result cli) {
        double batcherRate = run.rows() / run.seconds();
        double cliRate = run.rows() / cli.seconds();
        double ratio = batcherRate / cliRate;
        report.add("rows", run.rows())
                .add("insert format", ResultRows.FORMAT.name())
                .add("batcher.flush_size / queue_capacity / flush_interval_ms", b.flushSize() + " / " + b.queueCapacity()
                        + " / " + b.flushIntervalMs())
                .add("batcher: seconds (first offer → last row written)", run.seconds())
                .add("batcher: rows/s", Math.round(batcherRate))
                .add("batcher: INSERTs (rows per INSERT mean / max)", run.inserts() + " ("
                        + Math.round(run.rows() / (double) Math.max(1, run.inserts())) + " / " + run.maxBatch() + ")")
                .add("batcher: seconds waiting for INSERTs (one in flight at a time)", fmt(run.insertSeconds()) + " ("
                        + Math.round(100 * run.insertSeconds() / run.seconds()) + " % of the run)")
                .add("batcher: offers refused (queue full, retried)", run.refusedOffers())
                .add("batcher: failed writes (retried)", run.failedWrites())
                .add("batcher: JVM CPU s (of which feeder thread)", fmt(run.jvmCpuSeconds()) + " (" + fmt(run.feederCpuSeconds()) + ")")
                .add("batcher: ClickHouse server CPU s", run.serverCpuSeconds() < 0 ? "n/a" : fmt(run.serverCpuSeconds()))
                .add("file size (bytes)", bytes)
                .add("clickhouse-client: seconds", cli.seconds())
                .add("clickhouse-client: rows/s", Math.round(cliRate))
                .add("clickhouse-client: its own CPU s (sampled every 20 ms)", fmt(cli.clientCpuSeconds()))
                .add("clickhouse-client: ClickHouse server CPU s", cli.serverCpuSeconds() < 0 ? "n/a" : fmt(cli.serverCpuSeconds()))
                .add("ratio batcher / clickhouse-client", String.format(Locale.ROOT, "%.1f %%", 100 * ratio))
                .add("verdict (goal: batcher ≥ 80 %)", ratio >= 0.8 ? "met" : "missed");
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
