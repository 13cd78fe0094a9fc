package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class IdempotentRequestTest {
    @Test
    void keysAreOneTo255PrintableAsciiCharacters() {
        assertThat(IdempotentRequest.validKey("a")).isTrue();
        assertThat(IdempotentRequest.validKey("x".repeat(255))).isTrue();
        assertThat(IdempotentRequest.validKey(" !~ 0123-abc_XYZ ")).isTrue();
        assertThat(IdempotentRequest.validKey("")).isFalse();
        assertThat(IdempotentRequest.validKey(null)).isFalse();
        assertThat(IdempotentRequest.validKey("x".repeat(256))).isFalse();
        assertThat(IdempotentRequest.validKey("tab\there")).isFalse();
        assertThat(IdempotentRequest.validKey("del\u007f")).isFalse();
        assertThat(IdempotentRequest.validKey("schlüssel")).isFalse();
    }

    private static byte[] fp(String method, String uri, String body) {
        return IdempotentRequest.fingerprint(method, uri, body == null ? null : Buffer.buffer(body));
    }

    @Test
    void aJsonBodyCountsByItsValueNotItsLayout() {
        byte[] compact = fp("POST", "/api/v1/targets", "{\"a\":1,\"b\":{\"y\":[1,2],\"x\":\"s\"}}");
        byte[] spaced = fp("POST", "/api/v1/targets", "{ \"b\" : { \"x\" : \"s\", \"y\" : [ 1, 2 ] },\n \"a\" : 1 }");
        assertThat(spaced).isEqualTo(compact);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "another value      | POST | /api/v1/targets       | {\"a\":1,\"b\":{\"y\":[1,2],\"x\":\"t\"}}",
            "another order      | POST | /api/v1/targets       | {\"a\":1,\"b\":{\"y\":[2,1],\"x\":\"s\"}}",
            "another path       | POST | /api/v1/targets:bulk  | {\"a\":1,\"b\":{\"y\":[1,2],\"x\":\"s\"}}",
            "another query      | POST | /api/v1/targets?x=1   | {\"a\":1,\"b\":{\"y\":[1,2],\"x\":\"s\"}}",
            "another method     | PUT  | /api/v1/targets       | {\"a\":1,\"b\":{\"y\":[1,2],\"x\":\"s\"}}",
            "trailing garbage   | POST | /api/v1/targets       | {\"a\":1,\"b\":{\"y\":[1,2],\"x\":\"s\"}} x",
    })
    void everythingElseMakesAnotherRequest(String what, String method, String uri, String body) {
        byte[] original = fp("POST", "/api/v1/targets", "{\"a\":1,\"b\":{\"y\":[1,2],\"x\":\"s\"}}");
        assertThat(fp(method, uri, body)).as(what).isNotEqualTo(original);
    }

    @Test
    void aBodyThatIsNotJsonCountsByItsBytes() {
        assertThat(fp("POST", "/p", "not json")).isEqualTo(fp("POST", "/p", "not json"));
        assertThat(fp("POST", "/p", "not json")).isNotEqualTo(fp("POST", "/p", "not  json"));
        assertThat(fp("POST", "/p", null)).isEqualTo(fp("POST", "/p", "")).isNotEqualTo(fp("POST", "/p", "{}"));
    }
}
