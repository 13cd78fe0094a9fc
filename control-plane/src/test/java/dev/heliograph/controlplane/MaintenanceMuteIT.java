package dev.heliograph.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A recurring maintenance window across a daylight-saving change mutes an outage, which is notified
 * when the window ends (issue 13; Uptime Kuma's bug #6233). The control plane runs on a clock set
 * shortly after Europe/Berlin sprang forward on 2026-03-29 (02:00 CET became 03:00 CEST at 01:00 UTC):
 * a weekly window at 02:30 local time, which does not exist that day, runs at 03:30 CEST (RFC 5545:
 * the offset before the gap), 01:30 UTC, for two minutes.
 */
class MaintenanceMuteIT {
    private static final Instant WINDOW_START = Instant.parse("2026-03-29T01:30:00Z");

    @Test
    void aWeeklyWindowAcrossTheSpringForwardMutesAndTheOutageIsNotifiedWhenItEnds() throws Exception {
        // 80 s into the two-minute window: 40 s of mute left.
        Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), WINDOW_START.plusSeconds(80)));
        Vertx vertx = Vertx.vertx();
        try (TestServices services = new TestServices();
             ScriptedTarget target = ScriptedTarget.start(vertx);
             AlertReceiver receiver = AlertReceiver.start(vertx)) {
            ControlPlane plane = ControlPlane.start(vertx, services.config("breaker.sliding_window=10000", "breaker.minimum_checks=10000",
                    "alerting.retry_initial_ms=200", "alerting.poll_interval_ms=100"), clock).await(60, TimeUnit.SECONDS);
            try {
                ApiClient api = new ApiClient(plane.apiPort());
                String channel = api.post("/api/v1/alert-channels", "{\"name\":\"hook\",\"kind\":\"webhook\",\"settings\":{\"url\":\""
                        + receiver.url("/hook") + "\"}}").json().path("id").asText();
                assertThat(api.post("/api/v1/notification-policies", "{\"name\":\"all\",\"channels\":[\"" + channel + "\"]}").status())
                        .isEqualTo(201);
                String window = "{\"name\":\"sunday db\",\"starts_at\":\"2026-03-01T02:30:00\",\"time_zone\":\"Europe/Berlin\","
                        + "\"duration_s\":120,\"rrule\":\"FREQ=WEEKLY;BYDAY=SU\",\"mode\":\"mute\",\"tags\":[\"db\"]}";
                ApiClient.Answer created = api.post("/api/v1/maintenance-windows", window);
                assertThat(created.status()).as(created.text()).isEqualTo(201);
                assertThat(created.json().path("active_now").asBoolean()).isTrue();
                List<String> starts = created.json().path("next_occurrences").findValuesAsText("starts_at");
                assertThat(starts).as("03:30 CEST on the day of the change, 02:30 CEST a week later")
                        .startsWith("2026-03-29T01:30:00Z", "2026-04-05T00:30:00Z");

                target.failing("/db", "local");
                String id = api.post("/api/v1/targets", "{\"name\":\"db\",\"kind\":\"http\",\"spec\":{\"url\":\"" + target.url("/db")
                        + "\"},\"interval_s\":1,\"timeout_ms\":500,\"tags\":[\"db\"]}").json().path("id").asText();
                Await.until("an incident inside the window", Duration.ofSeconds(20),
                        () -> !api.get("/api/v1/incidents?state=active&target_id=" + id).json().path("items").isEmpty());
                Thread.sleep(3_000);
                assertThat(receiver.received()).as("muted: nothing notified inside the window").isEmpty();

                Await.until("the opened notification once the window ended", Duration.ofSeconds(60), () -> !receiver.received().isEmpty());
                Instant windowEnd = WINDOW_START.plusSeconds(120);
                assertThat(clock.instant()).isAfterOrEqualTo(windowEnd);
                JsonNode opened = receiver.received().getFirst().json();
                assertThat(opened.path("type").asText()).isEqualTo("incident.opened");
                assertThat(opened.path("data").path("incident").path("target").path("id").asText()).isEqualTo(id);
                assertThat(Instant.parse(opened.path("timestamp").asText())).isAfterOrEqualTo(windowEnd);
            } finally {
                plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
            }
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
