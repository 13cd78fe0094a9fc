package dev.heliograph.loadtest;

import com.clickhouse.client.api.Client;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.controlplane.storage.clickhouse.ResultRows;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reference side of the ingest benchmark: empties {@code check_results} and its rollup, then
 * times {@code clickhouse-client --query "INSERT INTO db.check_results (columns) FORMAT …" < file} (native
 * protocol, the client's default block size) and checks the count.
 */
final class ClickHouseClientInsert {
    private ClickHouseClientInsert() {
    }

    /**
     * Wall time in seconds, CPU seconds of {@code clickhouse-client} (its last sample, at most 20 ms
     * before it ended) and of the ClickHouse server (-1 when unknown) of the insert.
     */
    record Result(double seconds, double clientCpuSeconds, double serverCpuSeconds) {
    }

    /**
     * Inserts {@code file} ({@link ResultRows#FORMAT}) into {@code config}'s database after
     * truncating the tables.
     *
     * @throws IllegalStateException the client failed, ran over 30 minutes, or the count is not {@code rows}
     */
    static Result run(HeliographConfig.ClickHouse config, int nativePort, Path file, long rows) throws Exception {
        try (Client client = BenchDatabases.clickHouse(config)) {
            for (String table : List.of("check_results", "check_results_1m")) {
                client.execute("TRUNCATE TABLE " + config.database() + "." + table).get(60, TimeUnit.SECONDS).close();
            }
        }
        List<String> command = new ArrayList<>(List.of("clickhouse-client", "--host", URI.create(config.url()).getHost(),
                "--port", String.valueOf(nativePort), "--user", config.user(),
                "--query", "INSERT INTO " + config.database() + ".check_results (" + String.join(", ", ResultRows.COLUMNS)
                        + ") FORMAT " + ResultRows.FORMAT.name()));
        if (!config.password().isEmpty()) {
            command.addAll(List.of("--password", config.password()));
        }
        Path log = Bench.scratch().resolve("clickhouse-client.log");
        System.out.printf("bench: inserting the file with clickhouse-client%n");
        ServerCpu server = ServerCpu.of(config.url());
        double serverStart = server.seconds();
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectInput(file.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        double clientCpu = 0;
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            while (!process.waitFor(20, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("clickhouse-client ran over 30 minutes; see " + log);
                }
                clientCpu = sampleCpu(process.pid(), clientCpu);
            }
        } finally {
            process.destroyForcibly();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double serverCpu = serverStart < 0 ? -1 : server.seconds() - serverStart;
        if (process.exitValue() != 0) {
            throw new IllegalStateException("clickhouse-client exited " + process.exitValue() + "; see " + log);
        }
        long stored = IngestBenchmark.count(config);
        if (stored != rows) {
            throw new IllegalStateException("clickhouse-client inserted " + stored + " rows, not " + rows);
        }
        return new Result(seconds, clientCpu, serverCpu);
    }

    private static double sampleCpu(long pid, double last) {
        try {
            return ExternalProcess.cpuSeconds(pid);
        } catch (java.io.IOException | RuntimeException e) {
            return last; // it has just ended
        }
    }
}
