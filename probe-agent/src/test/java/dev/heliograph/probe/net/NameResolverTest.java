package dev.heliograph.probe.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
}
