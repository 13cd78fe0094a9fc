package dev.heliograph.loadtest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.probe.codec.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The child side of the line protocol between a benchmark and the processes it starts
 * ({@link ChildJvm} is the parent side): commands arrive on stdin, one per line ({@code name} or
 * {@code name seq}); answers go to stdout as {@code @hg {json}} lines, each with an {@code event}
 * field. Other output (logs) may share stdout: the parent ignores lines without the prefix. When
 * stdin ends (the parent is gone, even killed), {@link #serve} returns, so a child never outlives
 * its benchmark.
 */
final class ChildChannel {
    /** Marks a protocol line on stdout. */
    static final String PREFIX = "@hg ";

    private final PrintStream out = System.out;

    /** A message with {@code event} and, when {@code seq >= 0}, {@code seq}. */
    ObjectNode message(String event, long seq) {
        ObjectNode node = Json.MAPPER.createObjectNode().put("event", event);
        if (seq >= 0) {
            node.put("seq", seq);
        }
        return node;
    }

    /** Writes {@code message} as one protocol line; thread-safe. */
    synchronized void send(ObjectNode message) {
        out.println(PREFIX + message);
        out.flush();
    }

    /**
     * Reads commands until stdin ends or {@code stop} arrives, calling {@code handler} with each
     * command's words (at least one) on the calling thread.
     */
    void serve(String stop, Consumer<String[]> handler) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] words = line.trim().split("\\s+");
            if (words[0].equals(stop)) {
                return;
            }
            if (!words[0].isEmpty()) {
                handler.accept(words);
            }
        }
    }

    /** The sequence number of a command ({@code name seq}), or -1 when it has none. */
    static long seq(String[] words) {
        return words.length > 1 ? Long.parseLong(words[1]) : -1;
    }

    /**
     * Adds this process's {@code heap_used} (bytes), {@code rss} (bytes) and {@code fds} to
     * {@code message}; {@code fds} is -1 unless the command's words end with {@code fds}: counting
     * tens of thousands of entries of {@code /proc/self/fd} costs the kernel 30..150 ms, too much
     * for every sample of a dozen processes on two cores.
     */
    static ObjectNode withProcessFigures(ObjectNode message, String[] words) {
        long pid = ProcessHandle.current().pid();
        message.put("heap_used", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        try {
            message.put("rss", ExternalProcess.rssBytes(pid))
                    .put("fds", words[words.length - 1].equals("fds") ? ExternalProcess.openFiles(pid) : -1);
        } catch (IOException e) {
            message.put("rss", -1).put("fds", -1);
        }
        return message;
    }
}
