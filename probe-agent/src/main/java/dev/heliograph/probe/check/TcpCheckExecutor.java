package dev.heliograph.probe.check;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.TcpSpec;
import dev.heliograph.probe.net.AddressGuard;
import dev.heliograph.probe.net.NameResolver;
import dev.heliograph.probe.net.ResolutionException;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Runs {@link TcpSpec} checks: resolve the host, pass the address through the {@link AddressGuard},
 * connect (timed as {@code connect_ms}), write {@code send} (UTF-8) if set, and when {@code expect}
 * is set read until the bytes received (at most 64 KiB) contain it ({@code ttfb_ms} is the first
 * byte read). Each check opens one fresh connection and closes it when done.
 *
 * <p>Never fails its future for a failing target: refused, reset, missing answer and the check's
 * timeout (which closes the socket) become {@code down}; a refused address becomes {@code error}.
 */
public final class TcpCheckExecutor implements CheckExecutor {
    /** Most bytes read while waiting for {@code expect}. */
    static final int READ_LIMIT = 64 * 1024;

    private final Vertx vertx;
    private final NameResolver resolver;
    private final AddressGuard guard;
    private final String agentId;
    private final Clock clock;
    private final NetClient client;

    /** One {@link NetClient} serves every check of this executor; {@code clock} stamps {@code startedAt}. */
    public TcpCheckExecutor(Vertx vertx, NameResolver resolver, AddressGuard guard, String agentId, Clock clock) {
        this.vertx = vertx;
        this.resolver = resolver;
        this.guard = guard;
        this.agentId = agentId;
        this.clock = clock;
        this.client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    }

    /** Runs {@code check} (a {@link TcpSpec}); completes on the calling context, never with a failure. */
    @Override
    public Future<CheckResult> execute(Check check) {
        Context context = vertx.getOrCreateContext();
        Instant startedAt = clock.instant();
        Run run = new Run(check);
        if (Vertx.currentContext() == context) {
            run.start();
        } else {
            context.runOnContext(v -> run.start());
        }
        return run.outcome.future().map(outcome -> outcome.toResult(check, agentId, startedAt));
    }

    /** Closes the shared client and the sockets it opened. */
    public Future<Void> close() {
        return client.close();
    }

    /** The operator-facing reason for a failed name resolution of {@code host}. */
    static String dnsFailure(String host, Throwable cause) {
        if (cause instanceof ResolutionException failure) {
            return switch (failure.reason()) {
                case NO_SUCH_HOST -> "dns: no such host " + host;
                case NO_ADDRESS -> "dns: no address for " + host;
                case TIMEOUT -> "dns: timeout resolving " + host;
                case SERVER_FAILURE -> "dns: " + failure.getMessage();
            };
        }
        return "dns: " + cause;
    }

    /** The operator-facing reason for a failed connect, read or write; {@code timeoutMs} names the budget. */
    static String networkFailure(Throwable cause, long timeoutMs) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (t instanceof ConnectTimeoutException || t instanceof java.net.SocketTimeoutException) {
                return "timeout after " + timeoutMs + " ms";
            } else if (message.contains("connection refused")) {
                return "connection refused";
            } else if (message.contains("connection reset") || message.contains("broken pipe")) {
                return "connection reset";
            } else if (message.contains("no route to host")) {
                return "no route to host";
            } else if (message.contains("network is unreachable")) {
                return "network unreachable";
            }
        }
        return "network: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
    }

    /** {@code text} cut to 64 characters, for quoting a configured string in an error. */
    static String quote(String text) {
        return "\"" + (text.length() > 64 ? text.substring(0, 64) : text) + "\"";
    }

    /** One check: its one-shot outcome, timeout timer, open socket and phase times so far (ms). */
    private final class Run {
        final Check check;
        final TcpSpec spec;
        final long timeoutMs;
        final long startNanos = System.nanoTime();
        final Promise<Outcome> outcome = Promise.promise();
        final Buffer received = Buffer.buffer();
        long timer;
        NetSocket socket;
        double dnsMs;
        double connectMs;
        double ttfbMs;
        long sentNanos;

        Run(Check check) {
            this.check = check;
            this.spec = (TcpSpec) check.target().spec();
            this.timeoutMs = check.target().timeout().toMillis();
        }

        void start() {
            timer = vertx.setTimer(timeoutMs, id -> finish(Status.DOWN, "timeout after " + timeoutMs + " ms"));
            long dnsStart = System.nanoTime();
            resolver.resolve(spec.host()).onComplete(resolved -> {
                dnsMs = millisSince(dnsStart);
                if (outcome.future().isComplete()) {
                    return;
                }
                if (resolved.failed()) {
                    finish(Status.DOWN, dnsFailure(spec.host(), resolved.cause()));
                    return;
                }
                Optional<String> refusal = guard.refusal(resolved.result());
                if (refusal.isPresent()) {
                    finish(Status.ERROR, "blocked: " + refusal.get());
                } else {
                    connect(resolved.result());
                }
            });
        }

        void connect(InetAddress address) {
            long connectStart = System.nanoTime();
            int remaining = (int) Math.max(1, timeoutMs - (long) millisSince(startNanos));
            ConnectOptions options = new ConnectOptions().setTimeout(remaining)
                    .setRemoteAddress(SocketAddress.inetSocketAddress(new InetSocketAddress(address, spec.port())));
            client.connect(options).onComplete(connected -> {
                if (connected.failed()) {
                    finish(Status.DOWN, networkFailure(connected.cause(), timeoutMs));
                } else if (outcome.future().isComplete()) {
                    connected.result().close();
                } else {
                    connectMs = millisSince(connectStart);
                    socket = connected.result();
                    converse();
                }
            });
        }

        void converse() {
            socket.exceptionHandler(e -> finish(Status.DOWN, networkFailure(e, timeoutMs)));
            sentNanos = System.nanoTime();
            if (spec.expect() != null) {
                socket.handler(this::onData);
                socket.endHandler(v -> finish(Status.DOWN, "expected " + quote(spec.expect()) + " not received"));
            }
            Future<Void> written = spec.send() == null ? Future.succeededFuture() : socket.write(spec.send());
            written.onComplete(done -> {
                if (done.failed()) {
                    finish(Status.DOWN, networkFailure(done.cause(), timeoutMs));
                } else if (spec.expect() == null) {
                    finish(Status.UP, "");
                }
            });
        }

        void onData(Buffer data) {
            if (ttfbMs == 0) {
                ttfbMs = millisSince(sentNanos);
            }
            byte[] needle = spec.expect().getBytes(StandardCharsets.UTF_8);
            int from = Math.max(0, received.length() - needle.length + 1);
            received.appendBuffer(data, 0, Math.min(data.length(), READ_LIMIT - received.length()));
            if (indexOf(received, needle, from) >= 0) {
                finish(Status.UP, "");
            } else if (received.length() >= READ_LIMIT) {
                finish(Status.DOWN, "expected " + quote(spec.expect()) + " not received");
            }
        }

        void finish(Status status, String error) {
            PhaseTimings timings = new PhaseTimings(dnsMs, connectMs, 0, ttfbMs, millisSince(startNanos));
            if (outcome.tryComplete(new Outcome(status, 0, error, timings))) {
                vertx.cancelTimer(timer);
                if (socket != null) {
                    socket.close();
                }
            }
        }
    }

    private static int indexOf(Buffer haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length() - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }
}
