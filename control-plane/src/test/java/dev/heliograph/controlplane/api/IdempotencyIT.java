package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.controlplane.TestServices;
import dev.heliograph.domain.OrgId;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code Idempotency-Key} end to end on {@code POST /api/v1/targets}, against the real PostgreSQL:
 * repeats replay the first answer and create nothing, another body is refused, concurrent repeats
 * (on one control plane and on two sharing the database) create one target, answers outlive a
 * restart, expired keys are pruned, a 5xx releases the key, and a key whose request is still running
 * (or whose process died) is handled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyIT {
    private static final String PATH = "/api/v1/targets";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;

    /** One answer with its headers. */
    private record Reply(int status, String body, java.net.http.HttpHeaders headers) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        boolean replayed() {
            return headers.firstValue("idempotent-replayed").orElse("").equals("true");
        }
    }

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        plane = start(Clock.systemUTC());
    }

    @AfterAll
    void stop() throws Exception {
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        services.close();
    }

    private ControlPlane start(Clock clock, String... overrides) throws Exception {
        List<String> all = new ArrayList<>(List.of("api.idempotency_wait_s=5"));
        all.addAll(List.of(overrides));
        return ControlPlane.start(vertx, services.config(all.toArray(String[]::new)), clock).await(60, TimeUnit.SECONDS);
    }

    private static String target(String name) {
        return "{\"name\":\"" + name + "\",\"kind\":\"tcp\",\"spec\":{\"host\":\"127.0.0.1\",\"port\":9},\"enabled\":false}";
    }

    private Reply post(ControlPlane to, String key, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to.apiPort() + PATH))
                .timeout(Duration.ofSeconds(30))
                .header("authorization", "Bearer " + TestServices.ADMIN_KEY)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header(IdempotentRequest.HEADER, key);
        }
        return send(request);
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response.headers());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long targetsNamed(String name) throws Exception {
        try (Connection pg = services.postgres(); PreparedStatement count = pg.prepareStatement("SELECT count(*) FROM targets WHERE name = ?")) {
            count.setString(1, name);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private long keysStored(String key) throws Exception {
        try (Connection pg = services.postgres();
             PreparedStatement count = pg.prepareStatement("SELECT count(*) FROM idempotency_keys WHERE key = ?")) {
            count.setString(1, key);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    @Test
    void aRepeatWithTheSameKeyAndBodyGetsTheFirstAnswerAndCreatesNothing() throws Exception {
        String name = "once-" + UUID.randomUUID();
        String key = "key-" + UUID.randomUUID();
        Reply first = post(plane, key, target(name));
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.replayed()).isFalse();

        Reply second = post(plane, key, target(name));
        assertThat(second.status()).as("not 409 TARGET_NAME_TAKEN: the create did not run again").isEqualTo(201);
        assertThat(second.replayed()).isTrue();
        assertThat(second.json()).isEqualTo(first.json());
        assertThat(second.headers().firstValue("content-type")).isEqualTo(first.headers().firstValue("content-type"));
        assertThat(second.headers().firstValue("location")).isEqualTo(first.headers().firstValue("location"))
                .hasValue("/api/v1/targets/" + first.json().path("id").asText());

        // The same JSON value written differently is the same request.
        String reordered = "{ \"enabled\": false, \"spec\": {\"port\": 9, \"host\": \"127.0.0.1\"}, \"kind\": \"tcp\", \"name\": \"" + name + "\" }";
        Reply third = post(plane, key, reordered);
        assertThat(third.status()).isEqualTo(201);
        assertThat(third.json()).isEqualTo(first.json());
        assertThat(targetsNamed(name)).isEqualTo(1);

        // Without the key, the same body runs again (and is refused: the name is taken).
        assertThat(post(plane, null, target(name)).status()).isEqualTo(409);
    }

    @Test
    void theSameKeyWithAnotherBodyIsRefused() throws Exception {
        String key = "reuse-" + UUID.randomUUID();
        String name = "reuse-" + UUID.randomUUID();
        assertThat(post(plane, key, target(name)).status()).isEqualTo(201);
        Reply other = post(plane, key, target(name + "-other"));
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().path("error").path("code").asText()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
        assertThat(targetsNamed(name + "-other")).isZero();
    }

    @Test
    void keysAreScopedByOrg() throws Exception {
        ApiClientKeys second = secondOrg();
        String key = "org-scoped-" + UUID.randomUUID();
        String name = "org-scoped-" + UUID.randomUUID();
        assertThat(post(plane, key, target(name)).status()).isEqualTo(201);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plane.apiPort() + PATH))
                .header("authorization", "Bearer " + second.adminKey()).header("content-type", "application/json")
                .header(IdempotentRequest.HEADER, key).POST(HttpRequest.BodyPublishers.ofString(target(name)));
        Reply other = send(request);
        assertThat(other.status()).as("the other org's key does not replay the first org's answer").isEqualTo(201);
        assertThat(other.replayed()).isFalse();
        assertThat(targetsNamed(name)).isEqualTo(2);
    }

    private record ApiClientKeys(String adminKey) {
    }

    private ApiClientKeys secondOrg() {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plane.apiPort() + "/api/v1/orgs"))
                .header("authorization", "Bearer " + TestServices.ADMIN_KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"org-" + UUID.randomUUID() + "\"}"));
        Reply created = send(request);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new ApiClientKeys(created.json().path("admin_key").asText());
    }

    @Test
    void badKeysAreRefusedBeforeAnythingRuns() throws Exception {
        String name = "bad-key-" + UUID.randomUUID();
        Reply tooLong = post(plane, "k".repeat(256), target(name));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().path("error").path("code").asText()).isEqualTo("INVALID_IDEMPOTENCY_KEY");
        HttpRequest.Builder twice = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plane.apiPort() + PATH))
                .header("authorization", "Bearer " + TestServices.ADMIN_KEY).header("content-type", "application/json")
                .header(IdempotentRequest.HEADER, "a").header(IdempotentRequest.HEADER, "b")
                .POST(HttpRequest.BodyPublishers.ofString(target(name)));
        assertThat(send(twice).json().path("error").path("code").asText()).isEqualTo("INVALID_IDEMPOTENCY_KEY");
        assertThat(targetsNamed(name)).isZero();
        assertThat(post(plane, "~ longest key ".repeat(19).substring(0, 255), target(name)).status()).isEqualTo(201);
    }

    @Test
    void aRefusedRequestIsReplayedToo() throws Exception {
        String key = "refused-" + UUID.randomUUID();
        String invalid = "{\"name\":\"refused\",\"kind\":\"tcp\",\"spec\":{\"host\":\"127.0.0.1\",\"port\":0},\"interval_s\":0}";
        Reply first = post(plane, key, invalid);
        assertThat(first.status()).isEqualTo(422);
        Reply second = post(plane, key, invalid);
        assertThat(second.status()).isEqualTo(422);
        assertThat(second.replayed()).isTrue();
        assertThat(second.body()).as("the stored answer, with the first request's id").isEqualTo(first.body());
    }

    @Test
    void concurrentRequestsWithOneKeyCreateOneTargetOnOneOrTwoControlPlanes() throws Exception {
        ControlPlane replica = start(Clock.systemUTC());
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int round = 0; round < 3; round++) {
                String name = "race-" + round + "-" + UUID.randomUUID();
                String key = "race-" + UUID.randomUUID();
                CountDownLatch go = new CountDownLatch(1);
                List<CompletableFuture<Reply>> replies = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    ControlPlane to = i % 2 == 0 ? plane : replica;
                    replies.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        return post(to, key, target(name));
                    }, pool));
                }
                go.countDown();
                Set<JsonNode> bodies = new HashSet<>();
                int fresh = 0;
                for (CompletableFuture<Reply> reply : replies) {
                    Reply r = reply.get(60, TimeUnit.SECONDS);
                    assertThat(r.status()).as(r.body()).isEqualTo(201);
                    bodies.add(r.json());
                    fresh += r.replayed() ? 0 : 1;
                }
                assertThat(bodies).as("every request got the same target").hasSize(1);
                assertThat(fresh).as("exactly one request ran the work").isEqualTo(1);
                assertThat(targetsNamed(name)).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
            replica.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        }
    }

    @Test
    void aStoredAnswerOutlivesARestart() throws Exception {
        String name = "restart-" + UUID.randomUUID();
        String key = "restart-" + UUID.randomUUID();
        ControlPlane before = start(Clock.systemUTC());
        Reply first = post(before, key, target(name));
        assertThat(first.status()).isEqualTo(201);
        before.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);

        ControlPlane after = start(Clock.systemUTC());
        try {
            Reply second = post(after, key, target(name));
            assertThat(second.status()).isEqualTo(201);
            assertThat(second.replayed()).isTrue();
            assertThat(second.json()).isEqualTo(first.json());
            assertThat(targetsNamed(name)).isEqualTo(1);
        } finally {
            after.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        }
    }

    @Test
    void expiredKeysArePrunedAtStartAndCanBeUsedAgain() throws Exception {
        String shortName = "short-ttl-" + UUID.randomUUID();
        String shortKey = "short-ttl-" + UUID.randomUUID();
        String longKey = "long-ttl-" + UUID.randomUUID();
        ControlPlane shortTtl = start(Clock.systemUTC(), "api.idempotency_ttl_h=1");
        try {
            assertThat(post(shortTtl, shortKey, target(shortName)).status()).isEqualTo(201);
        } finally {
            shortTtl.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        }
        assertThat(post(plane, longKey, target("long-ttl-" + UUID.randomUUID())).status()).isEqualTo(201);
        assertThat(keysStored(shortKey)).isEqualTo(1);

        // Two hours later: the 1-hour key expired, the 24-hour key did not.
        ControlPlane later = start(Clock.offset(Clock.systemUTC(), Duration.ofHours(2)));
        try {
            assertThat(keysStored(shortKey)).as("pruned at start").isZero();
            assertThat(keysStored(longKey)).isEqualTo(1);
            Reply again = post(later, shortKey, target(shortName));
            assertThat(again.status()).as("the key is free: the create ran again and found the name taken").isEqualTo(409);
            assertThat(again.replayed()).isFalse();
        } finally {
            later.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        }
    }

    @Test
    void aServerErrorReleasesTheKeySoThatARetryRuns() throws Exception {
        String name = "retry-" + UUID.randomUUID();
        String key = "retry-" + UUID.randomUUID();
        Reply failed;
        try (Connection pg = services.postgres(); Statement sql = pg.createStatement()) {
            sql.execute("ALTER TABLE targets RENAME TO targets_away");
            try {
                failed = post(plane, key, target(name));
            } finally {
                sql.execute("ALTER TABLE targets_away RENAME TO targets");
            }
        }
        assertThat(failed.status()).as(failed.body()).isEqualTo(500);
        assertThat(keysStored(key)).as("released").isZero();
        Reply retry = post(plane, key, target(name));
        assertThat(retry.status()).as(retry.body()).isEqualTo(201);
        assertThat(retry.replayed()).isFalse();
        assertThat(targetsNamed(name)).isEqualTo(1);
    }

    @Test
    void aKeyStillRunningAfterTheWaitIs409AndADeadClaimIsTakenOver() throws Exception {
        String name = "running-" + UUID.randomUUID();
        String body = target(name);
        String running = "running-" + UUID.randomUUID();
        String dead = "dead-" + UUID.randomUUID();
        byte[] fingerprint = IdempotentRequest.fingerprint("POST", PATH, Buffer.buffer(body));
        Instant now = Instant.now();
        claim(running, fingerprint, now.plusSeconds(3600), now);      // a request that is still running elsewhere
        claim(dead, fingerprint, now.minusSeconds(1), now.minusSeconds(60)); // its process died: the lease ran out

        ControlPlane quick = start(Clock.systemUTC(), "api.idempotency_wait_s=1");
        try {
            long started = System.nanoTime();
            Reply busy = post(quick, running, body);
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(busy.status()).isEqualTo(409);
            assertThat(busy.json().path("error").path("code").asText()).isEqualTo("IDEMPOTENCY_KEY_IN_PROGRESS");
            assertThat(busy.headers().firstValue("retry-after")).hasValue("1");
            assertThat(waitedMs).as("it waited for the first request").isBetween(900L, 5_000L);
            assertThat(targetsNamed(name)).isZero();

            Reply takenOver = post(quick, dead, body);
            assertThat(takenOver.status()).as(takenOver.body()).isEqualTo(201);
            assertThat(targetsNamed(name)).isEqualTo(1);
            assertThat(post(quick, dead, body).replayed()).isTrue();
        } finally {
            quick.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        }
    }

    /** A claim written behind the API's back, as another control plane would hold it. */
    private void claim(String key, byte[] fingerprint, Instant lockedUntil, Instant created) throws Exception {
        try (Connection pg = services.postgres(); PreparedStatement insert = pg.prepareStatement(
                "INSERT INTO idempotency_keys (org_id, key, route, fingerprint, owner, locked_until, created_at, expires_at) "
                        + "VALUES (?, ?, 'POST /api/v1/targets', ?, ?, ?, ?, ?)")) {
            insert.setObject(1, OrgId.DEFAULT.value());
            insert.setString(2, key);
            insert.setBytes(3, fingerprint);
            insert.setObject(4, UUID.randomUUID());
            insert.setObject(5, lockedUntil.atOffset(ZoneOffset.UTC));
            insert.setObject(6, created.atOffset(ZoneOffset.UTC));
            insert.setObject(7, created.plus(Duration.ofHours(24)).atOffset(ZoneOffset.UTC));
            insert.executeUpdate();
        }
    }
}
