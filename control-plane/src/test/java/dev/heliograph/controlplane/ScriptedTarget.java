package dev.heliograph.controlplane;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real HTTP targets on loopback whose answers a test scripts per path and per probe region: the
 * region comes from the check's {@code User-Agent} ({@code Heliograph/0.1 (region eu)}), so one region
 * can be made to fail while the others see the target up. Each path gets a loopback address of its own
 * (127.0.0.2, 127.0.0.3, ...), so the prober's per-host circuit breakers never mix two targets. A path
 * answers 200 until told otherwise; {@link #failing} makes it answer 503 to the regions named. Counts
 * answers per path and status.
 */
public final class ScriptedTarget implements AutoCloseable {
    private static final Pattern REGION = Pattern.compile("\\(region ([a-z0-9-]+)\\)");

    /** How a path answers one request: the HTTP status for a request from {@code region}. */
    @FunctionalInterface
    public interface Behaviour {
        int status(String region);
    }

    private final Vertx vertx;
    private final List<HttpServer> servers = new ArrayList<>();
    private final Map<String, String> urls = new ConcurrentHashMap<>();
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    private ScriptedTarget(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Targets served from loopback addresses of their own. */
    public static ScriptedTarget start(Vertx vertx) {
        return new ScriptedTarget(vertx);
    }

    /** {@code http://127.0.0.N:<port><path>}, on the path's own address (a server is started for it on first use). */
    public synchronized String url(String path) {
        return urls.computeIfAbsent(path, p -> {
            String host = "127.0.0." + (2 + urls.size());
            Handler<HttpServerRequest> answer = this::answer;
            HttpServer server;
            try {
                server = vertx.createHttpServer().requestHandler(answer).listen(0, host).await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("cannot listen on " + host, e);
            }
            servers.add(server);
            return "http://" + host + ":" + server.actualPort() + p;
        });
    }

    private void answer(HttpServerRequest request) {
        String path = request.path();
        Matcher region = REGION.matcher(String.valueOf(request.getHeader("user-agent")));
        int status = behaviours.getOrDefault(path, r -> 200).status(region.find() ? region.group(1) : "");
        requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        if (status >= 400) {
            failures.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        }
        request.response().setStatusCode(status).end(status < 400 ? "ok" : "failing");
    }

    /** {@code path} answers with {@code behaviour} from now on. */
    public void script(String path, Behaviour behaviour) {
        behaviours.put(path, behaviour);
    }

    /** {@code path} answers 503 to the requests of {@code regions} and 200 to the others. */
    public void failing(String path, String... regions) {
        java.util.Set<String> down = java.util.Set.of(regions);
        script(path, region -> down.contains(region) ? 503 : 200);
    }

    /** Requests of {@code path} answered with an error so far. */
    public int failures(String path) {
        AtomicInteger count = failures.get(path);
        return count == null ? 0 : count.get();
    }

    /** Requests of {@code path} so far. */
    public int requests(String path) {
        AtomicInteger count = requests.get(path);
        return count == null ? 0 : count.get();
    }

    @Override
    public synchronized void close() throws Exception {
        for (HttpServer server : servers) {
            server.close().await(10, TimeUnit.SECONDS);
        }
    }
}
