package dev.heliograph.probe.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.HttpSpec;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.net.AddressGuard;
import dev.heliograph.probe.net.Cidr;
import dev.heliograph.probe.net.NameResolver;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link HttpCheckExecutor} against real HTTP(S) servers and raw sockets on 127.0.0.1, port 0. */
class HttpCheckExecutorTest {
    private static Vertx vertx;
    private static NameResolver resolver;
    private static HttpCheckExecutor executor;
    private static int port;
    private static int tlsPort;
    private static ServerSocket resetting;
    private static ServerSocket hangingUp;

    @BeforeAll
    static void startServers() throws Exception {
        vertx = Vertx.vertx();
        resolver = new NameResolver(vertx, Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofMinutes(5), 10_000);
        AddressGuard allowLoopback = new AddressGuard(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")));
        executor = new HttpCheckExecutor(vertx, resolver, () -> allowLoopback, "test-agent", Clock.systemUTC());
        port = await(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(HttpCheckExecutorTest::route).listen()).actualPort();
        SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
        tlsPort = await(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
                .setKeyCertOptions(certificate.keyCertOptions()))
                .requestHandler(HttpCheckExecutorTest::route).listen()).actualPort();
        resetting = rawServer(socket -> {
            try {
                socket.setSoLinger(true, 0); // close with RST instead of FIN
            } catch (IOException ignored) {
                // the socket is closed below either way
            }
        });
        hangingUp = rawServer(socket -> { });
    }

    @AfterAll
    static void stopServers() throws Exception {
        resetting.close();
        hangingUp.close();
        await(vertx.close());
    }

    private static void route(HttpServerRequest request) {
        String path = request.path();
        var response = request.response();
        if (path.equals("/ok")) {
            response.end("hello heliograph");
        } else if (path.startsWith("/status/")) {
            response.setStatusCode(Integer.parseInt(path.substring(8))).end("status " + path.substring(8));
        } else if (path.startsWith("/redirect/")) {
            int left = Integer.parseInt(path.substring(10));
            response.setStatusCode(302).putHeader("Location", left == 0 ? "/ok" : "/redirect/" + (left - 1)).end();
        } else if (path.equals("/loop")) {
            response.setStatusCode(302).putHeader("Location", "http://127.0.0.1:" + port + "/loop").end();
        } else if (path.equals("/to-metadata")) {
            response.setStatusCode(302).putHeader("Location", "http://169.254.169.254/latest/meta-data/").end();
        } else if (path.equals("/see-other")) {
            response.setStatusCode(303).putHeader("Location", "/method").end();
        } else if (path.equals("/method")) {
            response.end("method=" + request.method() + " host=" + request.getHeader("Host")
                    + " agent=" + request.getHeader("User-Agent") + " x-probe=" + request.getHeader("X-Probe"));
        } else if (path.equals("/credentials")) {
            response.end("authorization=" + request.getHeader("Authorization"));
        } else if (path.equals("/reflect-credentials")) {
            response.setStatusCode(302).putHeader("Location", "ftp://reflected/" + request.getHeader("Authorization")).end();
        } else if (path.equals("/chunked")) {
            response.setChunked(true).write("part one, ");
            vertx.setTimer(20, id -> response.write("part two, ").compose(v -> response.end("needle-in-chunks")));
        } else if (path.equals("/big")) {
            response.end("x".repeat(100 * 1024) + "late-needle");
        } else if (path.startsWith("/delay/")) {
            vertx.setTimer(Long.parseLong(path.substring(7)), id -> response.end("late but fine"));
        }
        // "/slow" never answers
    }

