package dev.heliograph.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A ClickHouse server of one test's own, for tests that stop and start it (outages) without touching
 * the shared server of {@code scripts/services.sh}. It renders {@code scripts/clickhouse/config.xml}
 * (found through the system property {@code heliograph.root}, else upwards from the working
 * directory) into a fresh temporary directory with two free loopback ports, and runs
 * {@code clickhouse-server} in the foreground; its output goes to {@code log/stdout.log} there.
 *
 * <p>{@link #stop()} and {@link #start()} keep the directory and the ports, so data survives a
 * restart. {@link #close()} stops the server and deletes the directory. Start-up waits at most
 * {@value #START_TIMEOUT_S} s for {@code GET /ping} to answer {@code Ok.}; a stop sends SIGTERM and
 * waits at most {@value #STOP_TIMEOUT_S} s before SIGKILL. Failures are {@link IllegalStateException}s
 * that quote the end of the server's logs.
 */
public final class PrivateClickHouse implements AutoCloseable {
    private static final int START_TIMEOUT_S = 60;
    private static final int STOP_TIMEOUT_S = 30;
    private static final Path TEMPLATE = Paths.get("scripts", "clickhouse", "config.xml");
    private static final Pattern PLACEHOLDER = Pattern.compile("@[A-Z_]+@");
    private static final List<Path> BINARY_FALLBACKS = List.of(Paths.get("/usr/sbin/clickhouse-server"),
            Paths.get("/usr/bin/clickhouse-server"));

    private final Path binary;
    private final Path dir;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Thread killOnExit = new Thread(this::kill, "private-clickhouse-kill");
    private Process process;

    private PrivateClickHouse(Path binary, Path dir, int httpPort) {
        this.binary = binary;
        this.dir = dir;
        this.httpPort = httpPort;
    }

    /** Creates a fresh instance and starts it; throws {@link IllegalStateException} when it cannot. */
    public static PrivateClickHouse launch() throws IOException {
        Path template = template();
        Path binary = binary();
        Path dir = Files.createTempDirectory("heliograph-clickhouse-").toRealPath();
        int[] ports = freePorts(2);
        String config = Files.readString(template, StandardCharsets.UTF_8)
                .replace("@DATA_DIR@", dir.toString())
                .replace("@HTTP_PORT@", Integer.toString(ports[0]))
                .replace("@TCP_PORT@", Integer.toString(ports[1]));
        Matcher unknown = PLACEHOLDER.matcher(config);
        if (unknown.find()) {
            delete(dir);
            throw new IllegalStateException(template + " has a placeholder this helper does not know: " + unknown.group());
        }
        Files.createDirectories(dir.resolve("log")); // 18.16 exits silently without it
        Files.writeString(dir.resolve("config.xml"), config, StandardCharsets.UTF_8);
        PrivateClickHouse clickhouse = new PrivateClickHouse(binary, dir, ports[0]);
        Runtime.getRuntime().addShutdownHook(clickhouse.killOnExit);
        try {
            clickhouse.start();
        } catch (RuntimeException e) {
            clickhouse.close();
            throw e;
        }
        return clickhouse;
    }

    /** The HTTP interface, {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** Starts the server (again) on the same directory and ports and waits until it answers a ping. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("private ClickHouse on " + url() + " is already running");
        }
        try {
            Files.deleteIfExists(dir.resolve("clickhouse-server.pid")); // left behind by a SIGKILL
            process = new ProcessBuilder(binary.toString(),
                    "--config-file=" + dir.resolve("config.xml"),
                    "--pid-file=" + dir.resolve("clickhouse-server.pid"))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log/stdout.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + binary + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_S);
        while (!pingAnswers()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("clickhouse-server exited with code " + process.exitValue()
                        + " during start-up" + logTail());
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException("clickhouse-server did not answer " + url() + "/ping within "
                        + START_TIMEOUT_S + " s" + logTail());
            }
            pause(100);
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("something else answers on " + url() + " and clickhouse-server exited"
                    + logTail());
        }
    }

    /**
     * Stops the server with SIGTERM and waits for it to exit (SIGKILL after {@value #STOP_TIMEOUT_S} s);
     * no-op when stopped. ClickHouse 18.16 closes its listening sockets at once but keeps serving
     * open keep-alive connections until it exits, about 15 s later when a client is busy; the outage
     * a caller sees therefore starts when this method returns.
     */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        Process running = process;
        process = null;
        running.destroy();
        if (!waitFor(running, STOP_TIMEOUT_S)) {
            running.destroyForcibly();
            if (!waitFor(running, 10)) {
                throw new IllegalStateException("clickhouse-server (pid " + running.pid() + ") survived SIGKILL");
            }
        }
    }

    /** Stops the server and deletes its directory. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook runs anyway
            }
            delete(dir);
        }
    }

    private synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(process, 10);
            process = null;
        }
    }

    private boolean pingAnswers() {
        HttpRequest ping = HttpRequest.newBuilder(URI.create(url() + "/ping")).timeout(Duration.ofSeconds(1)).build();
        try {
            HttpResponse<String> answer = http.send(ping, HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 && answer.body().trim().equals("Ok.");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + url() + "/ping", e);
        }
    }

    private String logTail() {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("log/stdout.log", "log/clickhouse-server.err.log")) {
            Path file = dir.resolve(name);
            try {
                if (Files.isRegularFile(file)) {
                    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                    out.append("\n---- last lines of ").append(file).append('\n')
                            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
                }
            } catch (IOException | UncheckedIOException e) {
                out.append("\n---- ").append(file).append(" unreadable: ").append(e.getMessage());
            }
        }
        return out.toString();
    }

    private static Path template() {
        String property = System.getProperty("heliograph.root");
        List<Path> tried = new ArrayList<>();
        if (property != null) {
            tried.add(Paths.get(property).resolve(TEMPLATE));
        } else {
            for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
                tried.add(d.resolve(TEMPLATE));
            }
        }
        return tried.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() -> new IllegalStateException(
                "ClickHouse config template " + TEMPLATE + " not found (system property heliograph.root="
                        + property + "; looked at " + tried + ")"));
    }

    private static Path binary() {
        Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Paths.get(entry, "clickhouse-server"));
        return Stream.concat(onPath, BINARY_FALLBACKS.stream()).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IllegalStateException("clickhouse-server not found on PATH nor at "
                        + BINARY_FALLBACKS + "; scripts/services.sh start installs it"));
    }

    /** {@code count} distinct ports that were free on 127.0.0.1 a moment ago. */
    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static boolean waitFor(Process process, int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
