package dev.heliograph.loadtest;

import java.util.Arrays;

/**
 * Entry point of {@code scripts/bench.sh}: the first argument names the scenario, the rest are its
 * options ({@link BenchOptions}). A bad argument ends the JVM with exit code 2 and one line on
 * stderr saying what is wrong; a scenario that fails ends it with exit code 1.
 */
public final class BenchMain {
    private BenchMain() {
    }

    /** Runs one scenario; see {@code scripts/bench.sh} for the names. */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("bench: name a scenario: throughput, ceiling, inflight, ingest, api, schedule, detect");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            run(args[0], rest);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
        }
        // Vert.x and the HTTP clients leave non-daemon threads behind; the table is printed.
        System.exit(0);
    }

    /**
     * Runs scenario {@code name} with {@code args}, printing its table.
     *
     * @throws IllegalArgumentException an unknown scenario or option
     */
    static void run(String name, String[] args) throws Exception {
        switch (name) {
            case "throughput", "ceiling" -> ThroughputBenchmark.run(name, args);
            case "schedule" -> ScheduleBenchmark.main(args);
            case "ingest" -> IngestBenchmark.main(args);
            case "api" -> ApiBenchmark.main(args);
            case "inflight" -> InflightBenchmark.main(args);
            case "detect" -> DetectBenchmark.main(args);
            default -> throw new IllegalArgumentException("unknown scenario '" + name
                    + "' (known: throughput, ceiling, inflight, ingest, api, schedule, detect)");
        }
    }
}
