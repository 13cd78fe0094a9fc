package dev.heliograph.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.probe.codec.Json;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.TargetId;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The walking skeleton end to end, in-process, against the real PostgreSQL and ClickHouse: targets
 * created, changed, paused and deleted through the REST API are checked (or stop being checked)
 * without a restart, and their results come back through the API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TargetLifecycleIT {
    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;
    private RecordingHttpServer target;
    private ApiClient api;

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        plane = ControlPlane.start(vertx, services.config("scheduler.refresh_interval_s=2"), Clock.systemUTC())
                .await(60, TimeUnit.SECONDS);
        target = new RecordingHttpServer(Duration.ZERO);
        api = new ApiClient(plane.apiPort());
    }

    @AfterAll
    void stop() throws Exception {
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        target.close();
        services.close();
    }

    @Test
    void createdTargetIsCheckedWithinOneIntervalAndItsResultsAreQueryable() throws Exception {
        String path = "/created/" + UUID.randomUUID();
        String id = create("created", httpSpec(target.url(path)), 2);

        Await.until("a result through the API", Duration.ofSeconds(8), () -> results(id).size() > 0);
        JsonNode result = results(id).get(0);
        assertThat(result.path("status").asText()).isEqualTo("up");
        assertThat(result.path("http_status").asInt()).isEqualTo(200);
        assertThat(result.path("region").asText()).isEqualTo("local");
        assertThat(result.path("agent_id").asText()).isEqualTo(ControlPlane.AGENT_ID);
        assertThat(result.path("connect_ms").asDouble()).isPositive();
        assertThat(result.path("ttfb_ms").asDouble()).isPositive();
        assertThat(result.path("total_ms").asDouble()).isPositive();
        assertThat(result.path("tls_ms").asDouble()).isZero();
        assertThat(target.hits(path)).isPositive();
        // Regression: client-v2 named the database in a header that ClickHouse 18.16 ignores, so
        // rows went to the server's default database; they must be in this test's own database.
        assertThat(rowsInOwnDatabase(id)).isPositive();

        // The rollup is fed by a materialized view; on a loaded machine allow it a moment.
        Await.until("the rollup counts the checks", Duration.ofSeconds(5),
                () -> api.get("/api/v1/targets/" + id + "/stats?window=1h").json().path("checks").asLong() > 0);
        ApiClient.Answer stats = api.get("/api/v1/targets/" + id + "/stats?window=1h");
        assertThat(stats.status()).isEqualTo(200);
        assertThat(stats.json().path("checks").asLong()).isPositive();
        assertThat(stats.json().path("uptime_ratio").asDouble()).isEqualTo(1.0);
        assertThat(stats.json().path("p99_ms").asDouble()).isPositive();
    }

    @Test
    void updateChangesWhatIsCheckedWithoutRestart() {
        String before = "/before/" + UUID.randomUUID();
        String after = "/after/" + UUID.randomUUID();
        String id = create("updated", httpSpec(target.url(before)), 1);
        Await.until("first check of the old URL", Duration.ofSeconds(5), () -> target.hits(before) > 0);

        ApiClient.Answer put = api.put("/api/v1/targets/" + id, body("updated", httpSpec(target.url(after)), 1, true));
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.json().path("version").asLong()).isEqualTo(2);

        Await.until("the new URL is checked", Duration.ofSeconds(4), () -> target.hits(after) > 0);
        int oldHits = target.hits(before);
        Await.until("two more checks of the new URL", Duration.ofSeconds(5), () -> target.hits(after) >= 3);
        assertThat(target.hits(before)).as("old URL no longer checked").isEqualTo(oldHits);
    }

    @Test
    void deletedTargetStopsBeingChecked() throws Exception {
        String path = "/deleted/" + UUID.randomUUID();
        String id = create("deleted", httpSpec(target.url(path)), 1);
        Await.until("first check", Duration.ofSeconds(5), () -> target.hits(path) > 0);

        assertThat(api.delete("/api/v1/targets/" + id).status()).isEqualTo(204);
        Thread.sleep(1_000); // a check already dispatched may still arrive
        int hits = target.hits(path);
        Thread.sleep(3_000);
        assertThat(target.hits(path)).as("no check after delete").isEqualTo(hits);
        assertThat(api.get("/api/v1/targets/" + id).status()).isEqualTo(404);
    }

    @Test
    void periodicRefreshRepairsAChangeTheApiNeverSaw() throws Exception {
        String path = "/behind-the-api/" + UUID.randomUUID();
        String spec = Json.MAPPER.writeValueAsString(java.util.Map.of("url", target.url(path)));
        try (Connection pg = services.postgres(); PreparedStatement insert = pg.prepareStatement(
                "INSERT INTO targets (id, org_id, name, kind, spec, interval_s, timeout_ms, regions) "
                        + "VALUES (?, ?, ?, 'http', ?::jsonb, 1, 900, '{local}')")) {
            insert.setObject(1, TargetId.random().value());
            insert.setObject(2, OrgId.DEFAULT.value());
            insert.setString(3, "behind-" + UUID.randomUUID());
            insert.setString(4, spec);
            insert.executeUpdate();
        }
        Await.until("the refresh schedules the target", Duration.ofSeconds(6), () -> target.hits(path) > 0);
    }

    /**
     * Issue 6: the re-read decodes again only rows whose stamp (xmin) changed since the previous
     * one. An update this process never heard of (another replica, SQL) must still reach the schedule.
     */
    @Test
    void periodicRefreshRepairsAnUpdateTheApiNeverSaw() throws Exception {
        String before = "/before-sql-update/" + UUID.randomUUID();
        String after = "/after-sql-update/" + UUID.randomUUID();
        String id = create("changed behind the api", httpSpec(target.url(before)), 1);
        Await.until("first check", Duration.ofSeconds(5), () -> target.hits(before) > 0);
        Thread.sleep(2_500); // at least one re-read has seen the target as it is now

        try (Connection pg = services.postgres(); PreparedStatement update = pg.prepareStatement(
                "UPDATE targets SET spec = ?::jsonb, version = version + 1 WHERE id = ?")) {
            update.setString(1, Json.MAPPER.writeValueAsString(java.util.Map.of("url", target.url(after))));
            update.setObject(2, UUID.fromString(id));
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        Await.until("the refresh picks up the new spec", Duration.ofSeconds(6), () -> target.hits(after) > 0);
    }

    @Test
    void pausedTargetStopsAndResumes() throws Exception {
        String path = "/paused/" + UUID.randomUUID();
        String spec = httpSpec(target.url(path));
        String id = create("paused", spec, 1);
        Await.until("first check", Duration.ofSeconds(5), () -> target.hits(path) > 0);

        assertThat(api.put("/api/v1/targets/" + id, body("paused", spec, 1, false)).status()).isEqualTo(200);
        Thread.sleep(1_000);
        int hits = target.hits(path);
        Thread.sleep(2_500);
        assertThat(target.hits(path)).as("no check while paused").isEqualTo(hits);

        assertThat(api.put("/api/v1/targets/" + id, body("paused", spec, 1, true)).status()).isEqualTo(200);
        Await.until("checks resume", Duration.ofSeconds(4), () -> target.hits(path) > hits);
    }

    @Test
    void tcpChecksReportOpenPortUpAndClosedPortDown() throws Exception {
        int closedPort = 9; // discard: closed here; an ephemeral port could, rarely, connect to itself
        try (ServerSocket open = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String openId = create("tcp-open", "{\"host\":\"127.0.0.1\",\"port\":" + open.getLocalPort() + "}", 1, "tcp");
            String closedId = create("tcp-closed", "{\"host\":\"127.0.0.1\",\"port\":" + closedPort + "}", 1, "tcp");

            Await.until("tcp results", Duration.ofSeconds(8), () -> results(openId).size() > 0 && results(closedId).size() > 0);
            assertThat(results(openId).get(0).path("status").asText()).isEqualTo("up");
            assertThat(results(openId).get(0).path("connect_ms").asDouble()).isPositive();
            JsonNode closed = results(closedId).get(0);
            assertThat(closed.path("status").asText()).isEqualTo("down");
            assertThat(closed.path("error").asText()).isEqualTo("connection refused");
        }
    }

    @Test
    void resultsArePagedNewestFirst() {
        String path = "/paged/" + UUID.randomUUID();
        String id = create("paged", httpSpec(target.url(path)), 1);
        Await.until("five results", Duration.ofSeconds(15), () -> results(id).size() >= 5);

        ApiClient.Answer first = api.get("/api/v1/targets/" + id + "/results?limit=2");
        assertThat(first.json().path("items")).hasSize(2);
        String cursor = first.json().path("next_cursor").asText();
        ApiClient.Answer second = api.get("/api/v1/targets/" + id + "/results?limit=2&cursor=" + cursor);
        assertThat(second.json().path("items")).hasSize(2);
        long newest = java.time.Instant.parse(first.json().path("items").get(0).path("started_at").asText()).toEpochMilli();
        long older = java.time.Instant.parse(first.json().path("items").get(1).path("started_at").asText()).toEpochMilli();
        long oldest = java.time.Instant.parse(second.json().path("items").get(0).path("started_at").asText()).toEpochMilli();
        assertThat(newest).isGreaterThanOrEqualTo(older);
        assertThat(older).isGreaterThanOrEqualTo(oldest);
        assertThat(second.json().path("items").get(0).path("result_id").asText())
                .isNotIn(first.json().path("items").get(0).path("result_id").asText(),
                        first.json().path("items").get(1).path("result_id").asText());
    }

    private long rowsInOwnDatabase(String targetId) throws Exception {
        String sql = "SELECT count() AS n FROM " + services.database() + ".check_results WHERE target_id = toUUID('"
                + java.util.UUID.fromString(targetId) + "') FORMAT JSONEachRow";
        try (com.clickhouse.client.api.Client client = services.clickhouse();
             com.clickhouse.client.api.query.QueryResponse response = client.query(sql).get(30, TimeUnit.SECONDS)) {
            return dev.heliograph.probe.codec.Json.MAPPER.readTree(response.getInputStream()).path("n").asLong();
        }
    }

    private JsonNode results(String id) {
        ApiClient.Answer answer = api.get("/api/v1/targets/" + id + "/results?limit=500");
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return answer.json().path("items");
    }

    private String create(String name, String spec, int intervalS) {
        return create(name, spec, intervalS, "http");
    }

    private String create(String name, String spec, int intervalS, String kind) {
        String body = "{\"name\":\"" + name + "-" + UUID.randomUUID() + "\",\"kind\":\"" + kind + "\",\"spec\":" + spec
                + ",\"interval_s\":" + intervalS + ",\"timeout_ms\":" + Math.min(900, intervalS * 900) + "}";
        ApiClient.Answer created = api.post("/api/v1/targets", body);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().path("id").asText();
    }

    private static String body(String name, String spec, int intervalS, boolean enabled) {
        return "{\"name\":\"" + name + "\",\"kind\":\"http\",\"spec\":" + spec + ",\"interval_s\":" + intervalS
                + ",\"timeout_ms\":900,\"enabled\":" + enabled + "}";
    }

    private static String httpSpec(String url) {
        return "{\"url\":\"" + url + "\"}";
    }
}
