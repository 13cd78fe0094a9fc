package dev.heliograph.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What every scenario shares: the project root and scratch directory, the JVM and JAR to start
 * more benchmark processes with, and free loopback ports. {@code scripts/bench.sh} passes the
 * paths as system properties; run from a test, they default to the working directory's parent
 * (Maven runs tests inside {@code loadtest/}) and the test's own JVM and class path.
 */
public final class Bench {
    private Bench() {
    }

    /** The project root ({@code heliograph.bench.root}). */
    public static Path root() {
        String root = System.getProperty("heliograph.bench.root");
        if (root != null) {
            return Path.of(root);
        }
        Path cwd = Path.of("").toAbsolutePath();
        return Files.exists(cwd.resolve("scripts/bench.sh")) ? cwd : cwd.getParent();
    }

    /** {@code .data/bench/} under the root, created when missing. */
    public static Path scratch() {
        Path dir = root().resolve(".data/bench");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** The java launcher for benchmark child processes. */
    public static String java() {
        return System.getProperty("heliograph.bench.java", ProcessHandle.current().info().command().orElse("java"));
    }

    /** The class path for benchmark child processes (the shaded JAR, or this JVM's class path). */
    public static String classPath() {
        return System.getProperty("heliograph.bench.jar", System.getProperty("java.class.path"));
    }

    /** A TCP port that was free on 127.0.0.1 a moment ago. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
