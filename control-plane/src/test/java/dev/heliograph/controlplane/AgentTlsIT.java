package dev.heliograph.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.controlplane.tls.CertificateAuthority;
import dev.heliograph.controlplane.tls.Pem;
import dev.heliograph.controlplane.tls.ServerTls;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, transport: the agent server's own CA, agent pinning, TLS 1.3 only, and the agent's
 * refusals (no fingerprint, root), with real agent processes.
 */
class AgentTlsIT {
    private TestServices services;
    private RecordingHttpServer target;
    private Vertx vertx;
    private ControlPlane plane;
    private ApiClient api;
    private String[] settings;
    private Path dataRoot;

    @BeforeEach
    void start() throws Exception {
        services = new TestServices();
        target = new RecordingHttpServer(Duration.ZERO);
        int[] ports = freePorts(3);
        settings = new String[] {"api.port=" + ports[0], "agents.port=" + ports[1], "control.port=" + ports[2],
                "agents.heartbeat_interval_s=1", "agents.poll_hold_s=5"};
        vertx = Vertx.vertx();
        plane = ControlPlane.start(vertx, services.config(settings), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
        api = new ApiClient(ports[0]);
        assertThat(api.post("/api/v1/regions", "{\"name\":\"far\"}").status()).isEqualTo(201);
        dataRoot = Files.createTempDirectory("heliograph-tls-");
    }

    @AfterEach
    void stop() throws Exception {
        if (plane != null) {
            plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
        target.close();
        services.close();
    }

    @Test
    void pinnedAgentSurvivesRotationAndRefusesAnotherCa() throws Exception {
        ApiClient.Answer created = api.post("/api/v1/regions/far/registration-tokens", "{}");
        String fingerprint = created.json().path("ca_fingerprint").asText();
        assertThat(fingerprint).matches("[0-9a-f]{64}").isEqualTo(plane.caFingerprint());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(services.tlsDir()))).isEqualTo("rwx------");
        for (String file : new String[] {"ca.pem", "ca-key.pem", "server.pem", "server-key.pem"}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(services.tlsDir().resolve(file))))
                    .as(file).isEqualTo("rw-------");
        }
        assertThat(api.post("/api/v1/targets", "{\"name\":\"far-tls\",\"kind\":\"http\",\"spec\":{\"url\":\""
                + target.url("/far") + "\"},\"interval_s\":1,\"timeout_ms\":500,\"regions\":[\"far\"]}").status()).isEqualTo(201);
        Path data = dataRoot.resolve("far-1");
        try (AgentProcess agent = AgentProcess.start(data, plane.agentPort(), "far", created.json().path("token").asText(),
                fingerprint, "far-1")) {
            Await.until("checks from the agent", Duration.ofSeconds(60), () -> target.hits("/far") >= 3);
            assertThat(Files.readString(data.resolve("ca.pem"))).isEqualTo(Files.readString(services.tlsDir().resolve("ca.pem")));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("ca.pem")))).isEqualTo("rw-------");

            // Rotation: a new server certificate from the same CA; the agent keeps its identity.
            String oldServer = Files.readString(services.tlsDir().resolve("server.pem"));
            plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
            HeliographConfig config = services.config(settings);
            ServerTls rotated = ServerTls.rotate(config.tls(), Clock.systemUTC());
            assertThat(rotated.caFingerprint()).isEqualTo(fingerprint);
            assertThat(Files.readString(services.tlsDir().resolve("server.pem"))).isNotEqualTo(oldServer);
            plane = ControlPlane.start(vertx, config, Clock.systemUTC()).await(60, TimeUnit.SECONDS);
            int before = target.hits("/far");
            Await.until("checks after the rotation", Duration.ofSeconds(60), () -> target.hits("/far") >= before + 3);
            assertThat(agent.process().isAlive()).isTrue();
            assertThat(agent.logText()).containsOnlyOnce("registering with");

            // Another CA: the pinned agent stops with one clear line.
            plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
            deleteTree(services.tlsDir());
            plane = ControlPlane.start(vertx, services.config(settings), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
            assertThat(plane.caFingerprint()).isNotEqualTo(fingerprint);
            assertThat(agent.process().waitFor(60, TimeUnit.SECONDS)).as(agent.logText()).isTrue();
            assertThat(agent.process().exitValue()).as(agent.logText()).isEqualTo(1);
            assertThat(agent.logText()).contains("is not signed by the pinned CA (sha256:" + fingerprint + ")")
                    .contains("refusing to connect");
        }
    }

    @Test
    void tls12ClientsAreRefused() throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.2");
        context.init(null, new TrustManager[] {new TrustingEverything()}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", plane.agentPort())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.setSoTimeout(10_000);
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLException.class);
        }
        SSLContext modern = SSLContext.getInstance("TLSv1.3");
        modern.init(null, new TrustManager[] {new TrustingEverything()}, null);
        try (SSLSocket socket = (SSLSocket) modern.getSocketFactory().createSocket("127.0.0.1", plane.agentPort())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.3"});
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
    }

    @Test
    void agentWithoutFingerprintOrInsecureFirstContactRefusesToRegister() throws Exception {
        String token = api.post("/api/v1/regions/far/registration-tokens", "{}").json().path("token").asText();
        try (AgentProcess agent = AgentProcess.startWith(dataRoot.resolve("far-2"), plane.agentPort(), "far", token, "far-2",
                "--allow-root")) {
            assertThat(agent.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(agent.process().exitValue()).as(agent.logText()).isEqualTo(1);
            assertThat(agent.logText()).contains("--ca-fingerprint").contains("--insecure-first-contact");
        }
        assertThat(dataRoot.resolve("far-2").resolve("identity.json")).doesNotExist();
    }

    @Test
    void agentWithAWrongFingerprintDoesNotSendItsToken() throws Exception {
        String token = api.post("/api/v1/regions/far/registration-tokens", "{}").json().path("token").asText();
        try (AgentProcess agent = AgentProcess.startWith(dataRoot.resolve("far-3"), plane.agentPort(), "far", token, "far-3",
                "--allow-root", "--ca-fingerprint", "ab".repeat(32))) {
            assertThat(agent.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(agent.process().exitValue()).as(agent.logText()).isEqualTo(1);
            assertThat(agent.logText()).contains("refusing to send the registration token");
        }
        assertThat(api.get("/api/v1/regions/far/registration-tokens").text()).doesNotContain("\"used\"");
    }

    @Test
    void aManInTheMiddleShowingTheRealCaCertificateNeverGetsTheToken() throws Exception {
        // The real CA's certificate is public; the attacker shows it after a leaf of its own CA.
        X509Certificate realCa = Pem.readCertificates(Files.readString(services.tlsDir().resolve("ca.pem"))).getFirst();
        CertificateAuthority attacker = CertificateAuthority.create(Clock.systemUTC());
        CertificateAuthority.Issued leaf = attacker.issueServer(java.util.List.of("127.0.0.1", "localhost"), Clock.systemUTC());
        java.util.concurrent.atomic.AtomicInteger registrations = new java.util.concurrent.atomic.AtomicInteger();
        io.vertx.core.http.HttpServer fake = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setSsl(true)
                        .setKeyCertOptions(io.vertx.core.net.KeyCertOptions.wrap(
                                new ChainKeyManager(leaf.key(), new X509Certificate[] {leaf.certificate(), realCa}))))
                .requestHandler(request -> {
                    if (request.path().equals("/agent/v1/register")) {
                        registrations.incrementAndGet();
                    }
                    request.response().setStatusCode(500).end();
                })
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        try (AgentProcess agent = AgentProcess.start(dataRoot.resolve("far-5"), fake.actualPort(), "far", "hg_reg_stolen",
                plane.caFingerprint(), "far-5")) {
            assertThat(agent.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(agent.process().exitValue()).as(agent.logText()).isEqualTo(1);
            assertThat(agent.logText()).contains("refusing to send the registration token");
        } finally {
            fake.close().await(10, TimeUnit.SECONDS);
        }
        assertThat(registrations.get()).isZero();
    }

    @Test
    void agentRunAsRootWithoutAllowRootExitsWithUsageError() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ProcessUser.isRoot(), "only testable as root");
        try (AgentProcess agent = AgentProcess.startWith(dataRoot.resolve("far-4"), plane.agentPort(), "far", "hg_reg_x", "far-4",
                "--ca-fingerprint", plane.caFingerprint())) {
            assertThat(agent.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(agent.process().exitValue()).as(agent.logText()).isEqualTo(2);
            assertThat(agent.logText()).contains("refusing to run as root").contains("--allow-root");
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static int[] freePorts(int count) throws Exception {
        ServerSocket[] sockets = new ServerSocket[count];
        int[] ports = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
        return ports;
    }

    /** Test code only: the handshake, not the chain, is under test. */
    private static final class TrustingEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** Serves a fixed chain, valid or not (a key store would refuse one that does not chain). */
    private static final class ChainKeyManager extends javax.net.ssl.X509ExtendedKeyManager {
        private final java.security.PrivateKey key;
        private final X509Certificate[] chain;

        ChainKeyManager(java.security.PrivateKey key, X509Certificate[] chain) {
            this.key = key;
            this.chain = chain;
        }

        @Override
        public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return null;
        }

        @Override
        public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            return new String[] {"server"};
        }

        @Override
        public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return "server";
        }

        @Override
        public String chooseEngineServerAlias(String keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
            return "server";
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return chain.clone();
        }

        @Override
        public java.security.PrivateKey getPrivateKey(String alias) {
            return key;
        }
    }
}
