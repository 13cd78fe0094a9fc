package dev.heliograph.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the detect benchmark working: 25 s with 12 targets (3 outages, 2 regional, 3 noisy), checked
 * from the control plane's region and one agent's, against the real services. It checks that outages
 * were notified and every figure is printed; it never judges a timing.
 */
class DetectBenchmarkSmokeIT {
    @Test
    void shortRunNotifiesItsOutagesAndPrintsItsFigures() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            DetectBenchmark.main(new String[] {"--targets", "12", "--outages", "3", "--noisy", "3", "--noise-percent", "10",
                    "--regions", "1", "--regional", "2", "--interval-s", "1", "--duration", "25"});
        } finally {
            System.setOut(original);
        }
        String table = captured.toString(StandardCharsets.UTF_8);
        original.print(table);
        Matcher notified = Pattern.compile("\\| outages notified \\| (\\d+) \\|").matcher(table);
        assertThat(notified.find()).as(table).isTrue();
        assertThat(Integer.parseInt(notified.group(1))).as("outages notified").isPositive();
        assertThat(table).contains("| time to detect p50 (s) |", "| false notifications (noisy or healthy targets) |",
                "| Gatus default (3 failures in a row): time to detect (s) |", "| Uptime Kuma default: false pages |",
                "| regional problems begun / paged (should be 0) |");
    }
}
