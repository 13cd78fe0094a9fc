package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.FieldError;
import dev.heliograph.domain.HttpSpec;
import dev.heliograph.probe.codec.Json;
import dev.heliograph.probe.codec.SpecCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code "***"} in a request keeps the stored secret, and only where there is one (issue 7). */
class SecretFieldsTest {
    private static final HttpSpec STORED = new HttpSpec(null, "http://example.com/",
            Map.of("Authorization", "Bearer t0k3n", "X-Api-Key", "k3y"), "b0dy", null, null, null, null, null, null,
            new HttpSpec.BasicAuth("monitor", "p4ss"), Set.of("X-Api-Key"), true);

    @Test
    void starsKeepEveryStoredSecretWhateverTheirForm() throws Exception {
        List<FieldError> errors = new ArrayList<>();
        JsonNode masked = SpecCodec.masked(STORED);
        ((com.fasterxml.jackson.databind.node.ObjectNode) masked.path("headers")).put("x-api-key", "***").remove("X-Api-Key");

        JsonNode resolved = SecretFields.resolve(CheckKind.HTTP, masked, STORED, errors);

        assertThat(errors).isEmpty();
        HttpSpec spec = (HttpSpec) SpecCodec.read(CheckKind.HTTP, resolved);
        assertThat(spec.headers()).containsEntry("Authorization", "Bearer t0k3n").containsEntry("x-api-key", "k3y");
        assertThat(spec.secretHeaders()).containsExactlyInAnyOrder("Authorization", "x-api-key");
        assertThat(spec.body()).isEqualTo("b0dy");
        assertThat(spec.bodySecret()).isTrue();
        assertThat(spec.basicAuth().password()).isEqualTo("p4ss");
    }

    @Test
    void starsWithoutAStoredSecretAreSecretNotSet() throws Exception {
        JsonNode request = Json.MAPPER.readTree("""
                {"url": "http://example.com", "headers": {"Authorization": "***", "X-New": {"value": "***", "secret": true}}}""");
        List<FieldError> onCreate = new ArrayList<>();
        List<FieldError> onUpdate = new ArrayList<>();

        SecretFields.resolve(CheckKind.HTTP, request, null, onCreate);
        SecretFields.resolve(CheckKind.HTTP, request, STORED, onUpdate);

        assertThat(onCreate).extracting(FieldError::field, FieldError::code).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("spec.headers.Authorization", FieldError.SECRET_NOT_SET),
                org.assertj.core.groups.Tuple.tuple("spec.headers.X-New", FieldError.SECRET_NOT_SET));
        assertThat(onUpdate).extracting(FieldError::field).containsExactly("spec.headers.X-New");
    }

    @Test
    void starsAreNotKeptWhenTheUrlMovesToAnotherOrigin() throws Exception {
        for (String url : List.of("https://example.com/", "http://attacker.example/", "http://example.com:8080/")) {
            JsonNode request = Json.MAPPER.readTree("{\"url\": \"" + url + "\", \"headers\": {\"Authorization\": \"***\"}}");
            List<FieldError> errors = new ArrayList<>();
            SecretFields.resolve(CheckKind.HTTP, request, STORED, errors);
            assertThat(errors).as(url).extracting(FieldError::field, FieldError::code).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("spec.headers.Authorization", FieldError.SECRET_NOT_SET));
            assertThat(errors.getFirst().message()).contains("another origin").doesNotContain("t0k3n");
        }
        JsonNode samePlace = Json.MAPPER.readTree("{\"url\": \"http://EXAMPLE.com:80/other\", \"headers\": {\"Authorization\": \"***\"}}");
        List<FieldError> none = new ArrayList<>();
        SecretFields.resolve(CheckKind.HTTP, samePlace, STORED, none);
        assertThat(none).isEmpty();
    }

    @Test
    void alwaysSecretFieldsCannotBeMarkedNotSecret() throws Exception {
        JsonNode request = Json.MAPPER.readTree("""
                {"url": "http://example.com", "headers": {"Authorization": {"value": "Bearer x", "secret": false},
                 "X-Free": {"value": "y", "secret": false}},
                 "basic_auth": {"username": "u", "password": {"value": "p", "secret": false}}}""");
        List<FieldError> errors = new ArrayList<>();

        SecretFields.resolve(CheckKind.HTTP, request, null, errors);

        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("spec.headers.Authorization",
                "spec.basic_auth.password");
        assertThat(errors).extracting(FieldError::message).noneMatch(m -> m.contains("Bearer x"));
    }
}
