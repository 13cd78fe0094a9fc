package dev.heliograph.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process a benchmark starts (nginx, blackbox_exporter, wrk, a slow target server), with its
 * output in a log file under {@code .data/bench/}, its CPU time read from {@code /proc/PID/stat},
 * and a stop that ends it and its children. Linux only.
 */
public final class ExternalProcess implements AutoCloseable {
    /** Clock ticks per second of {@code /proc/PID/stat} (USER_HZ; 100 on every Linux of x86-64). */
    private static final double TICKS_PER_SECOND = 100.0;

    private final String name;
    private final Process process;
    private final Path log;

    private ExternalProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code command} with stdout and stderr in {@code .data/bench/<name>.log}.
     *
     * @throws IOException the program cannot be started (not installed, say)
     */
    public static ExternalProcess start(String name, List<String> command) throws IOException {
        Path log = Bench.scratch().resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ExternalProcess(name, process, log);
    }

    /**
     * Runs {@code command} to its end (at most {@code timeout}) and returns its output.
     *
     * @throws IOException it could not start, ran over time, or exited non-zero (the message
     *                     carries the end of its output)
     */
    public static String run(String name, List<String> command, Duration timeout) throws IOException, InterruptedException {
        try (ExternalProcess p = start(name, command)) {
            if (!p.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException(name + " ran over " + timeout.toSeconds() + " s; see " + p.log);
            }
            String out = Files.readString(p.log);
            if (p.process.exitValue() != 0) {
                throw new IOException(name + " exited " + p.process.exitValue() + ": " + tail(out));
            }
            return out;
        }
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether it still runs. */
    public boolean alive() {
        return process.isAlive();
    }

    /** The log file of its output. */
    public Path log() {
        return log;
    }

    /** CPU seconds (user + system) it and its waited-for children used so far. */
    public double cpuSeconds() throws IOException {
        return cpuSeconds(process.pid());
    }

    /** CPU seconds (user + system, incl. waited-for children) of process {@code pid}. */
    public static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
        return ticks / TICKS_PER_SECOND;
    }

    /** Resident set size of process {@code pid} in bytes ({@code VmRSS}). */
    public static long rssBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }

    /** Open file descriptors of process {@code pid}. */
    public static int openFiles(long pid) throws IOException {
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return (int) fds.count();
        }
    }

    /** The last lines of {@code text}, for error messages. */
    static String tail(String text) {
        String trimmed = text.strip();
        return trimmed.length() <= 400 ? trimmed : "…" + trimmed.substring(trimmed.length() - 400);
    }

    /** Ends the process (SIGTERM, then SIGKILL after 5 s) and its descendants. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