    @ParameterizedTest(name = "{0} with expected_status {1} is {2} \"{3}\"")
    @CsvSource(delimiter = ';', value = {
        "200;  2xx;      UP;   '';                          NONE",
        "404;  2xx;      DOWN; wanted 2xx, got 404;         HTTP_STATUS",
        "500;  2xx;      DOWN; wanted 2xx, got 500;         HTTP_STATUS",
        "503;  200|204;  DOWN; 'wanted 200,204, got 503';   HTTP_STATUS",
        "404;  404;      UP;   '';                          NONE",
        "418;  400-499;  UP;   '';                          NONE",
    })
    void judgesTheStatusCode(int code, String expected, Status status, String error, Failure failure) {
        HttpSpec spec = new HttpSpec(null, url("/status/" + code), null, null, Arrays.asList(expected.split("\\|")),
                null, null, null, null, null);

        CheckResult result = run(spec, 2_000);

        assertThat(result.status()).isEqualTo(status);
        assertThat(result.failure()).isEqualTo(failure);
        assertThat(result.error()).isEqualTo(error);
        assertThat(result.httpStatus()).isEqualTo(code);
    }

    @Test
    void upAnswerReportsEveryPlainHttpPhase() {
        CheckResult result = run(HttpSpec.get(url("/ok")), 2_000);

        assertThat(result.status()).isEqualTo(Status.UP);
        assertThat(result.agentId()).isEqualTo("test-agent");
        assertThat(result.timings().dnsMs()).isBetween(0.0, 50.0);
        assertThat(result.timings().connectMs()).isPositive();
        assertThat(result.timings().tlsMs()).isZero();
        assertThat(result.timings().ttfbMs()).isPositive();
        assertThat(result.timings().totalMs()).isGreaterThanOrEqualTo(
                result.timings().connectMs() + result.timings().ttfbMs());
    }

    @Test
    void resolvesLocalhostThroughTheHostsFile() {
        CheckResult result = run(HttpSpec.get("http://localhost:" + port + "/ok"), 2_000);

        assertThat(result.status()).isEqualTo(Status.UP);
        assertThat(result.httpStatus()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0} containing \"{1}\" is {2}")
    @CsvSource(delimiter = ';', value = {
        "/ok;       heliograph;       UP;   ''",
        "/ok;       absent words;     DOWN; body does not contain \"absent words\"",
        "/chunked;  needle-in-chunks; UP;   ''",
        "/big;      late-needle;      DOWN; body does not contain \"late-needle\"",
    })
    void looksForTextInTheFirst64KiBOfTheBody(String path, String needle, Status status, String error) {
        HttpSpec spec = new HttpSpec(null, url(path), null, null, null, needle, null, null, null, null);

        CheckResult result = run(spec, 2_000);

        assertThat(result.status()).isEqualTo(status);
        assertThat(result.failure()).isEqualTo(status == Status.UP ? Failure.NONE : Failure.BODY_MISMATCH);
        assertThat(result.error()).isEqualTo(error);
    }

    @Test
    void cutsAVeryLongNeedleTo64CharactersInTheError() {
        String needle = "n".repeat(100);
        HttpSpec spec = new HttpSpec(null, url("/ok"), null, null, null, needle, null, null, null, null);

        assertThat(run(spec, 2_000).error()).isEqualTo("body does not contain \"" + "n".repeat(64) + "\"");
    }

    @Test
    void slowAnswerIsDownAtTheTimeout() {
        long start = System.nanoTime();

        CheckResult result = run(HttpSpec.get(url("/slow")), 300);

        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(result.status()).isEqualTo(Status.DOWN);
        assertThat(result.error()).isEqualTo("timeout after 300 ms");
        assertThat(result.failure()).isEqualTo(Failure.TIMEOUT);
        assertThat(elapsedMs).isBetween(290L, 800L);
        assertThat(result.timings().totalMs()).isBetween(290.0, 800.0);
    }

    @Test
    void goodButSlowAnswerIsDegraded() {
        HttpSpec spec = new HttpSpec(null, url("/delay/150"), null, null, null, null, null, null, null, 50);

        CheckResult result = run(spec, 2_000);

        assertThat(result.status()).isEqualTo(Status.DEGRADED);
        assertThat(result.error()).matches("slow: \\d+ ms > 50 ms");
        assertThat(result.failure()).isEqualTo(Failure.SLOW);
    }

