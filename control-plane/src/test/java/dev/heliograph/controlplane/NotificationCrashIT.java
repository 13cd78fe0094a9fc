package dev.heliograph.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A crash between an incident's opening and its notification's delivery loses nothing (issue 13): the
 * real JAR opens an incident whose webhook receiver refuses it, is killed with SIGKILL, and after a
 * restart on the same database delivers the same notification (same {@code webhook-id}) once the
 * receiver takes it, without opening the incident again.
 */
class NotificationCrashIT {
    @Test
    void killNineBetweenAnIncidentOpeningAndItsDeliveryStillDeliversAfterRestart() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (TestServices services = new TestServices();
             ScriptedTarget target = ScriptedTarget.start(vertx);
             AlertReceiver receiver = AlertReceiver.start(vertx)) {
            receiver.answer(503, "not yet");
            int port = freePort();
            String[] settings = {"api.port=" + port, "breaker.sliding_window=10000", "breaker.minimum_checks=10000",
                    "alerting.retry_initial_ms=200", "alerting.retry_max_ms=500", "alerting.poll_interval_ms=100"};
            ApiClient api = new ApiClient(port);
            String incident;
            String notification;
            try (ControlPlaneProcess first = ControlPlaneProcess.start(services, "crash-before", List.of(), env -> { }, settings)) {
                first.awaitHealthy(api);
                String channel = api.post("/api/v1/alert-channels", "{\"name\":\"hook\",\"kind\":\"webhook\",\"settings\":{\"url\":\""
                        + receiver.url("/hook") + "\"}}").json().path("id").asText();
                assertThat(api.post("/api/v1/notification-policies", "{\"name\":\"all\",\"channels\":[\"" + channel + "\"]}").status())
                        .isEqualTo(201);
                target.failing("/crash", "local");
                assertThat(api.post("/api/v1/targets", "{\"name\":\"crash\",\"kind\":\"http\",\"spec\":{\"url\":\"" + target.url("/crash")
                        + "\"},\"interval_s\":1,\"timeout_ms\":500}").status()).isEqualTo(201);
                Await.until("the opened notification refused once", Duration.ofSeconds(60), () -> !receiver.received().isEmpty());
                JsonNode pending = api.get("/api/v1/notifications?state=pending&event=opened").json().path("items").get(0);
                notification = pending.path("id").asText();
                incident = pending.path("incident_id").asText();

                first.signal("KILL");
                assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
            }
            int refusedBeforeCrash = receiver.received().size();
            receiver.answer(200, "ok");

            try (ControlPlaneProcess second = ControlPlaneProcess.start(services, "crash-after", List.of(), env -> { }, settings)) {
                second.awaitHealthy(api);
                Await.until("the notification delivered after the restart", Duration.ofSeconds(60),
                        () -> api.get("/api/v1/notifications/" + notification).json().path("state").asText().equals("delivered"));
                Thread.sleep(3_000);

                List<AlertReceiver.Received> taken = receiver.received().subList(refusedBeforeCrash, receiver.received().size());
                assertThat(taken).as("delivered once after the restart").hasSize(1);
                assertThat(taken.getFirst().headers().get("webhook-id")).isEqualTo(notification);
                assertThat(taken.getFirst().json().path("type").asText()).isEqualTo("incident.opened");
                assertThat(receiver.received()).allSatisfy(r -> assertThat(r.headers().get("webhook-id")).isEqualTo(notification));
                JsonNode incidents = api.get("/api/v1/incidents?state=active").json().path("items");
                assertThat(incidents).as("the restart neither forgot the outage nor opened it again").hasSize(1);
                assertThat(incidents.get(0).path("id").asText()).isEqualTo(incident);
            }
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
