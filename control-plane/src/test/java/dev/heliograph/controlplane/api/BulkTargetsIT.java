package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.controlplane.ApiClient;
import dev.heliograph.controlplane.Await;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.controlplane.RecordingHttpServer;
import dev.heliograph.controlplane.TestServices;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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

/**
 * Target keys, {@code POST /api/v1/targets:bulk} and {@code POST /api/v1/targets:bulk-action}
 * against the real PostgreSQL, with the scheduler following the changes (issue 5).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkTargetsIT {
    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;
    private ApiClient api;
    private RecordingHttpServer http;

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        plane = ControlPlane.start(vertx, services.config(), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
        api = new ApiClient(plane.apiPort());
        http = new RecordingHttpServer(Duration.ZERO);
    }

    @AfterAll
    void stop() throws Exception {
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        services.close();
        http.close();
    }

    /** A paused HTTP target body against a closed port. */
    private static ObjectNode target(String name) {
        ObjectNode target = Json.MAPPER.createObjectNode().put("name", name).put("kind", "http").put("enabled", false);
        target.putObject("spec").put("url", "http://127.0.0.1:9/");
        return target;
    }

    private static String items(List<ObjectNode> items) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode array = body.putArray("items");
        items.forEach(array::add);
        return body.toString();
    }

    private static List<String> fields(ApiClient.Answer answer) {
        return StreamSupport.stream(answer.json().path("error").path("details").path("fields").spliterator(), false)
                .map(f -> f.path("field").asText() + ":" + f.path("code").asText()).toList();
    }

    private long countKeys(String prefix) throws Exception {
        try (Connection pg = services.postgres();
             PreparedStatement sql = pg.prepareStatement("SELECT count(*) FROM targets WHERE key LIKE ?")) {
            sql.setString(1, prefix + "%");
            try (ResultSet rows = sql.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    @Test
    void controlCharactersInNamesKeysAndCursorsAreRefusedNot500() {
        ApiClient.Answer nul = api.post("/api/v1/targets:bulk", items(List.of(target("nul\u0000name").put("key", "k\u0000"))));
        assertThat(nul.status()).as(nul.text()).isEqualTo(422);
        assertThat(fields(nul)).contains("items[0].name:INVALID_FORMAT", "items[0].key:INVALID_FORMAT");
        for (String path : List.of("/api/v1/tags?cursor=AA", "/api/v1/targets?cursor=AA", "/api/v1/api-keys?cursor=AA")) {
            ApiClient.Answer answer = api.get(path);
            assertThat(answer.status()).as(path + " " + answer.text()).isEqualTo(400);
            assertThat(answer.json().path("error").path("code").asText()).isEqualTo("INVALID_PARAMETER");
        }
    }

    @Test
    void keysDefaultToTheIdAndAreUniquePerOrg() {
        JsonNode plain = api.post("/api/v1/targets", target("no-key-" + UUID.randomUUID()).toString()).json();
        assertThat(plain.path("key").asText()).isEqualTo(plain.path("id").asText());

        String key = "web/" + UUID.randomUUID();
        ApiClient.Answer keyed = api.post("/api/v1/targets", target("keyed-" + key).put("key", key).toString());
        assertThat(keyed.status()).as(keyed.text()).isEqualTo(201);
        assertThat(keyed.json().path("key").asText()).isEqualTo(key);

        ApiClient.Answer duplicate = api.post("/api/v1/targets", target("other-" + key).put("key", key).toString());
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.json().path("error").path("code").asText()).isEqualTo("TARGET_KEY_TAKEN");

        String id = keyed.json().path("id").asText();
        ApiClient.Answer kept = api.put("/api/v1/targets/" + id, target("keyed-" + key).put("interval_s", 30).toString());
        assertThat(kept.json().path("key").asText()).as("a replace without a key keeps it").isEqualTo(key);
        ApiClient.Answer renamed = api.put("/api/v1/targets/" + id, target("keyed-" + key).put("key", key + "-v2").toString());
        assertThat(renamed.json().path("key").asText()).isEqualTo(key + "-v2");

        ApiClient.Answer bad = api.post("/api/v1/targets", target("bad-key").put("key", "has space").toString());
        assertThat(bad.status()).isEqualTo(422);
        assertThat(fields(bad)).containsExactly("key:INVALID_FORMAT");
    }

    @Test
    void aThousandTargetsAreCreatedInOneCall() throws Exception {
        String prefix = "k1000-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<ObjectNode> items = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            items.add(target(prefix + i).put("key", prefix + i).put("interval_s", 30 + i % 60));
        }
        long started = System.nanoTime();
        ApiClient.Answer answer = api.post("/api/v1/targets:bulk", items(items));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.json().path("created").asInt()).isEqualTo(1000);
        assertThat(answer.json().path("updated").asInt()).isZero();
        assertThat(answer.json().path("items")).hasSize(1000);
        assertThat(answer.json().path("items").get(999).path("target").path("key").asText()).isEqualTo(prefix + 999);
        assertThat(answer.json().path("items").get(999).path("target").path("interval_s").asInt()).isEqualTo(30 + 999 % 60);
        assertThat(countKeys(prefix)).isEqualTo(1000);
        System.out.printf("bulk create of 1000 targets: %d ms%n", ms);

        // The same keys again: every item updates the target with its key.
        items.replaceAll(item -> item.put("interval_s", 45));
        started = System.nanoTime();
        ApiClient.Answer again = api.post("/api/v1/targets:bulk", items(items));
        System.out.printf("bulk update of 1000 targets: %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        assertThat(again.json().path("updated").asInt()).as(again.text()).isEqualTo(1000);
        assertThat(again.json().path("items").get(5).path("target").path("version").asInt()).isEqualTo(2);
        assertThat(countKeys(prefix)).isEqualTo(1000);
    }

    @Test
    void moreThanAThousandItemsOrNoneAreRefused() {
        List<ObjectNode> items = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            items.add(target("over-" + i));
        }
        ApiClient.Answer tooMany = api.post("/api/v1/targets:bulk", items(items));
        assertThat(tooMany.status()).as(tooMany.text()).isEqualTo(422);
        assertThat(fields(tooMany)).containsExactly("items:OUT_OF_RANGE");
        assertThat(fields(api.post("/api/v1/targets:bulk", "{\"items\":[]}"))).containsExactly("items:OUT_OF_RANGE");
        assertThat(api.post("/api/v1/targets:bulk", "{\"targets\":[]}").json().path("error").path("code").asText()).isEqualTo("UNKNOWN_FIELD");
    }

    @Test
    void oneBadItemAmongManyRejectsTheWholeRequestAndListsEveryBadItem() throws Exception {
        String prefix = "bad-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<ObjectNode> items = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            items.add(target(prefix + i).put("key", prefix + i));
        }
        ((ObjectNode) items.get(3).get("spec")).put("url", "ftp://example.com/");
        items.get(17).put("interval_s", 0);
        items.get(25).put("colour", "blue");
        items.get(30).put("name", prefix + 2); // the name of item 2
        items.get(33).put("id", UUID.randomUUID().toString());
        ApiClient.Answer answer = api.post("/api/v1/targets:bulk", items(items));
        assertThat(answer.status()).as(answer.text()).isEqualTo(422);
        assertThat(answer.json().path("error").path("code").asText()).isEqualTo("VALIDATION_FAILED");
        assertThat(fields(answer)).containsExactly("items[3].spec.url:INVALID_FORMAT", "items[17].interval_s:OUT_OF_RANGE",
                "items[25].colour:UNKNOWN_FIELD", "items[30].name:DUPLICATE", "items[33].id:NOT_FOUND");
        JsonNode item = answer.json().path("error").path("details").path("items").get(0);
        assertThat(item.path("index").asInt()).isEqualTo(3);
        assertThat(item.path("key").asText()).isEqualTo(prefix + 3);
        assertThat(item.path("fields").get(0).path("field").asText()).isEqualTo("spec.url");
        assertThat(countKeys(prefix)).as("nothing written").isZero();
    }

    @Test
    void itemsUpdateByIdOrKeyAndKeepSecretsSentAsMask() throws Exception {
        String tag = "sec-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode secret = target(tag).put("key", tag);
        ((ObjectNode) secret.get("spec")).put("url", http.url("/" + tag)).putObject("headers").put("Authorization", "Bearer s3cret-value");
        JsonNode created = api.post("/api/v1/targets", secret.toString()).json();
        JsonNode other = api.post("/api/v1/targets", target(tag + "-other").toString()).json();

        // By key, sending back the masked form it read; by id, renaming the target and giving it a key.
        ObjectNode byKey = (ObjectNode) created.deepCopy();
        List.of("id", "created_at", "updated_at", "version").forEach(byKey::remove);
        byKey.put("interval_s", 20);
        ObjectNode byId = target(tag + "-renamed").put("id", other.path("id").asText()).put("key", tag + "-other");
        ApiClient.Answer answer = api.post("/api/v1/targets:bulk", items(List.of(byKey, byId)));
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.json().path("updated").asInt()).isEqualTo(2);
        assertThat(answer.json().path("items").get(0).path("target").path("spec").path("headers").path("Authorization").path("value").asText())
                .isEqualTo("***");
        assertThat(answer.json().path("items").get(1).path("target").path("name").asText()).isEqualTo(tag + "-renamed");

        // The kept secret is the one sent: a check sends it.
        ApiClient.Answer check = api.post("/api/v1/targets/" + created.path("id").asText() + "/check-now", "");
        assertThat(check.status()).as(check.text()).isEqualTo(200);
        assertThat(http.last("/" + tag).headers().get("authorization")).isEqualTo("Bearer s3cret-value");
    }

    @Test
    void namesTakenOutsideTheRequestAreConflictsButSwapsInsideItSucceed() {
        String tag = "swap-" + UUID.randomUUID().toString().substring(0, 8);
        JsonNode a = api.post("/api/v1/targets", target(tag + "-a").put("key", tag + "-a").toString()).json();
        JsonNode b = api.post("/api/v1/targets", target(tag + "-b").put("key", tag + "-b").toString()).json();

        ApiClient.Answer taken = api.post("/api/v1/targets:bulk", items(List.of(target(tag + "-a"))));
        assertThat(taken.status()).as(taken.text()).isEqualTo(409);
        assertThat(taken.json().path("error").path("code").asText()).isEqualTo("TARGET_NAME_TAKEN");
        assertThat(fields(taken)).containsExactly("items[0].name:TAKEN");

        ApiClient.Answer swapped = api.post("/api/v1/targets:bulk", items(List.of(
                target(tag + "-b").put("key", tag + "-a"), target(tag + "-a").put("key", tag + "-b"))));
        assertThat(swapped.status()).as(swapped.text()).isEqualTo(200);
        assertThat(api.get("/api/v1/targets/" + a.path("id").asText()).json().path("name").asText()).isEqualTo(tag + "-b");
        assertThat(api.get("/api/v1/targets/" + b.path("id").asText()).json().path("name").asText()).isEqualTo(tag + "-a");
    }

    @Test
    void bulkActionsCountTheTargetsTheyChange() {
        String tag = "act-" + UUID.randomUUID().toString().substring(0, 8);
        List<ObjectNode> items = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ObjectNode item = target(tag + "-" + i).put("enabled", true).put("interval_s", 3600);
            item.putArray("tags").add(tag);
            items.add(item);
        }
        JsonNode created = api.post("/api/v1/targets:bulk", items(items)).json();
        List<String> ids = StreamSupport.stream(created.path("items").spliterator(), false)
                .map(item -> item.path("target").path("id").asText()).toList();
        String three = "[\"" + String.join("\",\"", ids.subList(0, 3)) + "\",\"" + UUID.randomUUID() + "\"]";

        assertThat(action("{\"action\":\"pause\",\"ids\":" + three + "}")).isEqualTo(3);
        assertThat(action("{\"action\":\"pause\",\"ids\":" + three + "}")).as("already paused").isZero();
        assertThat(api.get("/api/v1/targets/" + ids.get(0)).json().path("enabled").asBoolean()).isFalse();
        assertThat(api.get("/api/v1/targets/" + ids.get(4)).json().path("enabled").asBoolean()).isTrue();
        assertThat(action("{\"action\":\"resume\",\"selector\":{\"tag\":\"" + tag + "\"}}")).isEqualTo(3);
        assertThat(action("{\"action\":\"add_tag\",\"tag\":\"blue\",\"ids\":" + three + "}")).isEqualTo(3);
        assertThat(action("{\"action\":\"remove_tag\",\"tag\":\"blue\",\"selector\":{\"tag\":\"" + tag + "\"}}")).isEqualTo(3);
        assertThat(api.get("/api/v1/targets/" + ids.get(1)).json().path("tags").toString()).isEqualTo("[\"" + tag + "\"]");
        assertThat(action("{\"action\":\"delete\",\"selector\":{\"tag\":\"" + tag + "\"}}")).isEqualTo(5);
        assertThat(api.get("/api/v1/targets/" + ids.get(2)).status()).isEqualTo(404);
    }

    @Test
    void aBulkRequestRepeatedWithItsIdempotencyKeyRunsOnce() throws Exception {
        String prefix = "idem-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String body = items(List.of(target(prefix + "a"), target(prefix + "b")));
        String key = UUID.randomUUID().toString();
        java.util.function.Supplier<ApiClient.Answer> send = () -> api.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(api.base() + "/api/v1/targets:bulk")).header("content-type", "application/json")
                .header("idempotency-key", key).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
        ApiClient.Answer first = send.get();
        ApiClient.Answer again = send.get();
        assertThat(first.status()).as(first.text()).isEqualTo(200);
        assertThat(again.text()).isEqualTo(first.text());
        try (Connection pg = services.postgres();
             PreparedStatement sql = pg.prepareStatement("SELECT count(*) FROM targets WHERE name LIKE ?")) {
            sql.setString(1, prefix + "%");
            try (ResultSet rows = sql.executeQuery()) {
                rows.next();
                assertThat(rows.getLong(1)).isEqualTo(2);
            }
        }
    }

    @Test
    void badBulkActionsListEveryProblem() {
        ApiClient.Answer both = api.post("/api/v1/targets:bulk-action",
                "{\"action\":\"paint\",\"ids\":[\"nope\"],\"selector\":{\"tag\":\"x\"}}");
        assertThat(both.status()).isEqualTo(422);
        assertThat(fields(both)).containsExactlyInAnyOrder("action:INVALID_FORMAT", "ids:REQUIRED");
        ApiClient.Answer badIds = api.post("/api/v1/targets:bulk-action", "{\"action\":\"add_tag\",\"ids\":[\"nope\"]}");
        assertThat(fields(badIds)).containsExactlyInAnyOrder("tag:REQUIRED", "ids[0]:INVALID_FORMAT");
        ApiClient.Answer unknown = api.post("/api/v1/targets:bulk-action", "{\"action\":\"pause\",\"selector\":{\"kind\":\"http\"}}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("error").path("details").path("field").asText()).isEqualTo("selector.kind");
    }

    @Test
    void theSchedulerFollowsBulkWrites() {
        String tag = "sched-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode item = target(tag).put("enabled", true).put("interval_s", 1).put("timeout_ms", 500);
        ((ObjectNode) item.get("spec")).put("url", http.url("/" + tag));
        item.putArray("tags").add(tag);
        assertThat(api.post("/api/v1/targets:bulk", items(List.of(item))).status()).isEqualTo(200);
        Await.until("checks of the bulk-created target", Duration.ofSeconds(10), () -> http.hits("/" + tag) >= 2);

        assertThat(action("{\"action\":\"pause\",\"selector\":{\"tag\":\"" + tag + "\"}}")).isEqualTo(1);
        Await.until("a quiet second", Duration.ofSeconds(10), () -> quietFor("/" + tag, Duration.ofMillis(1500)));
        assertThat(action("{\"action\":\"resume\",\"selector\":{\"tag\":\"" + tag + "\"}}")).isEqualTo(1);
        int before = http.hits("/" + tag);
        Await.until("checks after resume", Duration.ofSeconds(10), () -> http.hits("/" + tag) >= before + 2);
        assertThat(action("{\"action\":\"delete\",\"selector\":{\"tag\":\"" + tag + "\"}}")).isEqualTo(1);
        Await.until("no checks after delete", Duration.ofSeconds(10), () -> quietFor("/" + tag, Duration.ofMillis(1500)));
    }

    private boolean quietFor(String path, Duration quiet) {
        int hits = http.hits(path);
        try {
            Thread.sleep(quiet.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return http.hits(path) == hits;
    }

    private int action(String body) {
        ApiClient.Answer answer = api.post("/api/v1/targets:bulk-action", body);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return answer.json().path("affected").asInt();
    }
}
