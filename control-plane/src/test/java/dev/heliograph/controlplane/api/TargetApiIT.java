package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.ApiClient;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.controlplane.TestServices;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The targets API's contract against the real PostgreSQL: validation, errors, paging and filters. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TargetApiIT {
    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;
    private ApiClient api;

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        // Targets point at a closed port and are paused where checks do not matter.
        plane = ControlPlane.start(vertx, services.config("api.max_body_bytes=4096"), Clock.systemUTC())
                .await(60, TimeUnit.SECONDS);
        api = new ApiClient(plane.apiPort());
    }

    @AfterAll
    void stop() throws Exception {
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        services.close();
    }

    private static String target(String name, String extra) {
        return "{\"name\":\"" + name + "\",\"kind\":\"http\",\"spec\":{\"url\":\"http://127.0.0.1:9/\"},\"enabled\":false" + extra + "}";
    }

    private static List<String> fields(ApiClient.Answer answer) {
        return StreamSupport.stream(answer.json().path("error").path("details").path("fields").spliterator(), false)
                .map(f -> f.path("field").asText() + ":" + f.path("code").asText()).toList();
    }

    @Test
    void createReturnsTheStoredTargetWithDefaults() {
        ApiClient.Answer created = api.post("/api/v1/targets", target("defaults-" + UUID.randomUUID(), ""));
        assertThat(created.status()).isEqualTo(201);
        JsonNode body = created.json();
        assertThat(body.path("kind").asText()).isEqualTo("http");
        assertThat(body.path("interval_s").asInt()).isEqualTo(60);
        assertThat(body.path("timeout_ms").asInt()).isEqualTo(10_000);
        assertThat(body.path("regions").get(0).asText()).isEqualTo("local");
        assertThat(body.path("spec").path("method").asText()).isEqualTo("GET");
        assertThat(body.path("spec").path("expected_status").get(0).asText()).isEqualTo("2xx");
        assertThat(body.path("version").asLong()).isEqualTo(1);
        assertThat(body.path("created_at").asText()).endsWith("Z");
        assertThat(api.get("/api/v1/targets/" + body.path("id").asText()).json()).isEqualTo(body);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '^', value = {
            "unknown top-level field | ,\"colour\":\"blue\" | 400 | UNKNOWN_FIELD | colour",
            "unknown spec field | ,\"spec\":{\"url\":\"http://a/\",\"verb\":\"GET\"} | 400 | UNKNOWN_FIELD | spec.verb",
            "wrong type | ,\"interval_s\":\"often\" | 400 | INVALID_FIELD_TYPE | interval_s",
            "number as text | ,\"interval_s\":\"45\" | 400 | INVALID_FIELD_TYPE | interval_s",
            "fraction for an integer | ,\"interval_s\":30.9 | 400 | INVALID_FIELD_TYPE | interval_s",
            "number for a string | ,\"tags\":[6] | 400 | INVALID_FIELD_TYPE | tags[0]",
            "text for a boolean | ,\"spec\":{\"url\":\"http://a/\",\"verify_tls\":\"no\"} | 400 | INVALID_FIELD_TYPE | spec.verify_tls"})
    void malformedFieldsAreRejectedWithTheirPath(String name, String extra, int status, String code, String field) {
        String body = extra.contains("\"spec\"")
                ? "{\"name\":\"x\",\"kind\":\"http\",\"enabled\":false" + extra + "}"
                : target("x", extra);
        ApiClient.Answer answer = api.post("/api/v1/targets", body);
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(answer.json().path("error").path("code").asText()).isEqualTo(code);
        assertThat(answer.json().path("error").path("details").path("field").asText()).isEqualTo(field);
        assertThat(answer.json().path("error").path("request_id").asText()).isNotBlank();
    }

    @Test
    void everyInvalidFieldIsListedTogether() {
        String body = "{\"name\":\"\",\"kind\":\"http\",\"spec\":{\"url\":\"ftp://x\",\"expected_status\":[\"9xx\"]},"
                + "\"interval_s\":0,\"timeout_ms\":5000,\"tags\":[\"no spaces allowed\"],\"regions\":[\"EU\"]}";
        ApiClient.Answer answer = api.post("/api/v1/targets", body);
        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.json().path("error").path("code").asText()).isEqualTo("VALIDATION_FAILED");
        assertThat(fields(answer)).containsExactlyInAnyOrder("name:REQUIRED", "spec.url:INVALID_FORMAT",
                "spec.expected_status[0]:INVALID_FORMAT", "interval_s:OUT_OF_RANGE", "tags:INVALID_FORMAT",
                "regions[0]:INVALID_FORMAT");
    }

    /** Regression: null elements made the constructors throw (500, or 400 naming "spec."). */
    @Test
    void nullElementsAreFieldErrorsNotCrashes() {
        ApiClient.Answer nullTag = api.post("/api/v1/targets", target("nt", ",\"tags\":[\"a\",null]"));
        assertThat(nullTag.status()).as(nullTag.text()).isEqualTo(422);
        assertThat(fields(nullTag)).containsExactly("tags:INVALID_FORMAT");
        ApiClient.Answer nullHeader = api.post("/api/v1/targets",
                "{\"name\":\"nh\",\"kind\":\"http\",\"spec\":{\"url\":\"http://127.0.0.1:9/\",\"headers\":{\"X\":null},"
                        + "\"expected_status\":[null]}}");
        assertThat(nullHeader.status()).as(nullHeader.text()).isEqualTo(422);
        assertThat(fields(nullHeader)).containsExactlyInAnyOrder("spec.headers.X:INVALID_FORMAT", "spec.expected_status[0]:INVALID_FORMAT");
        ApiClient.Answer textSpec = api.post("/api/v1/targets", "{\"name\":\"ts\",\"kind\":\"http\",\"spec\":\"http://x/\"}");
        assertThat(textSpec.status()).isEqualTo(400);
        assertThat(textSpec.json().path("error").path("details").path("field").asText()).isEqualTo("spec");
    }

    @Test
    void incidentRulesAreStoredShownWithDefaultsAndValidated() {
        String parentKey = "parent-" + UUID.randomUUID();
        assertThat(api.post("/api/v1/targets", target("parent " + parentKey, ",\"key\":\"" + parentKey + "\"")).status())
                .isEqualTo(201);
        ApiClient.Answer created = api.post("/api/v1/targets", target("child-" + UUID.randomUUID(),
                ",\"regions\":[\"local\"],\"incident_rules\":{\"failure_threshold\":3,\"retry_interval_s\":5,\"quorum\":\"60%\","
                        + "\"parent\":\"" + parentKey + "\"}"));
        assertThat(created.status()).isEqualTo(201);
        JsonNode rules = created.json().path("incident_rules");
        assertThat(rules.path("failure_threshold").asInt()).isEqualTo(3);
        assertThat(rules.path("recovery_threshold").asInt()).as("default").isEqualTo(2);
        assertThat(rules.path("retry_interval_s").asInt()).isEqualTo(5);
        assertThat(rules.path("quorum").asText()).isEqualTo("60%");
        assertThat(rules.path("parent").asText()).isEqualTo(parentKey);
        assertThat(api.get("/api/v1/targets/" + created.json().path("id").asText()).json().path("incident_rules")).isEqualTo(rules);

        JsonNode defaults = api.post("/api/v1/targets", target("plain-" + UUID.randomUUID(), "")).json().path("incident_rules");
        assertThat(defaults.path("quorum").asText()).isEqualTo("majority");
        assertThat(defaults.has("retry_interval_s")).as("follows the interval").isFalse();

        ApiClient.Answer bad = api.post("/api/v1/targets", target("bad-rules-" + UUID.randomUUID(),
                ",\"interval_s\":30,\"incident_rules\":{\"failure_threshold\":0,\"retry_interval_s\":31,\"quorum\":\"half\",\"colour\":1}"));
        assertThat(bad.status()).isEqualTo(422);
        assertThat(fields(bad)).contains("incident_rules.failure_threshold:OUT_OF_RANGE", "incident_rules.retry_interval_s:OUT_OF_RANGE",
                "incident_rules.quorum:OUT_OF_RANGE", "incident_rules.colour:INVALID_FORMAT");

        ApiClient.Answer orphan = api.post("/api/v1/targets", target("orphan-" + UUID.randomUUID(),
                ",\"incident_rules\":{\"parent\":\"no-such-target\"}"));
        assertThat(orphan.status()).isEqualTo(422);
        assertThat(fields(orphan)).containsExactly("incident_rules.parent:UNKNOWN_TARGET");
    }

    @Test
    void timeoutMustBeBelowTheInterval() {
        ApiClient.Answer answer = api.post("/api/v1/targets", target("slow", ",\"interval_s\":5,\"timeout_ms\":5000"));
        assertThat(answer.status()).isEqualTo(422);
        assertThat(fields(answer)).containsExactly("timeout_ms:TIMEOUT_NOT_BELOW_INTERVAL");
    }

    @Test
    void literalAddressesTheSsrfGuardRefusesAreRejected() {
        ApiClient.Answer metadata = api.post("/api/v1/targets",
                "{\"name\":\"m\",\"kind\":\"http\",\"spec\":{\"url\":\"http://169.254.169.254/latest/\"}}");
        assertThat(metadata.status()).isEqualTo(422);
        assertThat(fields(metadata)).containsExactly("spec.url:BLOCKED_ADDRESS");
        ApiClient.Answer privateHost = api.post("/api/v1/targets",
                "{\"name\":\"p\",\"kind\":\"tcp\",\"spec\":{\"host\":\"10.0.0.7\",\"port\":22}}");
        assertThat(fields(privateHost)).containsExactly("spec.host:BLOCKED_ADDRESS");
        ApiClient.Answer mapped = api.post("/api/v1/targets",
                "{\"name\":\"v6\",\"kind\":\"http\",\"spec\":{\"url\":\"http://[::ffff:192.168.0.1]/\"}}");
        assertThat(fields(mapped)).containsExactly("spec.url:BLOCKED_ADDRESS");
        // 127.0.0.0/8 is on this test's allow-list, so loopback literals pass.
        assertThat(api.post("/api/v1/targets", target("allowed-" + UUID.randomUUID(), "")).status()).isEqualTo(201);
    }

    @Test
    void kindIsRequiredAndChecked() {
        assertThat(fields(api.post("/api/v1/targets", "{\"name\":\"k\",\"spec\":{}}"))).containsExactly("kind:REQUIRED");
        assertThat(fields(api.post("/api/v1/targets", "{\"name\":\"k\",\"kind\":\"icmp\",\"spec\":{}}")))
                .containsExactly("kind:INVALID_FORMAT");
    }

    @Test
    void requestHygieneErrorsUseTheEnvelope() {
        ApiClient.Answer malformed = api.post("/api/v1/targets", "{\"name\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().path("error").path("code").asText()).isEqualTo("MALFORMED_JSON");
        assertThat(malformed.json().path("error").path("details").has("line")).isTrue();

        ApiClient.Answer notJson = api.send(HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/targets"))
                .header("content-type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("name=x")));
        assertThat(notJson.status()).isEqualTo(415);
        assertThat(notJson.json().path("error").path("code").asText()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");

        ApiClient.Answer tooLarge = api.post("/api/v1/targets", target("big", ",\"tags\":[\"" + "x".repeat(5000) + "\"]"));
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.json().path("error").path("code").asText()).isEqualTo("BODY_TOO_LARGE");

        ApiClient.Answer noRoute = api.get("/api/v1/nothing-here");
        assertThat(noRoute.status()).isEqualTo(404);
        assertThat(noRoute.json().path("error").path("code").asText()).isEqualTo("NOT_FOUND");

        ApiClient.Answer wrongMethod = api.send(HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/targets"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()));
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.json().path("error").path("code").asText()).isEqualTo("METHOD_NOT_ALLOWED");
    }

    @Test
    void unknownOrMalformedIdsAre404() {
        for (String id : List.of(UUID.randomUUID().toString(), "not-a-uuid")) {
            for (ApiClient.Answer answer : List.of(api.get("/api/v1/targets/" + id), api.delete("/api/v1/targets/" + id),
                    api.put("/api/v1/targets/" + id, target("gone", "")), api.get("/api/v1/targets/" + id + "/results"),
                    api.get("/api/v1/targets/" + id + "/stats"))) {
                assertThat(answer.status()).as(answer.text()).isEqualTo(404);
                assertThat(answer.json().path("error").path("code").asText()).isEqualTo("TARGET_NOT_FOUND");
            }
        }
    }

    @Test
    void duplicateNameIsAConflict() {
        String name = "dup-" + UUID.randomUUID();
        assertThat(api.post("/api/v1/targets", target(name, "")).status()).isEqualTo(201);
        ApiClient.Answer again = api.post("/api/v1/targets", target(name, ""));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("error").path("code").asText()).isEqualTo("TARGET_NAME_TAKEN");
    }

    @Test
    void listingPagesWithACursorAndFilters() {
        String tag = "page" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String kindAndSpec = i % 2 == 0 ? "\"kind\":\"http\",\"spec\":{\"url\":\"http://127.0.0.1:9/\"}"
                    : "\"kind\":\"tcp\",\"spec\":{\"host\":\"127.0.0.1\",\"port\":9}";
            String body = "{\"name\":\"" + tag + "-Item-" + i + "\"," + kindAndSpec + ",\"enabled\":" + (i < 5)
                    + ",\"tags\":[\"" + tag + "\"]}";
            ApiClient.Answer created = api.post("/api/v1/targets", body);
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            ids.add(created.json().path("id").asText());
        }
        List<String> seen = new ArrayList<>();
        String cursor = "";
        int pages = 0;
        do {
            ApiClient.Answer page = api.get("/api/v1/targets?limit=3&tag=" + tag + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            assertThat(page.status()).isEqualTo(200);
            page.json().path("items").forEach(item -> seen.add(item.path("id").asText()));
            cursor = page.json().path("next_cursor").isNull() ? "" : page.json().path("next_cursor").asText();
            pages++;
        } while (!cursor.isEmpty());
        assertThat(seen).isEqualTo(ids);
        assertThat(pages).isEqualTo(3);

        assertThat(api.get("/api/v1/targets?tag=" + tag + "&kind=tcp").json().path("items")).hasSize(3);
        assertThat(api.get("/api/v1/targets?tag=" + tag + "&enabled=false").json().path("items")).hasSize(2);
        assertThat(api.get("/api/v1/targets?q=" + tag + "-item-4").json().path("items")).hasSize(1);
        assertThat(api.get("/api/v1/targets?limit=0").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/targets?limit=501").json().path("error").path("details").path("field").asText()).isEqualTo("limit");
        assertThat(api.get("/api/v1/targets?cursor=!!").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/targets?kind=icmp").status()).isEqualTo(400);
    }

    @Test
    void resultsAndStatsValidateTheirParameters() {
        String id = api.post("/api/v1/targets", target("params-" + UUID.randomUUID(), "")).json().path("id").asText();
        assertThat(api.get("/api/v1/targets/" + id + "/results?from=yesterday").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/targets/" + id + "/results?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z").status())
                .isEqualTo(400);
        assertThat(api.get("/api/v1/targets/" + id + "/stats?window=1y").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/targets/" + id + "/stats?window=91d").status()).isEqualTo(400);
        ApiClient.Answer empty = api.get("/api/v1/targets/" + id + "/stats?window=15m");
        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.json().path("checks").asLong()).isZero();
        assertThat(empty.json().path("uptime_ratio").isNull()).isTrue();
        ApiClient.Answer noResults = api.get("/api/v1/targets/" + id + "/results");
        assertThat(noResults.json().path("items")).isEmpty();
        assertThat(noResults.json().path("next_cursor").isNull()).isTrue();
    }

    @Test
    void healthAndReadiness() {
        assertThat(api.get("/healthz").status()).isEqualTo(200);
        ApiClient.Answer ready = api.get("/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().path("status").asText()).isEqualTo("ready");
        assertThat(ready.json().path("components").findValuesAsText("name")).contains("postgres", "clickhouse");
    }
}
