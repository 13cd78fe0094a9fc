package dev.heliograph.loadtest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the kernel allows this process: its open-files limits ({@code /proc/self/limits}) and the
 * values of a few sysctls ({@code /proc/sys}). Read only; the benchmarks cannot change sysctls in
 * their sandbox, they print them next to their figures. Linux only.
 */
public final class HostLimits {
    private HostLimits() {
    }

    /**
     * The open-files limits of this process.
     *
     * @param soft the limit in force now (a JVM on Linux raises it to {@code hard} at start)
     * @param hard the most the soft limit may be raised to without privileges; {@link Long#MAX_VALUE}
     *             for {@code unlimited}
     */
    public record OpenFiles(long soft, long hard) {
    }

    /**
     * Reads the {@code Max open files} line of {@code /proc/self/limits}.
     *
     * @throws IOException the file cannot be read or has no such line
     */
    public static OpenFiles openFiles() throws IOException {
        return parseOpenFiles(Files.readString(Path.of("/proc/self/limits")));
    }

    /** The open-files limits in {@code limits}, the text of a {@code /proc/PID/limits} file. */
    static OpenFiles parseOpenFiles(String limits) throws IOException {
        for (String line : limits.split("\n")) {
            if (line.startsWith("Max open files")) {
                String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
                return new OpenFiles(number(fields[0]), number(fields[1]));
            }
        }
        throw new IOException("no 'Max open files' line in /proc/self/limits");
    }

    /**
     * The value of sysctl {@code name} (e.g. {@code net.core.somaxconn}) with runs of white space
     * as one space, or {@code "unreadable"} when {@code /proc/sys} does not have it.
     */
    public static String sysctl(String name) {
        try {
            // readAllBytes, not Files.readString: /proc files report size 0, and readString then returns one byte.
            byte[] bytes;
            try (InputStream in = Files.newInputStream(Path.of("/proc/sys/" + name.replace('.', '/')))) {
                bytes = in.readAllBytes();
            }
            return new String(bytes, StandardCharsets.US_ASCII).trim().replaceAll("\\s+", " ");
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /** The 1-minute load average and the number of CPUs, as {@code "7.15 on 2 CPUs"}; "unreadable" without /proc. */
    public static String loadAverage() {
        String first = loadAverage1m();
        return first.equals("unreadable") ? first : first + " on " + Runtime.getRuntime().availableProcessors() + " CPUs";
    }

    /** The 1-minute load average as {@code /proc/loadavg} prints it ({@code "7.15"}); "unreadable" without /proc. */
    public static String loadAverage1m() {
        try (InputStream in = Files.newInputStream(Path.of("/proc/loadavg"))) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim().split("\\s+")[0];
        } catch (IOException e) {
            return "unreadable";
        }
    }

    private static long number(String text) {
        return text.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(text);
    }
}
