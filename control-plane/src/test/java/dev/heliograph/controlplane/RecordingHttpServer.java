package dev.heliograph.controlplane;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP target on 127.0.0.1 for tests: answers every path with 200 and the path as body
 * (after {@code delay}), counts requests per path and requests in progress, and keeps the headers and
 * body of the last request per path.
 */
public final class RecordingHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final AtomicInteger inProgress = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();
    private final Map<String, Received> last = new ConcurrentHashMap<>();

    /** A request as received: each header's first value by lower-case name, and the body (UTF-8). */
    public record Received(Map<String, String> headers, String body) {
    }

    public RecordingHttpServer(Duration delay) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.getFirst()));
            last.put(path, new Received(headers, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            inProgress.incrementAndGet();
            try {
                if (!delay.isZero()) {
                    Thread.sleep(delay.toMillis());
                }
                byte[] body = path.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
                answered.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inProgress.decrementAndGet();
                exchange.close();
            }
        });
        server.start();
    }

    /** {@code http://127.0.0.1:port} + {@code path}. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Requests received for {@code path}. */
    public int hits(String path) {
        AtomicInteger count = hits.get(path);
        return count == null ? 0 : count.get();
    }

    /** The last request received for {@code path}, or {@code null}. */
    public Received last(String path) {
        return last.get(path);
    }

    /** Requests received for every path. */
    public int totalHits() {
        return hits.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Requests being answered right now. */
    public int inProgress() {
        return inProgress.get();
    }

    /** Requests answered completely. */
    public int answered() {
        return answered.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
