package dev.heliograph.probe.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.domain.HttpSpec;
import dev.heliograph.domain.TcpSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostKeyTest {
    @ParameterizedTest(name = "{0} is keyed {1}:{2}")
    @CsvSource({
        "http://Example.COM/health,       example.com, 80",
        "https://example.com/health,      example.com, 443",
        "HTTPS://example.com:8443/,       example.com, 8443",
        "http://127.0.0.1:9000/x,         127.0.0.1,   9000",
        "http://[::1]:8080/,              [::1],       8080",
    })
    void httpTargetsAreKeyedByLowerCaseHostAndEffectivePort(String url, String host, int port) {
        assertThat(HostKey.of(HttpSpec.get(url))).contains(new HostKey(host, port));
    }

    @ParameterizedTest(name = "tcp {0}:{1}")
    @CsvSource({"DB.internal, 5432, db.internal", "10.0.0.1, 22, 10.0.0.1"})
    void tcpTargetsAreKeyedByLowerCaseHostAndPort(String host, int port, String key) {
        assertThat(HostKey.of(new TcpSpec(host, port, null, null))).contains(new HostKey(key, port));
    }

    @ParameterizedTest(name = "\"{0}\" has no key")
    @CsvSource({"'not a url'", "'http:///no-host'", "'mailto:ops@example.com'"})
    void specsWithoutAHostHaveNoKey(String url) {
        assertThat(HostKey.of(HttpSpec.get(url))).isEmpty();
    }
}
