package dev.heliograph.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.probe.codec.Json;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus Alertmanager (Debian's {@code prometheus-alertmanager}, installed by
 * {@code scripts/test-tools.sh}) for tests: started on a free loopback port with a throw-away config
 * and data directory, without clustering; {@link #close()} stops it and deletes the directory.
 */
public final class LocalAlertmanager implements AutoCloseable {
    /** Where Debian installs it. */
    public static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");

    private final Path dir;
    private final Process process;
    private final String url;
    private final HttpClient http = HttpClient.newHttpClient();

    private LocalAlertmanager(Path dir, Process process, String url) {
        this.dir = dir;
        this.process = process;
        this.url = url;
    }

    /** Starts one and waits until {@code /-/ready} answers 200; fails when the binary is missing. */
    public static LocalAlertmanager start() throws Exception {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("Alertmanager is missing: run scripts/test-tools.sh (as root)");
        }
        Path dir = Files.createTempDirectory("alertmanager-it");
        Files.writeString(dir.resolve("alertmanager.yml"), """
                route:
                  receiver: nobody
                receivers:
                  - name: nobody
                """);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;
        Process process = new ProcessBuilder(BINARY.toString(), "--config.file=" + dir.resolve("alertmanager.yml"),
                "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=")
                .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
        LocalAlertmanager alertmanager = new LocalAlertmanager(dir, process, url);
        Await.until("Alertmanager ready on " + url, Duration.ofSeconds(30), () -> alertmanager.status(url + "/-/ready") == 200);
        return alertmanager;
    }

    /** Its base URL, {@code http://127.0.0.1:<port>}. */
    public String url() {
        return url;
    }

    /** The alerts {@code GET /api/v2/alerts} lists for a label matcher such as {@code incident_id="..."}. */
    public JsonNode alerts(String matcher) throws Exception {
        String uri = url + "/api/v2/alerts?filter=" + URLEncoder.encode(matcher, StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /api/v2/alerts answered " + response.statusCode() + ": " + response.body());
        }
        return Json.MAPPER.readTree(response.body());
    }

    /** How many alerts it lists for {@code matcher}; -1 when it does not answer. */
    public int listed(String matcher) {
        try {
            return alerts(matcher).size();
        } catch (Exception e) {
            return -1;
        }
    }

    private int status(String uri) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return 0;
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