    @ParameterizedTest(name = "{0} is down with \"{1}\"")
    @CsvSource(delimiter = ';', value = {
        "refused;  connection refused;                 CONNECT_REFUSED",
        "reset;    connection reset;                   CONNECTION_RESET",
        "hang-up;  connection closed before response;  CONNECTION_RESET",
    })
    void brokenConnectionsAreDown(String kind, String error, Failure failure) throws IOException {
        int target = switch (kind) {
            case "refused" -> closedPort();
            case "reset" -> resetting.getLocalPort();
            default -> hangingUp.getLocalPort();
        };

        CheckResult result = run(HttpSpec.get("http://127.0.0.1:" + target + "/"), 2_000);

        assertThat(result.status()).isEqualTo(Status.DOWN);
        assertThat(result.error()).isEqualTo(error);
        assertThat(result.failure()).isEqualTo(failure);
        assertThat(result.failure().hostLevel()).isTrue();
        assertThat(result.httpStatus()).isZero();
    }

    @Test
    void followsRelativeRedirectsAndSumsThePhases() {
        CheckResult result = run(new HttpSpec(null, url("/redirect/2"), null, null, null, "heliograph",
                null, null, null, null), 2_000);

        assertThat(result.status()).isEqualTo(Status.UP);
        assertThat(result.httpStatus()).isEqualTo(200);
        assertThat(result.timings().connectMs()).isPositive();
        assertThat(result.timings().totalMs()).isGreaterThan(result.timings().ttfbMs());
    }

    @Test
    void endlessRedirectsAreDownAfterMaxRedirects() {
        CheckResult result = run(new HttpSpec(null, url("/loop"), null, null, null, null, null, 3, null, null), 2_000);

        assertThat(result.status()).isEqualTo(Status.DOWN);
        assertThat(result.httpStatus()).isEqualTo(302);
        assertThat(result.error()).isEqualTo("too many redirects (max 3)");
        assertThat(result.failure()).isEqualTo(Failure.REDIRECT);
    }

    @Test
    void redirectIsJudgedAsIsWhenNotFollowed() {
        CheckResult result = run(new HttpSpec(null, url("/loop"), null, null, List.of("302"), null, false, null,
                null, null), 2_000);

        assertThat(result.status()).isEqualTo(Status.UP);
        assertThat(result.httpStatus()).isEqualTo(302);
    }

    @Test
    void seeOtherTurnsAPostIntoAGetWithTheSameHeaders() {
        // The redirected request itself must arrive as a GET carrying the spec's header: /method echoes both.
        HttpSpec spec = new HttpSpec("POST", url("/see-other"), Map.of("X-Probe", "yes"), "{\"a\":1}", null,
                "method=GET host=127.0.0.1:" + port + " agent=Heliograph/0.1 (region local) x-probe=yes", null, null, null, null);

        CheckResult result = run(spec, 2_000);

        assertThat(result.status()).isEqualTo(Status.UP);
        assertThat(result.error()).isEmpty();
    }

    @Test
    void theUserAgentNamesTheRegionUnlessTheSpecSetsOne() {
        assertThat(HttpCheckExecutor.withUserAgent(Map.of("X-A", "1"), "eu-west"))
                .containsEntry("User-Agent", "Heliograph/0.1 (region eu-west)").containsEntry("X-A", "1");
        assertThat(HttpCheckExecutor.withUserAgent(Map.of("user-agent", "mine"), "eu-west")).containsExactly(Map.entry("user-agent", "mine"));
    }

    @Test
    void basicAuthIsSentAsAnAuthorizationHeader() {
        // RFC 7617: base64 of "user:pässword" in UTF-8.
        String expected = "Basic dXNlcjpww6Rzc3dvcmQ=";
        HttpSpec spec = new HttpSpec(null, url("/credentials"), null, null, null, "authorization=" + expected, null, null,
                null, null, new HttpSpec.BasicAuth("user", "pässword"), null, false);

        CheckResult result = run(spec, 2_000);

        assertThat(result.status()).isEqualTo(Status.UP);
    }

    @Test
    void secretReflectedByTheServerIsRedactedFromTheError() {
        HttpSpec spec = new HttpSpec(null, url("/reflect-credentials"), Map.of("Authorization", "Bearer s3cr3t-t0k3n"), null,
                null, null, null, null, null, null);

        CheckResult result = run(spec, 2_000);

        assertThat(result.status()).isEqualTo(Status.DOWN);
        assertThat(result.error()).isEqualTo("cannot follow redirect to \"ftp://reflected/***\"");
    }

