package dev.heliograph.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the throughput scenario working: a two-step ramp (50 and 100 checks/s, 3 s each, the first warmed up 1 s longer) against a
 * real nginx and the real services, then every ceiling run for 2 s. It checks that each figure is
 * in the table and that checks, wrk requests and blackbox_exporter probes happened; it never
 * judges a timing (whether a step kept up is a timing, so both outcomes are accepted).
 */
class ThroughputBenchmarkSmokeIT {
    @Test
    void tinyRampAndCeilingReportEveryFigure() throws Exception {
        BenchReport report = ThroughputBenchmark.report("throughput", new String[] {"--start-rate", "50", "--max-rate", "100",
                "--growth-pct", "100", "--step-s", "3", "--ceiling-s", "2"});
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        report.print(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String table = buffer.toString(StandardCharsets.UTF_8);
        System.out.print(table);

        assertThat(number(table, "\\| step 0 at 50 checks/s \\| ([0-9.]+) checks/s")).as(table).isPositive();
        assertThat(number(table, "\\| wrk fresh connection per request \\(Connection: close\\)[^|]*: requests/s \\| ([0-9.]+) \\|")).isPositive();
        assertThat(number(table, "\\| wrk keep-alive[^|]*: requests/s \\| ([0-9.]+) \\|")).isPositive();
        for (String module : new String[] {"http_2xx", "tcp_connect"}) {
            for (int concurrency : new int[] {8, 256}) {
                assertThat(number(table, "\\| blackbox_exporter " + module + " at concurrency " + concurrency
                        + ": probes, CPU s, probes per CPU s, errors \\| (\\d+),")).as(module + " " + concurrency).isPositive();
            }
        }
        assertThat(table).contains("| ramp: rates asked (checks/s) | 50, 100 |", "| control-plane overrides | ", "bulkhead.max_per_host=1000000 (",
                "| sustained checks/s (last step that kept up) |", "| ratio: sustained checks/s ÷ wrk fresh-connection requests/s |",
                "| ratio: checks per JVM CPU s ÷ blackbox_exporter http_2xx probes per CPU s");
        if (!table.contains("no step kept up")) {
            assertThat(table).contains("| sustained: per-check overhead p50 (ms) |", "| sustained: per-check overhead p99 (ms) |",
                    "| sustained: scheduler lag p50 (ms) |", "| sustained: scheduler lag p99 (ms) |", "| sustained: JVM CPU (cores) |",
                    "| sustained: heap used at end / most sampled (MiB) |", "| sustained: GC pauses (count, total ms, max ms) |");
        }
        assertThat(Pattern.compile("\\| verdict: [^|]+ \\| (met|missed) \\(").matcher(table).results().count()).isEqualTo(4);
    }

    @Test
    void badOptionsAreRefusedBeforeAnythingStarts() {
        assertThatThrownBy(() -> ThroughputBenchmark.report("throughput", new String[] {"--max-rate", "10", "--start-rate", "20"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--max-rate");
        assertThatThrownBy(() -> ThroughputBenchmark.report("ceiling", new String[] {"--ceiling-s", "soon"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--ceiling-s must be a whole number");
        assertThatThrownBy(() -> ThroughputBenchmark.report("throughput", new String[] {"--rate", "5"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option --rate");
    }

    private static double number(String table, String regex) {
        Matcher m = Pattern.compile(regex).matcher(table);
        assertThat(m.find()).as("no match for " + regex + " in\n" + table).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
