package dev.heliograph.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the in-flight benchmark (issue 6) working: 2,000 checks held 2 s by two slow-server JVMs,
 * run by two engine JVMs. Checks that every figure is printed, that checks were in flight, and
 * that every check completed correctly; it never judges a timing.
 */
class InflightBenchmarkSmokeIT {
    private static final String[] FIGURES = {
        "targets (one check each, all due at once)", "first-tick window (ms)", "server hold per request (s)",
        "check timeout (ms)", "open files limit soft / hard (this JVM; children inherit)", "sharding",
        "slow-server endpoints", "kernel net.ipv4.ip_local_port_range", "kernel net.core.somaxconn",
        "kernel net.ipv4.tcp_max_syn_backlog / tcp_syncookies", "kernel fs.nr_open / fs.file-max",
        "warm-up checks before the run (up; not counted below)",
        "host load average (1 min) at go / at end", "engine JVM heap limit -Xmx (MiB)",
        "peak checks in flight (engines summed at one moment)", "peak sampled at (s after go)",
        "heap used at peak, engines total (MiB)", "live heap after full GC near peak, engines total (MiB)",
        "RSS at peak, engines total (MiB)", "open fds near peak, engines total",
        "slow servers at peak: requests held / RSS MiB; fds near peak",
        "class histogram of engine shard 0 near peak (jcmd GC.class_histogram)", "completed correctly (up, HTTP 200)",
        "failed", "failure reasons (top 3)", "scheduler lag p50 / p99 / max (ms)", "check connect p50 / p99 / max (ms)",
        "check time to first byte p50 / p99 / max (ms; includes the hold)", "check total p50 / p99 / max (ms)", "first → last planned start (ms)",
        "first → last actual start (ms)", "scheduler stayed on time for", "engine shard 0", "engine shard 1",
        "slow server 0", "slow server 1", "goal ≥ 100000 in flight on one node, heap ≤ 2048 MiB",
    };

    @Test
    void twoShardsHoldTwoThousandChecksAndCompleteEveryOne() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            InflightBenchmark.main(new String[] {"--targets", "2000", "--hold-s", "2", "--shards", "2",
                "--addresses", "2", "--ports", "2", "--heap-mb", "512", "--server-heap-mb", "256", "--warm-up", "50"});
        } finally {
            System.setOut(original);
        }
        String table = captured.toString(StandardCharsets.UTF_8);
        original.print(table);
        for (String figure : FIGURES) {
            assertThat(table).as(table).contains("| " + figure + " | ");
        }
        assertThat(figure(table, "peak checks in flight \\(engines summed at one moment\\)")).isPositive();
        assertThat(figure(table, "completed correctly \\(up, HTTP 200\\)")).isEqualTo(2000);
        assertThat(figure(table, "failed")).isZero();
    }

    private static long figure(String table, String name) {
        Matcher matcher = Pattern.compile("\\| " + name + " \\| (\\d+) \\|").matcher(table);
        assertThat(matcher.find()).as(name + " in " + table).isTrue();
        return Long.parseLong(matcher.group(1));
    }
}
