package dev.heliograph.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.probe.codec.Json;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A benchmark child JVM driven over the line protocol of {@link ChildChannel}: commands to its
 * stdin, {@code @hg} JSON answers from its stdout; everything else it prints (stdout and stderr)
 * goes to {@code .data/bench/<name>.log}. {@link #close()} ends it (closing stdin first, which
 * makes a well-behaved child exit; then SIGTERM, then SIGKILL). Linux only.
 */
final class ChildJvm implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;
    private final Writer stdin;
    private final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Starts {@code java <jvmOptions> -cp <Bench.classPath()> <mainClass> <args>}.
     *
     * @throws IOException the JVM cannot be started
     */
    static ChildJvm start(String name, List<String> jvmOptions, Class<?> mainClass, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Bench.java());
        command.addAll(List.of("-XX:+IgnoreUnrecognizedVMOptions", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Xlog:disable", "-Xlog:all=warning:stderr",
                "-XX:+ExitOnOutOfMemoryError"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", Bench.classPath(), mainClass.getName()));
        command.addAll(args);
        Path log = Bench.scratch().resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ChildJvm child = new ChildJvm(name, process, log);
        Thread reader = new Thread(child::pump, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
        return child;
    }

    /** Sends one command line ({@code words} joined by spaces; empty words are left out). */
    void send(Object... words) throws IOException {
        StringBuilder line = new StringBuilder();
        for (Object word : words) {
            String text = String.valueOf(word);
            if (!text.isEmpty()) {
                line.append(line.isEmpty() ? "" : " ").append(text);
            }
        }
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new IOException(name + " is gone (" + e.getMessage() + "): " + tail(), e);
        }
    }

    /**
     * The next answer with {@code event} (and with {@code seq} when {@code seq >= 0}); answers before
     * it are skipped.
     *
     * @throws IOException none came within {@code timeout}, or the child exited (the message carries
     *                     the end of its log)
     */
    JsonNode await(String event, long seq, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode answer = answers.poll(Math.min(200, Math.max(0, (deadline - System.nanoTime()) / 1_000_000)),
                    TimeUnit.MILLISECONDS);
            if (answer != null && answer.path("event").asText().equals(event)
                    && (seq < 0 || answer.path("seq").asLong(-1) == seq)) {
                return answer;
            }
            if (answer == null && !process.isAlive() && answers.isEmpty()) {
                throw new IOException(name + " exited " + process.exitValue() + " before answering '" + event + "': " + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(name + " did not answer '" + event + "' within " + timeout.toSeconds() + " s: " + tail());
            }
        }
    }

    /** The process id. */
    long pid() {
        return process.pid();
    }

    /** The child's name (also its log file's). */
    String name() {
        return name;
    }

    /** Closes stdin, waits up to 10 s for the child to exit, then ends it and its descendants. */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Reads the child's output until it ends: protocol lines to the queue, the rest to the log. */
    private void pump() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer file = Files.newBufferedWriter(log)) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith(ChildChannel.PREFIX)) {
                    answers.add(Json.MAPPER.readTree(line.substring(ChildChannel.PREFIX.length())));
                } else {
                    file.write(line + "\n");
                    file.flush();
                }
            }
        } catch (IOException e) {
            // the child is gone; await() reports it
        }
    }

    private String tail() {
        try {
            return "see " + log + ": " + ExternalProcess.tail(Files.readString(log));
        } catch (IOException e) {
            return "see " + log;
        }
    }
}
