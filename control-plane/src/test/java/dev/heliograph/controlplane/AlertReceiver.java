package dev.heliograph.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real HTTP receiver of notifications on 127.0.0.1 (a free port), for tests of alert channels: it
 * records every request exactly as it arrived (headers, body bytes) and answers what the test told
 * it to (status, body, headers, after a delay). The stand-in for a webhook consumer, Slack or
 * PagerDuty.
 */
public final class AlertReceiver implements AutoCloseable {
    /** One request as received; header names in lower case. */
    public record Received(String method, String path, Map<String, String> headers, byte[] body) {
        /** The body as UTF-8 text. */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The body as JSON. */
        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (Exception e) {
                throw new IllegalStateException("body is not JSON: " + text(), e);
            }
        }
    }

    /** What the receiver answers. */
    public record Answer(int status, String body, Map<String, String> headers, Duration delay) {
        /** {@code status} with {@code body}, no extra headers, at once. */
        public static Answer of(int status, String body) {
            return new Answer(status, body, Map.of(), Duration.ZERO);
        }
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private volatile Function<Received, Answer> answers = request -> Answer.of(200, "ok");

    private AlertReceiver(Vertx vertx) throws Exception {
        server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            Map<String, String> headers = new TreeMap<>();
            request.headers().forEach(header -> headers.put(header.getKey().toLowerCase(Locale.ROOT), header.getValue()));
            Received one = new Received(request.method().name(), request.uri(), headers, body.getBytes());
            received.add(one);
            Answer answer = answers.apply(one);
            Runnable reply = () -> {
                answer.headers().forEach(request.response()::putHeader);
                request.response().setStatusCode(answer.status()).end(answer.body());
            };
            if (answer.delay().isZero()) {
                reply.run();
            } else {
                vertx.setTimer(answer.delay().toMillis(), id -> reply.run());
            }
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    /** A receiver listening on a free port of 127.0.0.1, answering 200 {@code ok} until told otherwise. */
    public static AlertReceiver start(Vertx vertx) throws Exception {
        return new AlertReceiver(vertx);
    }

    /** Answers every request from now on with {@code answer}. */
    public AlertReceiver answer(Answer answer) {
        this.answers = request -> answer;
        return this;
    }

    /** Answers every request from now on with {@code status} and {@code body}. */
    public AlertReceiver answer(int status, String body) {
        return answer(Answer.of(status, body));
    }

    /** Answers each request with what {@code answers} makes of it. */
    public AlertReceiver answerWith(Function<Received, Answer> answers) {
        this.answers = answers;
        return this;
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    /** Every request so far, in order. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The last request, or {@code null}. */
    public Received last() {
        List<Received> all = received();
        return all.isEmpty() ? null : all.getLast();
    }

    @Override
    public void close() throws Exception {
        server.close().await(10, TimeUnit.SECONDS);
    }
}
