package dev.heliograph.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which fields of an {@link HttpSpec} are secret, and that no text made from a spec shows them (issue 7). */
class HttpSpecSecretsTest {
    private static final String TOKEN = "Bearer planted-token-4711";
    private static final String API_KEY = "planted-api-key-0815";
    private static final String BODY = "{\"password\":\"planted-body-secret\"}";
    private static final String PASSWORD = "planted-password-42";

    private static HttpSpec withSecrets() {
        return new HttpSpec("POST", "https://api.example.com/health",
                Map.of("authorization", TOKEN, "X-Api-Key", API_KEY, "X-Trace", "visible"), BODY, null, null, null, null,
                null, null, new HttpSpec.BasicAuth("monitor", PASSWORD), Set.of("X-Api-Key", "X-Not-A-Header"), true);
    }

    @ParameterizedTest(name = "{0} is always secret")
    @ValueSource(strings = {"Authorization", "authorization", "PROXY-AUTHORIZATION", "Proxy-Authorization"})
    void authorizationHeadersAreAlwaysSecret(String name) {
        HttpSpec spec = new HttpSpec(null, "http://example.com", Map.of(name, "x"), null, null, null, null, null, null, null);

        assertThat(spec.secretHeaders()).containsExactly(name);
    }

    @Test
    void markedHeadersAndBodyAreSecretAndMarksOfAbsentFieldsAreDropped() {
        HttpSpec spec = withSecrets();

        assertThat(spec.secretHeaders()).containsExactlyInAnyOrder("authorization", "X-Api-Key");
        assertThat(spec.bodySecret()).isTrue();
        assertThat(new HttpSpec(null, "http://example.com", null, null, null, null, null, null, null, null, null, null, true)
                .bodySecret()).as("no body, nothing secret").isFalse();
    }

    @Test
    void toStringOfSpecAndTargetShowsNoSecret() {
        HttpSpec spec = withSecrets();
        Target target = new Target(TargetId.random(), OrgId.DEFAULT, "t", spec, Duration.ofSeconds(30), Duration.ofSeconds(5),
                List.of(new RegionId("local")), Set.of(), true, Instant.EPOCH, Instant.EPOCH, 1);
        TargetDraft draft = new TargetDraft("t", spec, 30, 5000, null, null, true);

        for (String text : List.of(spec.toString(), target.toString(), draft.toString())) {
            assertThat(text).doesNotContain(TOKEN, API_KEY, BODY, PASSWORD, "planted").contains("X-Trace=visible", "monitor");
        }
    }

    @Test
    void redactReplacesEverySecretIncludingTheBasicAuthToken() {
        HttpSpec spec = withSecrets();
        String basicToken = spec.basicAuth().headerValue().substring("Basic ".length());

        String redacted = spec.redact("saw " + TOKEN + ", " + API_KEY + ", " + BODY + ", " + PASSWORD + ", " + basicToken
                + ", " + TOKEN.substring("Bearer ".length()));

        assertThat(redacted).isEqualTo("saw ***, ***, ***, ***, ***, ***");
        assertThat(HttpSpec.get("http://example.com").redact("nothing secret")).isEqualTo("nothing secret");
    }

    @Test
    void requestHeadersAddBasicAuthAsRfc7617Header() {
        HttpSpec spec = new HttpSpec(null, "http://example.com", Map.of("X-Trace", "1"), null, null, null, null, null, null,
                null, new HttpSpec.BasicAuth("Aladdin", "open sesame"), null, false);

        assertThat(spec.requestHeaders()).containsEntry("Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
                .containsEntry("X-Trace", "1");
    }

    @Test
    void basicAuthWithAnAuthorizationHeaderConflictsAndMessagesEchoNoSecret() {
        HttpSpec spec = new HttpSpec(null, "http://example.com", Map.of("Authorization", TOKEN), null, null, null, null, null,
                null, null, new HttpSpec.BasicAuth("user:name", "line\nbreak-" + PASSWORD), null, false);

        List<FieldError> errors = spec.validate();

        assertThat(errors).extracting(FieldError::field, FieldError::code).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("spec.basic_auth.username", FieldError.INVALID_FORMAT),
                org.assertj.core.groups.Tuple.tuple("spec.basic_auth.password", FieldError.INVALID_FORMAT),
                org.assertj.core.groups.Tuple.tuple("spec.basic_auth", FieldError.CONFLICT));
        assertThat(errors).extracting(FieldError::message).noneMatch(message -> message.contains("planted"));
    }
}
