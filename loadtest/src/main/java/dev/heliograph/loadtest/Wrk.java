package dev.heliograph.loadtest;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs Debian's {@code wrk} (4.1) against a loopback URL and reads its summary: requests/s, the
 * latency percentiles of {@code --latency} (ms), and errors (socket errors and non-2xx/3xx
 * answers). wrk keeps connections alive unless a {@code Connection: close} header is given.
 */
public final class Wrk {
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|75|90|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);

    /**
     * wrk's figures.
     *
     * @param requests      requests completed
     * @param perSecond     requests per second
     * @param errors        socket errors plus non-2xx/3xx answers
     * @param p50Ms         latency p50 in ms
     * @param p99Ms         latency p99 in ms
     * @param seconds       the run's length in s
     */
    public record Result(long requests, double perSecond, long errors, double p50Ms, double p99Ms, double seconds) {
    }

    private Wrk() {
    }

    /**
     * Runs {@code wrk -t threads -c connections -d seconds --latency [-H header]... url}.
     *
     * @throws IOException wrk is missing, failed, or printed no summary
     */
    public static Result run(String url, int threads, int connections, int seconds, String... headers) throws IOException, InterruptedException {
        if (!url.startsWith("http://127.")) {
            throw new IllegalArgumentException("wrk is pointed at loopback only, not " + url);
        }
        List<String> command = new ArrayList<>(List.of("wrk", "-t", String.valueOf(threads), "-c", String.valueOf(connections),
                "-d", seconds + "s", "--timeout", "10s", "--latency"));
        for (String header : headers) {
            command.add("-H");
            command.add(header);
        }
        command.add(url);
        String out = ExternalProcess.run("wrk", command, Duration.ofSeconds(seconds + 60L));
        return parse(out, seconds);
    }

    /** Reads wrk's summary {@code out} of a run of {@code seconds}. */
    static Result parse(String out, double seconds) throws IOException {
        Matcher rate = RATE.matcher(out);
        Matcher total = TOTAL.matcher(out);
        if (!rate.find() || !total.find()) {
            throw new IOException("wrk printed no summary: " + ExternalProcess.tail(out));
        }
        long errors = 0;
        Matcher non2xx = NON_2XX.matcher(out);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
        }
        Matcher socket = SOCKET.matcher(out);
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(socket.group(g));
            }
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher percentile = PERCENTILE.matcher(out);
        while (percentile.find()) {
            double value = Double.parseDouble(percentile.group(2));
            double ms = switch (percentile.group(3)) {
                case "us" -> value / 1000;
                case "s" -> value * 1000;
                default -> value;
            };
            if (percentile.group(1).equals("50")) {
                p50 = ms;
            } else if (percentile.group(1).equals("99")) {
                p99 = ms;
            }
        }
        return new Result(Long.parseLong(total.group(1)), Double.parseDouble(rate.group(1)), errors, p50, p99, seconds);
    }
}
