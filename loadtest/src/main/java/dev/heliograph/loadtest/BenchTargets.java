package dev.heliograph.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.IntFunction;

/**
 * Creates a benchmark's targets through the real API, 1,000 per {@code POST /api/v1/targets:bulk}
 * (the route's limit), printing progress every 10,000.
 */
public final class BenchTargets {
    /** Targets per bulk request: the route's maximum. */
    public static final int PER_REQUEST = 1000;

    private BenchTargets() {
    }

    /**
     * Creates {@code count} targets; {@code body.apply(i)} is the JSON of target {@code i} as for
     * {@code POST /api/v1/targets}. Runs with {@link BenchDatabases#API_KEY} against the API on
     * {@code apiPort}.
     *
     * @throws IOException a request failed (the message carries the API's answer)
     */
    public static void create(int apiPort, int count, IntFunction<String> body) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        for (int from = 0; from < count; from += PER_REQUEST) {
            StringBuilder items = new StringBuilder("{\"items\":[");
            int to = Math.min(count, from + PER_REQUEST);
            for (int i = from; i < to; i++) {
                items.append(i == from ? "" : ",").append(body.apply(i));
            }
            items.append("]}");
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/v1/targets:bulk"))
                    .timeout(Duration.ofSeconds(120)).header("content-type", "application/json")
                    .header("authorization", "Bearer " + BenchDatabases.API_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(items.toString())).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IOException("creating targets " + from + ".." + (to - 1) + " failed: " + answer.statusCode() + " "
                        + ExternalProcess.tail(answer.body()));
            }
            if (to % 10_000 == 0 && to < count) {
                System.err.printf("bench: %,d of %,d targets created%n", to, count);
            }
        }
    }

    /** The JSON of a paused-or-not HTTP target named {@code name} checking {@code url}. */
    public static String http(String name, String url, int intervalS, int timeoutMs, String... tags) {
        StringBuilder json = new StringBuilder("{\"name\":\"").append(name).append("\",\"kind\":\"http\",\"spec\":{\"url\":\"")
                .append(url).append("\"},\"interval_s\":").append(intervalS).append(",\"timeout_ms\":").append(timeoutMs);
        if (tags.length > 0) {
            json.append(",\"tags\":[\"").append(String.join("\",\"", tags)).append("\"]");
        }
        return json.append('}').toString();
    }
}