    @ParameterizedTest(name = "https://{0} with verify_tls={1} is {2} \"{3}\"")
    @CsvSource(delimiter = ';', value = {
        "localhost; true;  DOWN; tls: certificate not trusted",
        "localhost; false; UP;   ''",
        "127.0.0.1; false; UP;   ''",
    })
    void selfSignedCertificateIsTrustedOnlyWithoutVerification(String host, boolean verify, Status status,
                                                               String error) {
        HttpSpec spec = new HttpSpec(null, "https://" + host + ":" + tlsPort + "/ok", null, null, null, null, null,
                null, verify, null);

        CheckResult result = run(spec, 3_000);

        assertThat(result.status()).isEqualTo(status);
        assertThat(result.error()).isEqualTo(error);
        assertThat(result.failure()).isEqualTo(status == Status.UP ? Failure.NONE : Failure.TLS_HANDSHAKE);
        assertThat(result.timings().tlsMs()).isPositive();
        if (status == Status.UP) {
            assertThat(result.timings().ttfbMs()).isPositive();
        }
    }

    @Test
    void plainHttpToATlsPortIsDownWithAReason() {
        CheckResult result = run(HttpSpec.get("http://127.0.0.1:" + tlsPort + "/ok"), 2_000);

        assertThat(result.status()).isEqualTo(Status.DOWN);
        assertThat(result.error()).isNotEmpty();
    }

    @Test
    void loopbackRefusedByTheGuardIsAnError() {
        var guarded = new HttpCheckExecutor(vertx, resolver, AddressGuard::strict, "test-agent", Clock.systemUTC());

        CheckResult result = await(guarded.execute(check(HttpSpec.get(url("/ok")), 2_000)));

        assertThat(result.status()).isEqualTo(Status.ERROR);
        assertThat(result.error()).startsWith("blocked by SSRF guard: loopback address 127.0.0.1");
        assertThat(result.failure()).isEqualTo(Failure.BLOCKED_SSRF);
        assertThat(result.failure().configuration()).isTrue();
        await(guarded.close());
    }

    @Test
    void redirectToABlockedAddressIsRefusedWithoutConnecting() {
        CheckResult result = await(executor.execute(check(HttpSpec.get(url("/to-metadata")), 2_000)));

        assertThat(result.status()).isEqualTo(Status.ERROR);
        assertThat(result.error()).isEqualTo(
                "blocked by SSRF guard: cloud metadata address 169.254.169.254 is not allowed (probe.allowed_cidrs)");
    }

    @Test
    void completesOnTheCallingContext() {
        Context context = vertx.getOrCreateContext();
        CompletableFuture<Boolean> sameContext = new CompletableFuture<>();

        context.runOnContext(v -> executor.execute(check(HttpSpec.get(url("/ok")), 2_000))
                .onComplete(done -> sameContext.complete(Vertx.currentContext() == context)));

        assertThat(sameContext).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(true);
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private static CheckResult run(HttpSpec spec, long timeoutMs) {
        return await(executor.execute(check(spec, timeoutMs)));
    }

    static Check check(dev.heliograph.domain.CheckSpec spec, long timeoutMs) {
        Target target = new Target(TargetId.random(), OrgId.DEFAULT, "t", spec, Duration.ofSeconds(30),
                Duration.ofMillis(timeoutMs), List.of(new RegionId("local")), Set.of(), true, Instant.now(),
                Instant.now(), 1);
        return new Check(target, new RegionId("local"), Instant.now());
    }

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A server that reads each request head, applies {@code beforeClose} and closes without answering. */
    private static ServerSocket rawServer(Consumer<Socket> beforeClose) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    readHead(socket.getInputStream());
                    beforeClose.accept(socket);
                } catch (IOException e) {
                    // closed server or client gone: keep serving until closed
                }
            }
        });
        return server;
    }

    private static void readHead(InputStream in) throws IOException {
        byte[] end = {'\r', '\n', '\r', '\n'};
        int matched = 0;
        while (matched < end.length) {
            int b = in.read();
            if (b == -1) {
                return;
            }
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }
}
