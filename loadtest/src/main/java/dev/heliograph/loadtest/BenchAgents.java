package dev.heliograph.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.probe.codec.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real probe agents for a benchmark: one process per region ({@code heliograph agent}, from the
 * benchmark's own class path or shaded JAR), registered with the benchmark's control plane through the
 * API (a region and a one-time token each), their data under {@code .data/bench/agents-<run>/}, their
 * output in {@code .data/bench/agent-<region>.log}. {@link #close()} stops them and deletes the data.
 */
final class BenchAgents implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final Path data;

    private BenchAgents(Path data) {
        this.data = data;
    }

    /**
     * Creates each of {@code regions} and starts an agent for it, then waits up to 90 s until every one
     * reports {@code ok}.
     *
     * @throws IllegalStateException an API call failed or the agents did not all come up in time
     */
    static BenchAgents start(ControlPlane plane, String apiKey, List<String> regions) throws Exception {
        BenchAgents agents = new BenchAgents(Files.createTempDirectory(Bench.scratch(), "agents-"));
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + plane.apiPort();
        try {
            for (String region : regions) {
                call(http, base + "/api/v1/regions", apiKey, "{\"name\":\"" + region + "\"}", 201);
                String token = call(http, base + "/api/v1/regions/" + region + "/registration-tokens", apiKey, "{}", 201)
                        .path("token").asText();
                List<String> command = new ArrayList<>(List.of(Bench.java(), "-XX:+IgnoreUnrecognizedVMOptions",
                        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx256m",
                        "-cp", Bench.classPath(), "dev.heliograph.controlplane.Main", "agent",
                        "--control-plane", "https://127.0.0.1:" + plane.agentPort(), "--region", region, "--token", token,
                        "--data-dir", agents.data.resolve(region).toString(), "--name", "bench-" + region, "--allow-root",
                        "--ca-fingerprint", plane.caFingerprint(), "--allow-cidr", "127.0.0.0/8", "--log-format", "text"));
                agents.processes.add(new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(Bench.scratch().resolve("agent-" + region + ".log").toFile()).start());
            }
            long deadline = System.currentTimeMillis() + 90_000;
            while (okAgents(http, base, apiKey) < regions.size()) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("agents did not report ok within 90 s; see .data/bench/agent-*.log");
                }
                Thread.sleep(500);
            }
            return agents;
        } catch (Exception e) {
            agents.close();
            throw e;
        }
    }

    private static int okAgents(HttpClient http, String base, String apiKey) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/agents?status=ok&limit=500"))
                .header("authorization", "Bearer " + apiKey).build(), HttpResponse.BodyHandlers.ofString());
        return Json.MAPPER.readTree(answer.body()).path("items").size();
    }

    private static JsonNode call(HttpClient http, String uri, String apiKey, String body, int expected) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(uri)).header("authorization", "Bearer " + apiKey)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != expected) {
            throw new IllegalStateException("POST " + uri + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return Json.MAPPER.readTree(answer.body());
    }

    @Override
    public void close() throws IOException {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
