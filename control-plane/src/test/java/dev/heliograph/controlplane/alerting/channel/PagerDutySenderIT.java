package dev.heliograph.controlplane.alerting.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.AlertReceiver;
import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.DeliveryResult;
import dev.heliograph.controlplane.alerting.NotificationEvent;
import dev.heliograph.controlplane.alerting.NotificationMessage;
import dev.heliograph.controlplane.alerting.PagerDutySettings;
import dev.heliograph.controlplane.alerting.TestNotifications;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PagerDuty Events API v2 against a real local receiver answering as the Events API does. */
class PagerDutySenderIT {
    private static final String ROUTING_KEY = "R0ut1ngKeyR0ut1ngKeyR0ut1ngKey12";
    private static final String ACCEPTED = "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"x\"}";

    private Vertx vertx;
    private AlertReceiver pagerDuty;
    private ChannelSenders senders;
    private AlertChannel channel;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        pagerDuty = AlertReceiver.start(vertx).answer(202, ACCEPTED);
        senders = LoopbackSenders.create(vertx, Duration.ofSeconds(2), Clock.systemUTC());
        channel = TestNotifications.channel(new PagerDutySettings(ROUTING_KEY, pagerDuty.url("/v2/enqueue")));
    }

    @AfterEach
    void stop() throws Exception {
        senders.close();
        pagerDuty.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void anIncidentTriggersAndThenResolvesOneDedupKey() throws Exception {
        UUID incident = UUID.randomUUID();
        Instant opened = Instant.now().minusSeconds(60);
        DeliveryResult triggered = senders.send(channel, TestNotifications.opened(incident, opened)).await(10, TimeUnit.SECONDS);
        DeliveryResult resolved = senders.send(channel, TestNotifications.resolved(incident, opened, Instant.now()))
                .await(10, TimeUnit.SECONDS);

        assertThat(List.of(triggered, resolved)).allSatisfy(result -> {
            assertThat(result.delivered()).as(result.toString()).isTrue();
            assertThat(result.httpStatus()).isEqualTo(202);
        });
        List<JsonNode> events = pagerDuty.received().stream().map(AlertReceiver.Received::json).toList();
        assertThat(pagerDuty.received()).extracting(AlertReceiver.Received::path).containsOnly("/v2/enqueue");
        assertThat(events).extracting(e -> e.path("event_action").asText()).containsExactly("trigger", "resolve");
        assertThat(events).extracting(e -> e.path("dedup_key").asText()).containsOnly(incident.toString());
        assertThat(events).extracting(e -> e.path("routing_key").asText()).containsOnly(ROUTING_KEY);
        assertThat(events.getFirst().path("payload").path("summary").asText()).startsWith("DOWN: shop web");
    }

    @Test
    void aReminderTriggersTheSameDedupKeyAgain() throws Exception {
        UUID incident = UUID.randomUUID();
        NotificationMessage reminder = new NotificationMessage(UUID.randomUUID(), NotificationEvent.REMINDER, Instant.now(),
                TestNotifications.ORG.value(), "STILL DOWN: shop web",
                TestNotifications.incident(incident, "open", Instant.now().minusSeconds(600), null), null);
        assertThat(senders.send(channel, reminder).await(10, TimeUnit.SECONDS).delivered()).isTrue();
        assertThat(pagerDuty.last().json().path("event_action").asText()).isEqualTo("trigger");
        assertThat(pagerDuty.last().json().path("dedup_key").asText()).isEqualTo(incident.toString());
    }

    @Test
    void aGroupedNotificationSendsOneEventPerIncident() throws Exception {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        Instant now = Instant.now();
        NotificationMessage grouped = new NotificationMessage(UUID.randomUUID(), NotificationEvent.OPENED, now,
                TestNotifications.ORG.value(), "DOWN: 2 targets tagged prod", null, new NotificationMessage.Group("tag:prod",
                List.of(TestNotifications.incident(first, "open", now, null), TestNotifications.incident(second, "open", now, null))));
        assertThat(senders.send(channel, grouped).await(10, TimeUnit.SECONDS).delivered()).isTrue();
        assertThat(pagerDuty.received()).extracting(r -> r.json().path("dedup_key").asText())
                .containsExactly(first.toString(), second.toString());
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({"400, REJECTED", "429, FAILED", "500, FAILED", "502, FAILED"})
    void pagerDutysErrorsEndAsItsApiDocumentsThem(int status, DeliveryResult.Outcome outcome) throws Exception {
        pagerDuty.answer(status, "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\"}");
        DeliveryResult result = senders.send(channel, TestNotifications.test(Instant.now())).await(10, TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(outcome);
        assertThat(result.httpStatus()).isEqualTo(status);
        assertThat(result.response()).contains("Event object is invalid");
    }
}
