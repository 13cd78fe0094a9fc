package dev.heliograph.probe.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.domain.HttpSpec;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a redirect forwards: secrets stay with the origin the operator named. */
class RedirectSecretsTest {
    private static final URI FROM = URI.create("https://api.example:443/start");

    private static HttpSpec spec(boolean bodySecret) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer token-123456");
        headers.put("X-Api-Key", "key-abcdef");
        headers.put("Accept", "text/plain");
        return new HttpSpec("POST", FROM.toString(), headers, "secret-body", List.of("2xx"), null, true, 5, true, null,
                null, Set.of("X-Api-Key"), bodySecret);
    }

    private static HttpExchange.Request request(HttpSpec spec) {
        return new HttpExchange.Request("POST", FROM, spec.requestHeaders(), spec.body());
    }

    @Test
    void theSameOriginKeepsEverything() {
        HttpSpec spec = spec(true);
        HttpExchange.Request next = HttpCheckExecutor.redirected(spec, request(spec), 307, URI.create("https://API.example/next"));
        assertThat(next.headers()).containsKeys("Authorization", "X-Api-Key", "Accept");
        assertThat(next.body()).isEqualTo("secret-body");
    }

    @Test
    void anotherHostOrADowngradeToHttpGetsNoSecretHeaders() {
        HttpSpec spec = spec(false);
        for (String target : List.of("https://other.example/next", "http://api.example/next", "https://api.example:8443/next")) {
            HttpExchange.Request next = HttpCheckExecutor.redirected(spec, request(spec), 307, URI.create(target));
            assertThat(next.headers()).as(target).containsOnlyKeys("Accept");
            assertThat(next.body()).as(target).isEqualTo("secret-body");
        }
    }

    @Test
    void aSecretBodyIsNeverResentToAnotherOriginButA303DropsItAnyway() {
        HttpSpec spec = spec(true);
        assertThat(HttpCheckExecutor.redirected(spec, request(spec), 308, URI.create("https://other.example/"))).isNull();
        HttpExchange.Request get = HttpCheckExecutor.redirected(spec, request(spec), 303, URI.create("https://other.example/"));
        assertThat(get.method()).isEqualTo("GET");
        assertThat(get.body()).isNull();
        assertThat(get.toString()).doesNotContain("token-123456").doesNotContain("secret-body");
    }
}
