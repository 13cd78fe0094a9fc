package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.api.ConfigFile.Format;
import dev.heliograph.domain.HttpSpec;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import dev.heliograph.domain.TcpSpec;
import dev.heliograph.probe.codec.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TargetFileCodecTest {
    /** Strings that YAML would read as numbers, booleans, nulls or other structures if written unquoted. */
    private static final List<String> TRICKY = List.of("0x1F", "1e5", "1_000", "12:30", "no", "on", "~", "null", ".inf", "007", "",
            "  lead", "trail ", "a: b", "#x", "- x", "[x]", "*a", "&a", "!t", "'q'", "\"d\"", "é", "a\nb\n", "a\nb", " x\ny", "\tz");

    private static Target target(String key, String name, Map<String, String> headers, Set<String> tags) {
        HttpSpec spec = new HttpSpec("POST", "https://example.com/health", headers, "line one\nline two\n", List.of("2xx", "301"),
                "ok", true, 3, true, 800, null, Set.of("Authorization"), false);
        return new Target(TargetId.random(), OrgId.DEFAULT, key, name, spec, Duration.ofSeconds(30), Duration.ofMillis(5000),
                List.of(new RegionId("local"), new RegionId("eu-west")), tags, false, Instant.EPOCH, Instant.EPOCH, 1);
    }

    private static List<Target> targets() {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < TRICKY.size(); i++) {
            headers.put("X-H" + i, TRICKY.get(i));
        }
        headers.put("Authorization", "Bearer s3cret");
        Target tcp = new Target(TargetId.random(), OrgId.DEFAULT, "b:5432", "0x1F", new TcpSpec("db", 5432, "PING\r\n", "PONG"),
                Duration.ofSeconds(10), Duration.ofMillis(2000), List.of(new RegionId("local")), Set.of(), true, Instant.EPOCH,
                Instant.EPOCH, 3);
        return List.of(target("z/web", "no", headers, Set.of("1_000", "no", "prod")), tcp);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Format.class)
    void everyValueReadsBackWithItsType(Format format) {
        String file = TargetFileCodec.write(format, targets());
        JsonNode read = TargetFileCodec.read(format, file);
        JsonNode expected = TargetFileCodec.read(Format.JSON, TargetFileCodec.write(Format.JSON, targets()));
        assertThat(read).isEqualTo(expected);
        JsonNode headers = read.path("targets").get(1).path("spec").path("headers");
        for (int i = 0; i < TRICKY.size(); i++) {
            assertThat(headers.path("X-H" + i).isTextual()).as(TRICKY.get(i)).isTrue();
            assertThat(headers.path("X-H" + i).textValue()).isEqualTo(TRICKY.get(i));
        }
    }

    @Test
    void theFileIsSortedByKeyAndMasksSecrets() {
        String yaml = TargetFileCodec.write(Format.YAML, targets());
        assertThat(yaml).startsWith("version: 1\ntargets:\n  - key: \"b:5432\"\n").doesNotContain("s3cret");
        JsonNode web = TargetFileCodec.read(Format.YAML, yaml).path("targets").get(1);
        assertThat(web.path("spec").path("headers").path("Authorization").toString()).isEqualTo("{\"value\":\"***\",\"secret\":true}");
        assertThat(web.path("tags").toString()).isEqualTo("[\"1_000\",\"no\",\"prod\"]");
        List<String> fields = Json.MAPPER.convertValue(web, Map.class).keySet().stream().map(Object::toString).toList();
        assertThat(fields).containsExactly("key", "name", "kind", "spec", "interval_s", "timeout_ms", "regions", "tags", "enabled");
    }

    @Test
    void malformedFilesAreFourHundredsWithAPosition() {
        assertThatThrownBy(() -> TargetFileCodec.read(Format.YAML, "version: 1\ntargets:\n  - key: [\n"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("MALFORMED_YAML");
                    assertThat((Integer) e.details().get("line")).isPositive();
                });
        assertThatThrownBy(() -> TargetFileCodec.read(Format.YAML, "version: 1\nversion: 2\n"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("version"));
        assertThatThrownBy(() -> TargetFileCodec.read(Format.JSON, "{\"version\":1,\"version\":1}"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("MALFORMED_JSON"));
        assertThatThrownBy(() -> TargetFileCodec.read(Format.YAML, "  \n"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("MALFORMED_YAML"));
    }

    @Test
    void contentTypesNameTheFormat() {
        assertThat(Format.ofContentType("application/yaml; charset=utf-8")).isEqualTo(Format.YAML);
        assertThat(Format.ofContentType("text/x-yaml")).isEqualTo(Format.YAML);
        assertThat(Format.ofContentType("Application/JSON")).isEqualTo(Format.JSON);
        assertThat(Format.ofContentType("text/plain")).isNull();
        assertThat(Format.ofContentType(null)).isNull();
    }
}
