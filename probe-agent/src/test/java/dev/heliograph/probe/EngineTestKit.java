package dev.heliograph.probe;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.CheckSpec;
import dev.heliograph.domain.HttpSpec;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.EngineSettings.BreakerSettings;
import dev.heliograph.probe.check.Check;
import dev.heliograph.probe.net.Cidr;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Settings, targets and waiting helpers shared by the engine tests. */
final class EngineTestKit {
    static final RegionId LOCAL = new RegionId("local");
    static final OrgId TENANT_A = OrgId.DEFAULT;
    static final OrgId TENANT_B = new OrgId(UUID.fromString("00000000-0000-0000-0000-0000000000b2"));
    static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"));
    /** A breaker that never opens within a test: a window of 100 checks, open for a minute. */
    static final BreakerSettings LENIENT = new BreakerSettings(50, 100, 100, Duration.ofMinutes(1), 1);

    private EngineTestKit() {
    }

    /** One lane, no jitter, loopback allowed, DNS defaults; the rest as given. */
    static EngineSettings settings(int poolSlots, Duration maxQueueWait, BreakerSettings breaker, int maxPerHost) {
        return new EngineSettings(LOCAL, "test-agent", poolSlots, maxQueueWait, Duration.ZERO, 1, LOOPBACK,
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofMinutes(5), breaker, maxPerHost);
    }

    /** {@code settings} with the live fields replaced. */
    static EngineSettings live(EngineSettings settings, int poolSlots, Duration maxQueueWait, List<Cidr> allowed,
                               BreakerSettings breaker, int maxPerHost) {
        return new EngineSettings(settings.region(), settings.agentId(), poolSlots, maxQueueWait, settings.maxJitter(),
                settings.lanes(), allowed, settings.dnsTimeout(), settings.dnsMinTtl(), settings.dnsMaxTtl(), breaker,
                maxPerHost);
    }

    /** A fresh target of {@code org} (its own id) checked from {@code local} every 30 s with a 5 s timeout. */
    static Target target(OrgId org, CheckSpec spec, Duration interval) {
        return new Target(TargetId.random(), org, "t", spec, interval, Duration.ofSeconds(5), List.of(LOCAL),
                Set.of(), true, Instant.now(), Instant.now(), 1);
    }

    /** A check, planned now, of a fresh target of {@code org}. */
    static Check check(OrgId org, CheckSpec spec) {
        return check(target(org, spec, Duration.ofSeconds(30)));
    }

    /** A check of {@code url} by a fresh target of {@code org}. */
    static Check check(OrgId org, String url) {
        return check(org, HttpSpec.get(url));
    }

    /** A check, planned now, of {@code target}. */
    static Check check(Target target) {
        return new Check(target, LOCAL, Instant.now());
    }

    /** Calls {@code action} on an event loop, as the scheduler does. */
    static <T> Future<T> onLoop(Vertx vertx, Supplier<Future<T>> action) {
        Promise<T> promise = Promise.promise();
        vertx.runOnContext(v -> action.get().onComplete(promise));
        return promise.future();
    }

    static <T> T await(Future<T> future) {
        try {
            return future.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static CheckResult run(Vertx vertx, ProbeEngine engine, Check check) {
        return await(onLoop(vertx, () -> engine.runNow(check)));
    }

    /** Polls {@code condition} from the test thread (never an event loop) until it holds or {@code within} passes. */
    static void eventually(Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition did not hold within " + within);
            }
            Thread.sleep(10);
        }
    }

    /** A loopback port nobody listens on. */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
