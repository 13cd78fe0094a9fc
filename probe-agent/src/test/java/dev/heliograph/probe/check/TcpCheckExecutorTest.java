package dev.heliograph.probe.check;

import static dev.heliograph.probe.check.HttpCheckExecutorTest.await;
import static dev.heliograph.probe.check.HttpCheckExecutorTest.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.TcpSpec;
import dev.heliograph.probe.net.AddressGuard;
import dev.heliograph.probe.net.Cidr;
import dev.heliograph.probe.net.NameResolver;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServerOptions;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link TcpCheckExecutor} against real TCP servers on 127.0.0.1, port 0. */
class TcpCheckExecutorTest {
    private static Vertx vertx;
    private static NameResolver resolver;
    private static TcpCheckExecutor executor;
    private static int echoPort;
    private static int greeterPort;

    @BeforeAll
    static void startServers() {
        vertx = Vertx.vertx();
        resolver = new NameResolver(vertx, Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofMinutes(5), 10_000);
        AddressGuard allowLoopback = new AddressGuard(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")));
        executor = new TcpCheckExecutor(vertx, resolver, () -> allowLoopback, "test-agent", Clock.systemUTC());
        NetServerOptions loopback = new NetServerOptions().setHost("127.0.0.1").setPort(0);
        echoPort = await(vertx.createNetServer(loopback)
                .connectHandler(socket -> socket.handler(socket::write)).listen()).actualPort();
        greeterPort = await(vertx.createNetServer(loopback)
                .connectHandler(socket -> socket.write("220 heliograph ready\r\n").onComplete(v -> socket.close()))
                .listen()).actualPort();
    }

    @AfterAll
    static void stopServers() {
        await(vertx.close());
    }

    @Test
    void openPortIsUpWithItsConnectTime() {
        CheckResult result = run(new TcpSpec("127.0.0.1", echoPort, null, null), 1_000);

        assertThat(result.status()).isEqualTo(Status.UP);
        assertThat(result.error()).isEmpty();
        assertThat(result.timings().connectMs()).isPositive();
        assertThat(result.timings().tlsMs()).isZero();
        assertThat(result.timings().totalMs()).isGreaterThanOrEqualTo(result.timings().connectMs());
    }

    @Test
    void closedPortIsDownAsRefused() throws IOException {
        CheckResult result = run(new TcpSpec("127.0.0.1", HttpCheckExecutorTest.closedPort(), null, null), 1_000);

        assertThat(result.status()).isEqualTo(Status.DOWN);
        assertThat(result.error()).isEqualTo("connection refused");
        assertThat(result.failure()).isEqualTo(Failure.CONNECT_REFUSED);
    }

    @ParameterizedTest(name = "{0} sending \"{1}\" and expecting \"{2}\" is {3} \"{4}\"")
    @CsvSource(delimiter = ';', value = {
        "echo;     PING;  PING;   UP;   ''",
        "echo;     ;      ;       UP;   ''",
        "localhost;PING;  PING;   UP;   ''",
        "greeter;  ;      220;    UP;   ''",
        "greeter;  ;      SSH-;   DOWN; expected \"SSH-\" not received",
        "echo;     PING;  PONG;   DOWN; timeout after 400 ms",
    })
    void comparesWhatIsReadWithExpect(String server, String send, String expect, Status status, String error) {
        Failure failure = status == Status.UP ? Failure.NONE : error.startsWith("timeout") ? Failure.TIMEOUT : Failure.TCP_EXPECT;
        String host = server.equals("localhost") ? "localhost" : "127.0.0.1";
        int port = server.equals("greeter") ? greeterPort : echoPort;

        CheckResult result = run(new TcpSpec(host, port, send, expect), 400);

        assertThat(result.status()).isEqualTo(status);
        assertThat(result.error()).isEqualTo(error);
        assertThat(result.failure()).isEqualTo(failure);
        if (expect != null && status == Status.UP) {
            assertThat(result.timings().ttfbMs()).isPositive();
        }
    }

    @Test
    void silentServerIsDownAtTheTimeoutWithoutWaitingLonger() {
        long start = System.nanoTime();

        CheckResult result = run(new TcpSpec("127.0.0.1", echoPort, null, "never"), 300);

        assertThat(result.error()).isEqualTo("timeout after 300 ms");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(290L, 800L);
    }

    @Test
    void loopbackRefusedByTheGuardIsAnError() {
        var guarded = new TcpCheckExecutor(vertx, resolver, AddressGuard::strict, "test-agent", Clock.systemUTC());

        CheckResult result = await(guarded.execute(check(new TcpSpec("127.0.0.1", echoPort, null, null), 1_000)));

        assertThat(result.status()).isEqualTo(Status.ERROR);
        assertThat(result.error()).startsWith("blocked by SSRF guard: loopback address 127.0.0.1");
        await(guarded.close());
    }

    private static CheckResult run(TcpSpec spec, long timeoutMs) {
        return await(executor.execute(check(spec, timeoutMs)));
    }
}
