package dev.heliograph.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.probe.codec.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the {@code api} scenario working (issue 6): 2,000 targets, one second per endpoint,
 * against the real services. It checks that every figure is reported, that every endpoint answered
 * requests and no errors, and that the page walk saw every target; it never judges a timing.
 */
class ApiBenchmarkSmokeIT {
    private static final List<String> ENDPOINTS =
            List.of("list first page", "list deep page", "list tag filter", "results last hour", "dashboard");

    @Test
    void shortRunReportsEveryEndpointWithRequestsAndNoErrors(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("api.json");
        ApiBenchmark.main(new String[] {"--targets", "2000", "--seconds", "1", "--json", json.toString()});

        JsonNode figures = Json.MAPPER.readTree(Files.readString(json)).path("figures");
        for (String endpoint : ENDPOINTS) {
            for (String figure : List.of("p50 (ms)", "p99 (ms)", "req/s")) {
                assertThat(figures.path(endpoint + ": " + figure).isNumber()).as(endpoint + ": " + figure).isTrue();
            }
            assertThat(figures.path(endpoint + ": requests").asLong()).as(endpoint + ": requests").isPositive();
            assertThat(figures.path(endpoint + ": errors").isNumber()).as(endpoint + ": errors").isTrue();
            assertThat(figures.path(endpoint + ": errors").asLong()).as(endpoint + ": errors").isZero();
        }
        assertThat(figures.path("walk limit=500: pages").asLong()).isEqualTo(4);
        assertThat(figures.path("walk limit=500: targets seen").asLong()).isEqualTo(2000);
        assertThat(figures.path("walk limit=500: total (ms)").isNumber()).isTrue();
        assertThat(figures.path("walk limit=500: ms per page").isNumber()).isTrue();
        assertThat(figures.path("results stored for one target").asLong()).isEqualTo(ApiBenchmark.RESULT_ROWS);
        assertThat(figures.path("verdict: list p99 ≤ 100 ms").asText()).containsAnyOf("met", "MISSED");
    }
}
