package dev.heliograph.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the schedule benchmark working: a few seconds with 20 targets against the real services.
 * It checks that the run completes and reports checks; it never judges a timing.
 */
class ScheduleBenchmarkSmokeIT {
    @Test
    void shortRunPrintsItsTableWithChecks() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            ScheduleBenchmark.main(new String[] {"--targets", "20", "--interval-s", "1", "--duration-s", "3"});
        } finally {
            System.setOut(original);
        }
        String table = captured.toString(StandardCharsets.UTF_8);
        original.print(table);
        Matcher checks = Pattern.compile("\\| checks \\(scheduled in window\\) \\| (\\d+) \\|").matcher(table);
        assertThat(checks.find()).as(table).isTrue();
        assertThat(Long.parseLong(checks.group(1))).isPositive();
        assertThat(table).contains("| scheduler lag p50 / p99 (ms) |", "| checks not up |", "| checks/s |");
    }
}
