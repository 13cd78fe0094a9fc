package dev.heliograph.probe.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class NameResolverTest {
    private final Vertx vertx = Vertx.vertx();
    private final NameResolver resolver = new NameResolver(vertx, Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofMinutes(5), 100);

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @ParameterizedTest(name = "{0} is the literal {1}")
    @CsvSource({"127.0.0.1, 127.0.0.1", "10.1.2.3, 10.1.2.3", "[::1], 0:0:0:0:0:0:0:1", "::1, 0:0:0:0:0:0:0:1"})
    void ipLiteralsNeedNoQuery(String host, String address) throws Exception {
        assertThat(NameResolver.literal(host)).isEqualTo(InetAddress.getByName(address));
        assertThat(resolver.resolve(host).await(1, TimeUnit.SECONDS).getHostAddress()).isEqualTo(InetAddress.getByName(address).getHostAddress());
    }

    @Test
    void namesAreNotLiterals() {
        // Regression: these went to the system resolver through InetAddress.getByName, on an event loop.
        assertThat(NameResolver.literal("999.1.1.1")).isNull();
        assertThat(NameResolver.literal("256.0.0.1")).isNull();
        assertThat(NameResolver.literal("localhost")).isNull();
        assertThat(NameResolver.literal("example.com")).isNull();
    }

    @Test
    void hostsFileNamesResolveThroughDnsjava() throws Exception {
        InetAddress address = resolver.resolve("localhost").await(5, TimeUnit.SECONDS);
        assertThat(address.isLoopbackAddress()).isTrue();
        // Cached: a second look-up is answered at once.
        assertThat(resolver.resolve("LOCALHOST").await(1, TimeUnit.SECONDS)).isEqualTo(address);
    }

    @Test
    void malformedNameFailsAsNoSuchHost() throws Exception {
        Throwable failure = resolver.resolve("bad..name").transform(r -> io.vertx.core.Future.succeededFuture(r.cause()))
                .await(5, TimeUnit.SECONDS);
        assertThat(failure).isInstanceOf(ResolutionException.class);
        assertThat(((ResolutionException) failure).reason()).isEqualTo(ResolutionException.Reason.NO_SUCH_HOST);
    }

    /**
     * A real DNS responder on 127.0.0.1 (UDP): answers {@code known.heliograph.test} with an A
     * record, every other name with NXDOMAIN, or nothing at all when {@code silent}.
     */
    private static final class LocalDnsServer implements AutoCloseable {
        private final DatagramSocket socket;
        private final Thread thread;

        LocalDnsServer(boolean silent) throws Exception {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            thread = Thread.ofVirtual().start(() -> serve(silent));
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
        }

        private void serve(boolean silent) {
            byte[] buffer = new byte[512];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    socket.receive(packet);
                    if (silent) {
                        continue;
                    }
                    Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                    Message answer = new Message(query.getHeader().getID());
                    answer.getHeader().setFlag(Flags.QR);
                    answer.getHeader().setFlag(Flags.RA);
                    answer.addRecord(query.getQuestion(), Section.QUESTION);
                    Name name = query.getQuestion().getName();
                    if (name.toString().equals("known.heliograph.test.") && query.getQuestion().getType() == Type.A) {
                        answer.addRecord(new ARecord(name, DClass.IN, 60, InetAddress.getByName("192.0.2.10")), Section.ANSWER);
                    } else if (!name.toString().equals("known.heliograph.test.")) {
                        answer.getHeader().setRcode(Rcode.NXDOMAIN);
                    }
                    byte[] wire = answer.toWire();
                    socket.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
                } catch (Exception e) {
                    if (!socket.isClosed()) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(2_000);
        }
    }

    private static ResolutionException.Reason failure(NameResolver resolver, String host) throws Exception {
        Throwable failure = resolver.resolve(host).transform(r -> io.vertx.core.Future.succeededFuture(r.cause()))
                .await(10, TimeUnit.SECONDS);
        assertThat(failure).isInstanceOf(ResolutionException.class);
        return ((ResolutionException) failure).reason();
    }

    @Test
    void answersComeFromTheServerAndMissingNamesAreNoSuchHost() throws Exception {
        try (LocalDnsServer dns = new LocalDnsServer(false)) {
            NameResolver local = new NameResolver(vertx, List.of(dns.address()), Duration.ofSeconds(2), Duration.ofSeconds(5),
                    Duration.ofMinutes(5), 100);
            assertThat(local.resolve("known.heliograph.test").await(5, TimeUnit.SECONDS).getHostAddress()).isEqualTo("192.0.2.10");
            assertThat(failure(local, "missing.heliograph.test")).isEqualTo(ResolutionException.Reason.NO_SUCH_HOST);
        }
    }

    @Test
    void aServerThatNeverAnswersIsATimeoutNotAMissingName() throws Exception {
        try (LocalDnsServer dns = new LocalDnsServer(true)) {
            NameResolver silent = new NameResolver(vertx, List.of(dns.address()), Duration.ofMillis(300), Duration.ofSeconds(5),
                    Duration.ofMinutes(5), 100);
            long start = System.nanoTime();
            assertThat(failure(silent, "slow.heliograph.test")).isEqualTo(ResolutionException.Reason.TIMEOUT);
            // Regression: the configured timeout did not reach dnsjava's resolvers (10 s default).
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3_000);
        }
    }
}
