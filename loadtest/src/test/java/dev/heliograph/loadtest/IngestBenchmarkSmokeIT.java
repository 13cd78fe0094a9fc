package dev.heliograph.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.storage.clickhouse.ResultRows;
import dev.heliograph.probe.codec.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the ingest benchmark (issue 6) working: 20,000 results through the batcher and through
 * {@code clickhouse-client} against the real services. It checks that both sides stored every row
 * and that the figures are reported; it never judges a timing.
 */
class IngestBenchmarkSmokeIT {
    private static final int ROWS = 20_000;

    @Test
    void smallRunStoresEveryRowTwiceOverAndReportsBothRates(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("ingest.json");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            // Counts that differ from ROWS on either side make the run throw.
            IngestBenchmark.main(new String[] {"--rows", String.valueOf(ROWS), "--targets", "500", "--json", json.toString()});
        } finally {
            System.setOut(original);
        }
        String table = captured.toString(StandardCharsets.UTF_8);
        original.print(table);
        assertThat(table).contains("| rows | " + ROWS + " |", "| batcher: rows/s |", "| clickhouse-client: rows/s |",
                "| ratio batcher / clickhouse-client |");

        JsonNode figures = Json.MAPPER.readTree(Files.readString(json)).path("figures");
        assertThat(figures.path("rows").asLong()).isEqualTo(ROWS);
        assertThat(figures.path("batcher: rows/s").asDouble()).isPositive();
        assertThat(figures.path("clickhouse-client: rows/s").asDouble()).isPositive();
        assertThat(figures.path("file size (bytes)").asLong()).isPositive();
        assertThat(figures.path("batcher: INSERTs (rows per INSERT mean / max)").asText()).isNotBlank();
        assertThat(figures.path("verdict (goal: batcher ≥ 80 %)").asText()).isIn("met", "missed");
        try (Stream<Path> scratch = Files.list(Bench.scratch())) {
            assertThat(scratch.map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith("ingest-hg_bench_") && name.endsWith("." + ResultRows.FORMAT.name())))
                    .as("rows files left behind").isEmpty();
        }
    }
}
