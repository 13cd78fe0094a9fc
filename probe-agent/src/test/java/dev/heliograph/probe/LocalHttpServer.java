package dev.heliograph.probe;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1, port 0, for engine tests: {@code /ok} answers 200,
 * {@code /status/N} answers N, {@code /delay/N} answers 200 after N ms (a timer, never a blocked
 * loop), {@code /flaky} answers 200 while {@link #healthy} and 500 otherwise. It counts the
 * requests it received and the most it held at once.
 */
final class LocalHttpServer {
    final AtomicBoolean healthy = new AtomicBoolean(true);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final Vertx vertx;
    private HttpServer server;

    private LocalHttpServer(Vertx vertx) {
        this.vertx = vertx;
    }

    static LocalHttpServer start(Vertx vertx) throws Exception {
        LocalHttpServer local = new LocalHttpServer(vertx);
        local.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(local::route).listen().await(5, TimeUnit.SECONDS);
        return local;
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    int requests() {
        return requests.get();
    }

    /** The most requests the server held unanswered at once. */
    int peakConcurrency() {
        return peak.get();
    }

    private void route(HttpServerRequest request) {
        requests.incrementAndGet();
        peak.accumulateAndGet(open.incrementAndGet(), Math::max);
        String path = request.path();
        if (path.startsWith("/delay/")) {
            vertx.setTimer(Long.parseLong(path.substring(7)), id -> answer(request, 200));
        } else if (path.startsWith("/status/")) {
            answer(request, Integer.parseInt(path.substring(8)));
        } else if (path.equals("/flaky")) {
            answer(request, healthy.get() ? 200 : 500);
        } else {
            answer(request, 200);
        }
    }

    private void answer(HttpServerRequest request, int status) {
        open.decrementAndGet();
        request.response().setStatusCode(status).end("status " + status);
    }
}
