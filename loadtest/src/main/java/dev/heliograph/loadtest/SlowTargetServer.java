package dev.heliograph.loadtest;

import dev.heliograph.probe.EngineVertx;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A slow HTTP target for the in-flight benchmark, in its own JVM: Vert.x HTTP/1.1 servers on
 * {@code 127.0.0.1 .. 127.0.0.<addresses>} × {@code ports} free ports each, which hold every request
 * for {@code --hold-ms} and then answer {@code 200 ok} ({@value #WARM_UP_PATH} at once). Many (address, port) pairs keep the client's
 * ephemeral ports from running out: Linux picks a client port per destination, so each pair can
 * take up to {@code net.ipv4.ip_local_port_range} connections. Each listener asks for an accept
 * backlog of 65535, which the kernel caps at {@code net.core.somaxconn} (and half-open connections
 * at {@code net.ipv4.tcp_max_syn_backlog}; with SYN cookies on, an overflowing SYN queue still
 * completes handshakes).
 *
 * <p>Protocol ({@link ChildChannel}): prints {@code listening} with {@code endpoints}
 * ({@code ["127.0.0.1:41234", ...]}) once every listener is bound; answers {@code sample <seq>}
 * with {@code held} (requests held now), {@code answered}, {@code heap_used}, {@code rss} (bytes)
 * and {@code fds}; exits on {@code stop} or when stdin ends.
 *
 * <p>Usage: {@code SlowTargetServer --addresses N --ports M --hold-ms MS}.
 */
public final class SlowTargetServer {
    /** Asked of every listener; the kernel caps it at {@code net.core.somaxconn}. */
    static final int ACCEPT_BACKLOG = 65_535;
    /** Requests for this path are answered at once (engine shards warm up with them before the run). */
    static final String WARM_UP_PATH = "/warm-up";

    private SlowTargetServer() {
    }

    /** Entry point; see the class comment. Exits 2 on a bad argument. */
    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args, Map.of("addresses", "4", "ports", "4", "hold-ms", "20000"));
        } catch (IllegalArgumentException e) {
            System.err.println("slow target server: " + e.getMessage());
            System.exit(2);
            return;
        }
        int addresses = options.integer("addresses", 1, 254);
        int ports = options.integer("ports", 1, 256);
        long holdMs = options.integer("hold-ms", 0, 3_600_000);
        ChildChannel channel = new ChildChannel();
        Vertx vertx = EngineVertx.create();
        AtomicLong held = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        try {
            ObjectNode listening = channel.message("listening", -1);
            ArrayNode endpoints = listening.putArray("endpoints");
            HttpServerOptions serverOptions = new HttpServerOptions().setAcceptBacklog(ACCEPT_BACKLOG).setTcpNoDelay(true);
            for (int a = 1; a <= addresses; a++) {
                for (int p = 0; p < ports; p++) {
                    HttpServer server = vertx.createHttpServer(serverOptions)
                            .requestHandler(request -> hold(vertx, request, holdMs, held, answered))
                            .listen(0, "127.0.0." + a).await(30, TimeUnit.SECONDS);
                    endpoints.add("127.0.0." + a + ":" + server.actualPort());
                }
            }
            channel.send(ChildChannel.withProcessFigures(listening, new String[] {"fds"}));
            channel.serve("stop", words -> {
                if (words[0].equals("sample")) {
                    channel.send(ChildChannel.withProcessFigures(channel.message("sample", ChildChannel.seq(words))
                            .put("held", held.get()).put("answered", answered.get()), words));
                }
            });
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    private static void hold(Vertx vertx, HttpServerRequest request, long holdMs, AtomicLong held, AtomicLong answered) {
        boolean counted = !request.path().equals(WARM_UP_PATH);
        if (counted) {
            held.incrementAndGet();
        }
        Runnable answer = () -> {
            if (counted) {
                held.decrementAndGet();
            }
            // A client that gave up has closed the connection; the answer then goes nowhere, harmlessly.
            request.response().putHeader("content-type", "text/plain").end("ok")
                    .onSuccess(done -> answered.addAndGet(counted ? 1 : 0));
        };
        if (holdMs == 0 || request.path().equals(WARM_UP_PATH)) {
            answer.run();
        } else {
            vertx.setTimer(holdMs, id -> answer.run());
        }
    }
}
