package dev.heliograph.probe.check;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.Status;
import dev.heliograph.probe.net.AddressGuard;
import dev.heliograph.probe.net.NameResolver;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What every check of one executor shares: one {@link NetClient} (TCP_NODELAY, fresh connection per
 * check), the resolver and the {@link AddressGuard} each connection passes through (read anew for
 * every connection, so a swapped guard applies from the next check), and the agent id and clock that
 * stamp each result. One per executor; {@link #close()} it with the executor.
 */
final class CheckRunner {
    private static final String FINISHED = "check already finished";

    private final Vertx vertx;
    private final NameResolver resolver;
    private final Supplier<AddressGuard> guard;
    private final String agentId;
    private final Clock clock;
    private final NetClient client;

    CheckRunner(Vertx vertx, NameResolver resolver, Supplier<AddressGuard> guard, String agentId, Clock clock) {
        this.vertx = vertx;
        this.resolver = resolver;
        this.guard = guard;
        this.agentId = agentId;
        this.clock = clock;
        this.client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    }

    /**
     * Runs {@code check}: on the caller's context (at once when already on it) arms the check's
     * timeout and calls {@code body} with a fresh {@link CheckRun}. Completes on the caller's context
     * with that run's outcome as a result stamped with {@code startedAt} from the clock.
     */
    Future<CheckResult> run(Check check, Consumer<CheckRun> body) {
        Context context = vertx.getOrCreateContext();
        Instant startedAt = clock.instant();
        CheckRun run = new CheckRun(vertx, context, check.target().timeout().toMillis());
        if (Vertx.currentContext() == context) {
            run.start(body);
        } else {
            context.runOnContext(v -> run.start(body));
        }
        return run.outcome().map(outcome -> outcome.toResult(check, agentId, startedAt));
    }

    /**
     * Resolves {@code host}, passes the address through the guard and connects to {@code port}
     * within what is left of {@code run}'s timeout, adding {@code dns_ms} and {@code connect_ms} to
     * it and attaching the socket. Succeeds with the socket while the run goes on; otherwise fails,
     * and the run has finished: {@code down} for DNS and network failures, {@code error} for a
     * refused address (or it had finished already, e.g. on its timeout).
     */
    Future<NetSocket> connect(CheckRun run, String host, int port) {
        long dnsStart = System.nanoTime();
        return resolver.resolve(host).transform(resolved -> {
            run.add(new PhaseTimings(CheckRun.millisSince(dnsStart), 0, 0, 0, 0));
            if (run.done()) {
                return Future.failedFuture(FINISHED);
            } else if (resolved.failed()) {
                return end(run, Status.DOWN, CheckFailures.dnsFailure(host, resolved.cause()));
            }
            Optional<String> refusal = guard.get().refusal(resolved.result());
            return refusal.isPresent() ? end(run, Status.ERROR, new Fault(Failure.BLOCKED_SSRF, "blocked by SSRF guard: " + refusal.get()))
                    : open(run, resolved.result(), port);
        });
    }

    /** Closes the shared client and the sockets it opened. */
    Future<Void> close() {
        return client.close();
    }

    private Future<NetSocket> open(CheckRun run, InetAddress address, int port) {
        ConnectOptions options = new ConnectOptions().setTimeout(run.remainingMs())
                .setRemoteAddress(SocketAddress.inetSocketAddress(new InetSocketAddress(address, port)));
        long connectStart = System.nanoTime();
        return client.connect(options).transform(connected -> {
            if (connected.failed()) {
                return end(run, Status.DOWN, CheckFailures.networkFailure(connected.cause(), run.timeoutMs(), true));
            } else if (run.done()) {
                connected.result().close();
                return Future.failedFuture(FINISHED);
            }
            run.add(new PhaseTimings(0, CheckRun.millisSince(connectStart), 0, 0, 0));
            run.attach(connected.result());
            return Future.succeededFuture(connected.result());
        });
    }

    private static Future<NetSocket> end(CheckRun run, Status status, Fault fault) {
        run.fail(status, 0, fault);
        return Future.failedFuture(fault.error());
    }
}
