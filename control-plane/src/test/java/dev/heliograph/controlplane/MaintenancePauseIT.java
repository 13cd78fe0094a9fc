package dev.heliograph.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Pause windows end to end, in-process, against the real PostgreSQL and ClickHouse: a target on a
 * local HTTP server is checked every second; a pause window in force now stops its checks at once,
 * its stored {@code enabled} flag stays true, and deleting the window resumes the checks. A mute
 * window leaves the checks running.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaintenancePauseIT {
    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;
    private RecordingHttpServer server;
    private ApiClient api;

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        plane = ControlPlane.start(vertx, services.config(), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
        server = new RecordingHttpServer(Duration.ZERO);
        api = new ApiClient(plane.apiPort());
    }

    @AfterAll
    void stop() throws Exception {
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        server.close();
        services.close();
    }

    /** An HTTP target of {@code path} on the local server, checked every second, with {@code tag}; its id. */
    private String target(String path, String tag) {
        ApiClient.Answer created = api.post("/api/v1/targets", "{\"name\":\"" + path + "\",\"kind\":\"http\",\"spec\":{\"url\":\""
                + server.url(path) + "\"},\"interval_s\":1,\"timeout_ms\":900,\"tags\":[\"" + tag + "\"]}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().path("id").asText();
    }

    /** A window in force now (started a minute ago, one hour long, UTC) over {@code tag}; its id. */
    private String windowNow(String mode, String tag) {
        String startsAt = LocalDateTime.now(ZoneOffset.UTC).minusMinutes(1).truncatedTo(ChronoUnit.SECONDS).toString();
        ApiClient.Answer created = api.post("/api/v1/maintenance-windows", "{\"name\":\"" + mode + "-" + tag + "\",\"starts_at\":\""
                + startsAt + "\",\"time_zone\":\"UTC\",\"duration_s\":3600,\"mode\":\"" + mode + "\",\"tags\":[\"" + tag + "\"]}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json().path("active_now").asBoolean()).isTrue();
        return created.json().path("id").asText();
    }

    private boolean storedEnabled(String id) throws Exception {
        try (Connection pg = services.postgres(); PreparedStatement select = pg.prepareStatement("SELECT enabled FROM targets WHERE id = ?")) {
            select.setObject(1, UUID.fromString(id));
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getBoolean(1);
            }
        }
    }

    @Test
    void pauseWindowStopsChecksAndDeletingItResumesThem() throws Exception {
        String tag = "pause-" + UUID.randomUUID().toString().substring(0, 8);
        String path = "/" + tag;
        String id = target(path, tag);
        Await.until("the target is checked", Duration.ofSeconds(5), () -> server.hits(path) >= 2);

        String window = windowNow("pause", tag);
        Thread.sleep(1_500); // a check already dispatched may still arrive
        int paused = server.hits(path);
        Thread.sleep(3_000);

        assertThat(server.hits(path)).as("no check during the pause").isEqualTo(paused);
        assertThat(storedEnabled(id)).as("the stored target stays enabled").isTrue();
        assertThat(api.get("/api/v1/targets/" + id).json().path("enabled").asBoolean()).isTrue();

        assertThat(api.delete("/api/v1/maintenance-windows/" + window).status()).isEqualTo(204);
        Await.until("checks resume after the window is deleted", Duration.ofSeconds(5), () -> server.hits(path) >= paused + 2);
    }

    @Test
    void targetChangedDuringAPauseStaysPaused() throws Exception {
        String tag = "pause-put-" + UUID.randomUUID().toString().substring(0, 8);
        String path = "/" + tag;
        String id = target(path, tag);
        Await.until("the target is checked", Duration.ofSeconds(5), () -> server.hits(path) >= 1);
        windowNow("pause", tag);

        ApiClient.Answer put = api.put("/api/v1/targets/" + id, "{\"name\":\"" + path + "-v2\",\"kind\":\"http\",\"spec\":{\"url\":\""
                + server.url(path) + "\"},\"interval_s\":1,\"timeout_ms\":900,\"tags\":[\"" + tag + "\"]}");
        assertThat(put.status()).isEqualTo(200);
        Thread.sleep(1_500);
        int paused = server.hits(path);
        Thread.sleep(2_500);

        assertThat(server.hits(path)).as("an API change does not end the pause").isEqualTo(paused);
    }

    @Test
    void muteWindowLeavesChecksRunning() {
        String tag = "mute-" + UUID.randomUUID().toString().substring(0, 8);
        String path = "/" + tag;
        target(path, tag);
        Await.until("the target is checked", Duration.ofSeconds(5), () -> server.hits(path) >= 1);

        windowNow("mute", tag);
        int before = server.hits(path);

        Await.until("checks go on while muted", Duration.ofSeconds(5), () -> server.hits(path) >= before + 2);
    }
}
