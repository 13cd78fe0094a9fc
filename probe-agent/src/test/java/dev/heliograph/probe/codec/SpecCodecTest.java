package dev.heliograph.probe.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.HttpSpec;
import dev.heliograph.domain.TcpSpec;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The JSON forms of specs and their secret fields (issue 7). */
class SpecCodecTest {
    private static final HttpSpec SPEC = new HttpSpec("POST", "http://example.com/",
            Map.of("Authorization", "Bearer t0k3n", "X-Api-Key", "k3y", "X-Trace", "visible"), "{\"pw\":\"b0dy\"}", null, null,
            null, null, null, null, new HttpSpec.BasicAuth("monitor", "p4ss"), Set.of("X-Api-Key"), true);

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void treeMarksSecretsInPlainTextAndReadsBackToTheSameSpec() throws Exception {
        JsonNode tree = SpecCodec.tree(SPEC);

        assertThat(tree.path("headers").path("Authorization")).isEqualTo(json("{\"value\": \"Bearer t0k3n\", \"secret\": true}"));
        assertThat(tree.path("headers").path("X-Api-Key")).isEqualTo(json("{\"value\": \"k3y\", \"secret\": true}"));
        assertThat(tree.path("headers").path("X-Trace").asText()).isEqualTo("visible");
        assertThat(tree.path("body").path("secret").asBoolean()).isTrue();
        assertThat(tree.path("basic_auth")).isEqualTo(json("{\"username\": \"monitor\", \"password\": {\"value\": \"p4ss\", \"secret\": true}}"));
        assertThat(tree.has("secret_headers") || tree.has("body_secret")).as("domain markers stay out of JSON").isFalse();
        assertThat(SpecCodec.read(CheckKind.HTTP, tree)).isEqualTo(SPEC);
    }

    @Test
    void maskedShowsEverySecretAsStarsAndKeepsOtherFields() {
        String masked = SpecCodec.masked(SPEC).toString();

        assertThat(masked).doesNotContain("t0k3n", "k3y", "b0dy", "p4ss")
                .contains("{\"value\":\"***\",\"secret\":true}", "\"X-Trace\":\"visible\"", "\"username\":\"monitor\"");
        assertThat(SpecCodec.secretFields(SPEC)).containsExactlyInAnyOrder("spec.headers.Authorization",
                "spec.headers.X-Api-Key", "spec.body", "spec.basic_auth.password");
    }

    @Test
    void plainStringsAndUnmarkedObjectsAreNotSecretExceptAlwaysSecretFields() throws Exception {
        HttpSpec spec = (HttpSpec) SpecCodec.read(CheckKind.HTTP, json("""
                {"url": "http://example.com", "headers": {"X-A": "plain", "X-B": {"value": "b", "secret": false},
                 "proxy-authorization": "Basic eA=="}, "body": {"value": "hello"}}"""));

        assertThat(spec.headers()).containsEntry("X-B", "b");
        assertThat(spec.secretHeaders()).containsExactly("proxy-authorization");
        assertThat(spec.bodySecret()).isFalse();
        assertThat(spec.body()).isEqualTo("hello");
    }

    @ParameterizedTest(name = "{0} is refused at {1}")
    @CsvSource(delimiter = ';', value = {
        "{\"url\": \"http://x\", \"secret_headers\": [\"X-A\"]};                   secret_headers",
        "{\"url\": \"http://x\", \"body_secret\": true};                           body_secret",
        "{\"url\": \"http://x\", \"headers\": {\"X-A\": {\"value\": 1}}};         headers.X-A.value",
        "{\"url\": \"http://x\", \"headers\": {\"X-A\": {\"vaule\": \"a\"}}};     headers.X-A.vaule",
        "{\"url\": \"http://x\", \"basic_auth\": {\"username\": \"u\", \"password\": {\"secret\": true}}}; basic_auth.password",
    })
    void malformedSecretFieldsAndDomainMarkersAreRefusedWithTheirPath(String text, String path) {
        assertThatThrownBy(() -> SpecCodec.read(CheckKind.HTTP, json(text)))
                .isInstanceOfSatisfying(JsonMappingException.class, e -> assertThat(String.join(".", e.getPath().stream()
                        .map(JsonMappingException.Reference::getFieldName).toList())).isEqualTo(path));
    }

    @Test
    void unknownFieldListsNoDomainMarker() {
        assertThatThrownBy(() -> SpecCodec.read(CheckKind.HTTP, json("{\"url\": \"http://x\", \"colour\": 1}")))
                .isInstanceOfSatisfying(UnrecognizedPropertyException.class, e -> assertThat(e.getKnownPropertyIds())
                        .contains("url", "basic_auth").doesNotContain("secret_headers", "body_secret"));
    }

    @Test
    void tcpSpecsHaveNoSecretFields() throws Exception {
        TcpSpec spec = new TcpSpec("db.internal", 5432, "PING", "PONG");

        assertThat(SpecCodec.masked(spec)).isEqualTo(SpecCodec.tree(spec));
        assertThat(SpecCodec.read(CheckKind.TCP, SpecCodec.tree(spec))).isEqualTo(spec);
    }
}
