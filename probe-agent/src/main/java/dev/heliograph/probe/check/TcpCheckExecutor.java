package dev.heliograph.probe.check;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.TcpSpec;
import dev.heliograph.probe.net.AddressGuard;
import dev.heliograph.probe.net.NameResolver;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.function.Supplier;

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

    private final CheckRunner runner;

    /**
     * One {@code NetClient} serves every check of this executor; {@code guard} is asked for the
     * current SSRF guard on every connection; {@code clock} stamps {@code startedAt}.
     */
    public TcpCheckExecutor(Vertx vertx, NameResolver resolver, Supplier<AddressGuard> guard, String agentId, Clock clock) {
        this.runner = new CheckRunner(vertx, resolver, guard, agentId, clock);
    }

    /** Runs {@code check} (a {@link TcpSpec}); completes on the calling context, never with a failure. */
    @Override
    public Future<CheckResult> execute(Check check) {
        TcpSpec spec = (TcpSpec) check.target().spec();
        return runner.run(check, run -> new Conversation(spec, run).start());
    }

    /** Closes the shared client and the sockets it opened. */
    public Future<Void> close() {
        return runner.close();
    }

    /** One check's exchange of bytes: what was sent when, and what was received so far. */
    private final class Conversation {
        final TcpSpec spec;
        final CheckRun run;
        final Buffer received = Buffer.buffer();
        long sentNanos;

        Conversation(TcpSpec spec, CheckRun run) {
            this.spec = spec;
            this.run = run;
        }

        void start() {
            runner.connect(run, spec.host(), spec.port()).onSuccess(this::converse);
        }

        void converse(NetSocket socket) {
            socket.exceptionHandler(e -> down(CheckFailures.networkFailure(e, run.timeoutMs(), false)));
            sentNanos = System.nanoTime();
            if (spec.expect() != null) {
                socket.handler(this::onData);
                socket.endHandler(v -> down(notReceived()));
            }
            Future<Void> written = spec.send() == null ? Future.succeededFuture() : socket.write(spec.send());
            written.onComplete(done -> {
                if (done.failed()) {
                    down(CheckFailures.networkFailure(done.cause(), run.timeoutMs(), false));
                } else if (spec.expect() == null) {
                    run.succeed(0);
                }
            });
        }

        void onData(Buffer data) {
            if (run.timings().ttfbMs() == 0) {
                run.add(new PhaseTimings(0, 0, 0, CheckRun.millisSince(sentNanos), 0));
            }
            byte[] needle = spec.expect().getBytes(StandardCharsets.UTF_8);
            int from = Math.max(0, received.length() - needle.length + 1);
            received.appendBuffer(data, 0, Math.min(data.length(), READ_LIMIT - received.length()));
            if (indexOf(received, needle, from) >= 0) {
                run.succeed(0);
            } else if (received.length() >= READ_LIMIT) {
                down(notReceived());
            }
        }

        Fault notReceived() {
            return new Fault(Failure.TCP_EXPECT, "expected " + CheckFailures.quote(spec.expect()) + " not received");
        }

        void down(Fault fault) {
            run.fail(Status.DOWN, 0, fault);
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
}
