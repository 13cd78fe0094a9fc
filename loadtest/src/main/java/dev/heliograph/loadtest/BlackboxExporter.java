package dev.heliograph.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A private Prometheus blackbox_exporter (Debian's {@code prometheus-blackbox-exporter}) as the
 * yardstick of probe efficiency: its own config {@code .data/bench/blackbox.yml} with modules
 * {@code http_2xx} (HTTP GET, any 2xx; a fresh connection per probe) and {@code tcp_connect}, both
 * IPv4 with a 5 s timeout, listening on 127.0.0.1 on a free port. Stopped by {@link #close()}.
 */
public final class BlackboxExporter implements AutoCloseable {
    /** The Debian package's binary. */
    public static final String BINARY = "/usr/bin/prometheus-blackbox-exporter";
    private static final String CONFIG = """
            modules:
              http_2xx:
                prober: http
                timeout: 5s
                http:
                  preferred_ip_protocol: ip4
                  ip_protocol_fallback: false
              tcp_connect:
                prober: tcp
                timeout: 5s
                tcp:
                  preferred_ip_protocol: ip4
                  ip_protocol_fallback: false
            """;

    private final ExternalProcess process;
    private final int port;

    private BlackboxExporter(ExternalProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Writes the config and starts the exporter; waits (at most 10 s) until it answers.
     *
     * @throws IOException it is not installed or did not start (the message carries its log)
     */
    public static BlackboxExporter start() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IOException(BINARY + " is missing; run scripts/bench.sh install");
        }
        Path config = Bench.scratch().resolve("blackbox.yml");
        Files.writeString(config, CONFIG);
        int port = Bench.freePort();
        ExternalProcess process = ExternalProcess.start("blackbox-exporter", List.of(BINARY, "--config.file=" + config,
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"));
        BlackboxExporter exporter = new BlackboxExporter(process, port);
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try {
                exporter.get("/-/healthy");
                return exporter;
            } catch (IOException notYet) {
                if (!process.alive() || System.currentTimeMillis() > deadline) {
                    process.close();
                    throw new IOException("blackbox_exporter did not start: " + ExternalProcess.tail(Files.readString(process.log())));
                }
                Thread.sleep(50);
            }
        }
    }

    /** The URL of one probe of {@code target} with {@code module} ({@code http_2xx} or {@code tcp_connect}). */
    public String probeUrl(String module, String target) {
        return "http://127.0.0.1:" + port + "/probe?module=" + module + "&target=" + URLEncoder.encode(target, StandardCharsets.UTF_8);
    }

    /**
     * Runs one probe and insists that it succeeded ({@code probe_success 1}), so that a load run
     * measures working probes.
     *
     * @throws IOException the exporter did not answer or the probe failed (the message has its output)
     */
    public void requireSuccess(String module, String target) throws IOException, InterruptedException {
        String body = get(probeUrl(module, target).substring(("http://127.0.0.1:" + port).length()));
        if (!body.contains("\nprobe_success 1")) {
            throw new IOException("blackbox_exporter probe " + module + " of " + target + " failed: " + ExternalProcess.tail(body));
        }
    }

    /** CPU seconds it used so far. */
    public double cpuSeconds() throws IOException {
        return process.cpuSeconds();
    }

    private String get(String path) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IOException("blackbox_exporter answered " + answer.statusCode() + " to " + path);
            }
            return answer.body();
        }
    }

    /** Stops the exporter. */
    @Override
    public void close() {
        process.close();
    }
}
