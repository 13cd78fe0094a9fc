package dev.heliograph.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Notifications from real incidents to real receivers: retries that keep the signed message and its
 * {@code webhook-id} (checked by an independent verifier in Python), resolved notifications retried
 * like any other, grouping, parent dependencies, and a real Alertmanager. Each test has a policy of its
 * own that routes only its targets (by tag) to its own receiver.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotificationDeliveryIT {
    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;
    private ApiClient api;
    private ScriptedTarget target;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        plane = ControlPlane.start(vertx, services.config("breaker.sliding_window=10000", "breaker.minimum_checks=10000",
                "incidents.group_threshold=3", "incidents.group_window_s=60", "incidents.group_wait_s=2", "incidents.parent_wait_s=3",
                "alerting.retry_initial_ms=200", "alerting.retry_max_ms=1000", "alerting.poll_interval_ms=100"), Clock.systemUTC())
                .await(60, TimeUnit.SECONDS);
        api = new ApiClient(plane.apiPort());
        target = ScriptedTarget.start(vertx);
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable resource : closing) {
            resource.close();
        }
        target.close();
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        services.close();
    }

    private static String created(ApiClient.Answer answer) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        return answer.json().path("id").asText();
    }

    private AlertReceiver receiver() throws Exception {
        AlertReceiver receiver = AlertReceiver.start(vertx);
        closing.add(receiver);
        return receiver;
    }

    /** A policy routing every critical event of targets tagged {@code tag} to a new channel of {@code kind}. */
    private String route(String tag, String kind, String settings) {
        String channel = created(api.post("/api/v1/alert-channels", "{\"name\":\"" + tag + "-channel\",\"kind\":\"" + kind
                + "\",\"settings\":" + settings + "}"));
        created(api.post("/api/v1/notification-policies", "{\"name\":\"" + tag + "-policy\",\"tags\":[\"" + tag + "\"],\"channels\":[\""
                + channel + "\"]}"));
        return channel;
    }

    private String createTarget(String name, String tag, String extra) {
        return created(api.post("/api/v1/targets", "{\"key\":\"" + name + "\",\"name\":\"" + name + "\",\"kind\":\"http\",\"spec\":{\"url\":\""
                + target.url("/" + name) + "\"},\"interval_s\":1,\"timeout_ms\":500,\"tags\":[\"" + tag + "\"]" + extra + "}"));
    }

    private static List<JsonNode> ofType(AlertReceiver receiver, String type) {
        return receiver.received().stream().map(AlertReceiver.Received::json).filter(b -> b.path("type").asText().equals(type)).toList();
    }

    @Test
    void aWebhookFailingThreeTimesGetsTheSameSignedMessageUntilItTakesIt() throws Exception {
        AlertReceiver receiver = receiver();
        AtomicInteger calls = new AtomicInteger();
        receiver.answerWith(request -> calls.incrementAndGet() <= 3 ? AlertReceiver.Answer.of(500, "down for a bit")
                : AlertReceiver.Answer.of(200, "ok"));
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
        route("retry", "webhook", "{\"url\":\"" + receiver.url("/hook") + "\",\"secret\":\"" + secret + "\"}");
        target.failing("/retried", "local");
        createTarget("retried", "retry", "");

        Await.until("the fourth delivery", Duration.ofSeconds(60), () -> receiver.received().size() >= 4);

        List<AlertReceiver.Received> tries = receiver.received().subList(0, 4);
        String id = tries.getFirst().headers().get("webhook-id");
        assertThat(tries).allSatisfy(received -> {
            assertThat(received.headers().get("webhook-id")).as("stable across retries").isEqualTo(id);
            assertThat(received.text()).isEqualTo(tries.getFirst().text());
            try {
                assertThat(WebhookVerifier.verify(secret, received)).as("an independent HMAC check").isEqualTo("ok");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(tries.getFirst().json().path("type").asText()).isEqualTo("incident.opened");
        Await.until("the notification delivered", Duration.ofSeconds(10),
                () -> api.get("/api/v1/notifications/" + id).json().path("state").asText().equals("delivered"));
        JsonNode notification = api.get("/api/v1/notifications/" + id).json();
        assertThat(notification.path("attempts").asInt()).isEqualTo(4);
        assertThat(notification.path("delivery_attempts").findValuesAsText("outcome")).containsExactly("failed", "failed", "failed",
                "delivered");
        assertThat(notification.path("delivery_attempts").get(0).path("http_status").asInt()).isEqualTo(500);
    }

    @Test
    void aResolvedNotificationWhoseSendFailsIsRetriedUntilDelivered() throws Exception {
        AlertReceiver receiver = receiver();
        AtomicInteger resolvedTries = new AtomicInteger();
        receiver.answerWith(request -> request.json().path("type").asText().equals("incident.resolved")
                && resolvedTries.incrementAndGet() <= 2 ? AlertReceiver.Answer.of(503, "busy") : AlertReceiver.Answer.of(200, "ok"));
        route("resolve", "webhook", "{\"url\":\"" + receiver.url("/hook") + "\"}");
        target.failing("/recovering", "local");
        createTarget("recovering", "resolve", "");
        Await.until("opened", Duration.ofSeconds(30), () -> !ofType(receiver, "incident.opened").isEmpty());

        target.failing("/recovering");

        Await.until("resolved taken at the third try", Duration.ofSeconds(30), () -> resolvedTries.get() >= 3);
        assertThat(ofType(receiver, "incident.resolved")).hasSize(3);
        assertThat(ofType(receiver, "incident.opened")).hasSize(1);
    }

    @Test
    void aChannelDeletedBehindTheEnginesBackNeitherStopsTheTargetNorItsIncident() throws Exception {
        AlertReceiver receiver = receiver();
        String channel = route("vanish", "webhook", "{\"url\":\"" + receiver.url("/hook") + "\"}");
        target.failing("/vanishing", "local");
        String id = createTarget("vanishing", "vanish", "");
        Await.until("opened", Duration.ofSeconds(30), () -> !ofType(receiver, "incident.opened").isEmpty());
        // As another control plane would: the channel goes while this one still routes to it.
        try (java.sql.Connection sql = services.postgres(); java.sql.Statement statement = sql.createStatement()) {
            assertThat(statement.executeUpdate("DELETE FROM alert_channels WHERE id = '" + channel + "'")).isEqualTo(1);
        }

        target.failing("/vanishing");

        Await.until("the incident resolved although its resolved notification had nowhere to go", Duration.ofSeconds(30),
                () -> api.get("/api/v1/incidents?target_id=" + id + "&state=resolved").json().path("items").size() == 1);
        target.failing("/vanishing", "local");
        Await.until("a new outage of the target is decided again", Duration.ofSeconds(30),
                () -> api.get("/api/v1/incidents?target_id=" + id + "&state=open").json().path("items").size() == 1);
        assertThat(ofType(receiver, "incident.resolved")).as("the channel is gone").isEmpty();
    }

    @Test
    void manyTargetsSharingATagGoingDownTogetherAreOneGroupedNotification() throws Exception {
        AlertReceiver receiver = receiver();
        route("shop", "webhook", "{\"url\":\"" + receiver.url("/hook") + "\"}");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            target.failing("/shop-" + i, "local");
        }
        for (int i = 0; i < 8; i++) {
            ids.add(createTarget("shop-" + i, "shop", ""));
        }

        Await.until("all eight reported", Duration.ofSeconds(60), () -> reported(receiver).size() == 8);
        Thread.sleep(3_000);

        List<JsonNode> opened = ofType(receiver, "incident.opened");
        List<JsonNode> grouped = opened.stream().filter(b -> b.path("data").path("group").isObject()).toList();
        System.out.println("8 targets with one tag down together: " + opened.size() + " notifications, " + grouped.size() + " grouped");
        assertThat(opened.size()).as("fewer than one each").isLessThan(8);
        assertThat(grouped).isNotEmpty();
        assertThat(grouped.getFirst().path("data").path("group").path("key").asText()).isEqualTo("tag:shop");
        assertThat(grouped.getFirst().path("data").path("summary").asText()).startsWith("DOWN: ").contains("targets with tag shop are down");
        assertThat(reported(receiver)).as("each target reported exactly once").containsExactlyInAnyOrderElementsOf(ids);
    }

    /** Target ids reported in opened notifications, individually or in groups, with repeats. */
    private static List<String> reported(AlertReceiver receiver) {
        List<String> ids = new ArrayList<>();
        for (JsonNode body : ofType(receiver, "incident.opened")) {
            JsonNode group = body.path("data").path("group");
            if (group.isObject()) {
                group.path("incidents").forEach(i -> ids.add(i.path("target").path("id").asText()));
            } else {
                ids.add(body.path("data").path("incident").path("target").path("id").asText());
            }
        }
        return ids;
    }

    @Test
    void aChildGoingDownWithItsParentIsCausedByItAndNotNotified() throws Exception {
        AlertReceiver receiver = receiver();
        route("dep", "webhook", "{\"url\":\"" + receiver.url("/hook") + "\"}");
        String parent = createTarget("edge-lb", "dep", "");
        String child = createTarget("app-behind-lb", "dep", ",\"incident_rules\":{\"parent\":\"edge-lb\"}");
        Await.until("both checked", Duration.ofSeconds(30), () -> target.requests("/edge-lb") > 1 && target.requests("/app-behind-lb") > 1);

        target.failing("/app-behind-lb", "local");
        target.failing("/edge-lb", "local");

        Await.until("the parent's opened", Duration.ofSeconds(30), () -> !ofType(receiver, "incident.opened").isEmpty());
        Thread.sleep(6_000); // past incidents.parent_wait_s

        assertThat(ofType(receiver, "incident.opened")).extracting(b -> b.path("data").path("incident").path("target").path("id").asText())
                .containsExactly(parent);
        JsonNode childIncident = api.get("/api/v1/incidents?state=active&target_id=" + child).json().path("items").get(0);
        assertThat(childIncident.path("caused_by").asText()).isEqualTo(api.get("/api/v1/incidents?state=active&target_id=" + parent)
                .json().path("items").get(0).path("id").asText());
    }

    @Test
    void alertmanagerListsTheIncidentActiveThenResolved() throws Exception {
        LocalAlertmanager alertmanager = LocalAlertmanager.start();
        closing.add(alertmanager);
        route("am", "alertmanager", "{\"url\":\"" + alertmanager.url() + "\"}");
        target.failing("/am-web", "local");
        String id = createTarget("am-web", "am", "");

        Await.until("an incident", Duration.ofSeconds(30), () -> !api.get("/api/v1/incidents?state=active&target_id=" + id).json()
                .path("items").isEmpty());
        String incident = api.get("/api/v1/incidents?state=active&target_id=" + id).json().path("items").get(0).path("id").asText();
        String matcher = "incident_id=\"" + incident + "\"";
        Await.until("the alert active in Alertmanager", Duration.ofSeconds(30), () -> alertmanager.listed(matcher) == 1);
        assertThat(alertmanager.alerts(matcher).get(0).path("status").path("state").asText()).isEqualTo("active");

        target.failing("/am-web");

        Await.until("the alert resolved (no longer listed)", Duration.ofSeconds(30), () -> alertmanager.listed(matcher) == 0);
        assertThat(api.get("/api/v1/incidents/" + incident).json().path("state").asText()).isEqualTo("resolved");
    }

}
