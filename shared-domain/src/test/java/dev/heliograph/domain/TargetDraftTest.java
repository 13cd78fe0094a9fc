package dev.heliograph.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TargetDraftTest {
    private static TargetDraft draft(String name, CheckSpec spec, int intervalS, int timeoutMs, Set<String> tags) {
        return new TargetDraft(name, spec, intervalS, timeoutMs, List.of(new RegionId("local")), tags, true);
    }

    @Test
    void validDraftHasNoErrors() {
        assertThat(draft("api", HttpSpec.get("https://example.com/health"), 30, 5000, Set.of("prod")).validate()).isEmpty();
    }

    @ParameterizedTest(name = "interval {0} s, timeout {1} ms → {2} on {3}")
    @CsvSource({
            "0, 500, OUT_OF_RANGE, interval_s",
            "86401, 500, OUT_OF_RANGE, interval_s",
            "10, 0, OUT_OF_RANGE, timeout_ms",
            "10, 10000, TIMEOUT_NOT_BELOW_INTERVAL, timeout_ms",
            "10, 200000, OUT_OF_RANGE, timeout_ms"})
    void intervalAndTimeoutAreBounded(int intervalS, int timeoutMs, String code, String field) {
        List<FieldError> errors = draft("api", HttpSpec.get("http://example.com"), intervalS, timeoutMs, Set.of()).validate();
        assertThat(errors).extracting(FieldError::field, FieldError::code).contains(org.assertj.core.groups.Tuple.tuple(field, code));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        HttpSpec spec = new HttpSpec("FETCH", "ftp://example.com", null, null, List.of("2xx", "7xx"), null, null, 11, null, null);
        List<FieldError> errors = draft("", spec, 0, 10, Set.of("bad tag!")).validate();
        assertThat(errors).extracting(FieldError::field)
                .containsExactlyInAnyOrder("name", "spec.url", "spec.method", "spec.expected_status[1]", "spec.max_redirects",
                        "interval_s", "tags");
    }

    @ParameterizedTest(name = "url {0} is rejected")
    @CsvSource({"not a url", "/relative/path", "mailto:ops@example.com", "http://user:pw@example.com/", "https:///no-host"})
    void badUrlsAreRejected(String url) {
        assertThat(HttpSpec.get(url).validate()).extracting(FieldError::field).containsExactly("spec.url");
    }

    @Test
    void tcpSpecNeedsHostAndPortInRange() {
        assertThat(new TcpSpec(null, 70000, null, null).validate()).extracting(FieldError::field)
                .containsExactlyInAnyOrder("spec.host", "spec.port");
        assertThat(new TcpSpec("db.internal", 5432, "PING\r\n", "PONG").validate()).isEmpty();
    }

    @Test
    void httpSpecDefaultsApplyToAbsentFields() {
        HttpSpec spec = HttpSpec.get("http://example.com");
        assertThat(spec.method()).isEqualTo("GET");
        assertThat(spec.expectedStatus()).containsExactly("2xx");
        assertThat(spec.followRedirects()).isTrue();
        assertThat(spec.maxRedirects()).isEqualTo(5);
        assertThat(spec.verifyTls()).isTrue();
        assertThat(spec.acceptsStatus(204)).isTrue();
        assertThat(spec.acceptsStatus(301)).isFalse();
    }

    @ParameterizedTest(name = "key \"{0}\" is accepted")
    @CsvSource({"a", "web-1", "prod/eu:api_v2.health", "0190f1e2-7a6b-7c3d-8e9f-0123456789ab"})
    void wellFormedKeysAreAccepted(String key) {
        TargetDraft draft = draft("api", HttpSpec.get("https://example.com/"), 30, 5000, Set.of()).withKey(key);
        assertThat(draft.validate()).isEmpty();
    }

    @ParameterizedTest(name = "key \"{0}\" → {1}")
    @CsvSource(delimiter = '|', value = {"'' | INVALID_FORMAT", "has space | INVALID_FORMAT", "tag=value | INVALID_FORMAT",
            "caf\u00e9 | INVALID_FORMAT"})
    void malformedKeysAreFieldErrors(String key, String code) {
        List<FieldError> errors = draft("api", HttpSpec.get("https://example.com/"), 30, 5000, Set.of()).withKey(key).validate();
        assertThat(errors).extracting(FieldError::field, FieldError::code).containsExactly(org.assertj.core.groups.Tuple.tuple("key", code));
    }

    @Test
    void keysAreAtMost128Characters() {
        TargetDraft base = draft("api", HttpSpec.get("https://example.com/"), 30, 5000, Set.of());
        assertThat(base.withKey("k".repeat(128)).validate()).isEmpty();
        assertThat(base.withKey("k".repeat(129)).validate()).extracting(FieldError::code).containsExactly(FieldError.TOO_LONG);
        assertThat(base.validate()).as("no key: the id's text is used").isEmpty();
    }
}
