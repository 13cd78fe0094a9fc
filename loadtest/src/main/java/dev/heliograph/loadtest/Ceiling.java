package dev.heliograph.loadtest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the machine and a reference prober do against the same nginx: {@code wrk} with a fresh
 * connection per request ({@code Connection: close}) and with keep-alive, both {@value #WRK_THREADS}
 * threads × {@value #WRK_CONNECTIONS} connections; then blackbox_exporter driven by wrk at
 * concurrency {@link #BLACKBOX_CONCURRENCY} with {@code http_2xx} (against nginx's URL) and
 * {@code tcp_connect} (its port), its CPU measured from {@code /proc} around each run.
 */
public final class Ceiling {
    static final int WRK_THREADS = 2;
    static final int WRK_CONNECTIONS = 64;
    static final int[] BLACKBOX_CONCURRENCY = {8, 256};

    /**
     * One blackbox_exporter run.
     *
     * @param module      {@code http_2xx} or {@code tcp_connect}
     * @param concurrency probes in flight at once
     * @param wrk         wrk's figures of the {@code /probe} requests (one probe each)
     * @param cpuSeconds  CPU seconds the exporter used during the run
     */
    public record BlackboxRun(String module, int concurrency, Wrk.Result wrk, double cpuSeconds) {
        /** Probes per CPU second of the exporter (NaN when it used none). */
        public double probesPerCpuSecond() {
            return cpuSeconds > 0 ? wrk.requests() / cpuSeconds : Double.NaN;
        }
    }

    /**
     * All ceiling figures.
     *
     * @param fresh     wrk with {@code Connection: close}
     * @param keepAlive wrk with keep-alive
     * @param blackbox  one run per module and concurrency
     */
    public record Result(Wrk.Result fresh, Wrk.Result keepAlive, List<BlackboxRun> blackbox) {
        /** The most probes per CPU second of {@code http_2xx} over its concurrencies: the yardstick. */
        public double bestHttpProbesPerCpuSecond() {
            return blackbox.stream().filter(r -> r.module().equals("http_2xx")).mapToDouble(BlackboxRun::probesPerCpuSecond)
                    .filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
        }

        /** Adds the figures to {@code report}. */
        public void addTo(BenchReport report) {
            String shape = WRK_THREADS + " threads × " + WRK_CONNECTIONS + " connections";
            report.add("wrk fresh connection per request (Connection: close), " + shape + ": requests/s", fresh.perSecond());
            report.add("wrk fresh connection: latency p50 / p99 (ms), errors", BenchReport.show(fresh.p50Ms()) + " / "
                    + BenchReport.show(fresh.p99Ms()) + ", " + fresh.errors());
            report.add("wrk keep-alive, " + shape + ": requests/s", keepAlive.perSecond());
            report.add("wrk keep-alive: latency p50 / p99 (ms), errors", BenchReport.show(keepAlive.p50Ms()) + " / "
                    + BenchReport.show(keepAlive.p99Ms()) + ", " + keepAlive.errors());
            for (BlackboxRun run : blackbox) {
                String name = "blackbox_exporter " + run.module() + " at concurrency " + run.concurrency();
                report.add(name + ": probes/s", run.wrk().perSecond());
                report.add(name + ": probes, CPU s, probes per CPU s, errors", run.wrk().requests() + ", "
                        + BenchReport.show(run.cpuSeconds()) + ", " + BenchReport.show(run.probesPerCpuSecond()) + ", "
                        + run.wrk().errors());
            }
        }
    }

    private Ceiling() {
    }

    /**
     * Runs every measurement for {@code seconds} (at least 1) each against {@code nginx}; starts and
     * stops its own blackbox_exporter.
     *
     * @throws IOException wrk or the exporter is missing or failed, or a first probe did not succeed
     */
    public static Result run(Nginx nginx, int seconds) throws IOException, InterruptedException {
        System.err.printf("bench: ceiling: wrk against nginx, %d s each%n", seconds);
        Wrk.Result fresh = Wrk.run(nginx.url(), WRK_THREADS, WRK_CONNECTIONS, seconds, "Connection: close");
        Wrk.Result keepAlive = Wrk.run(nginx.url(), WRK_THREADS, WRK_CONNECTIONS, seconds);
        List<BlackboxRun> runs = new ArrayList<>();
        try (BlackboxExporter exporter = BlackboxExporter.start()) {
            for (String module : List.of("http_2xx", "tcp_connect")) {
                String target = module.equals("http_2xx") ? nginx.url() : "127.0.0.1:" + nginx.port();
                exporter.requireSuccess(module, target);
                for (int concurrency : BLACKBOX_CONCURRENCY) {
                    System.err.printf("bench: ceiling: blackbox_exporter %s at concurrency %d, %d s%n", module, concurrency, seconds);
                    double cpuBefore = exporter.cpuSeconds();
                    Wrk.Result wrk = Wrk.run(exporter.probeUrl(module, target), Math.min(WRK_THREADS, concurrency), concurrency, seconds);
                    runs.add(new BlackboxRun(module, concurrency, wrk, exporter.cpuSeconds() - cpuBefore));
                }
            }
        }
        return new Result(fresh, keepAlive, List.copyOf(runs));
    }
}
