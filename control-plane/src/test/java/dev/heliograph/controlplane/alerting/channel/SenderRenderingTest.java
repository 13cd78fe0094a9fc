package dev.heliograph.controlplane.alerting.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.controlplane.alerting.AlertmanagerSettings;
import dev.heliograph.controlplane.alerting.NotificationEvent;
import dev.heliograph.controlplane.alerting.NotificationMessage;
import dev.heliograph.controlplane.alerting.PagerDutySettings;
import dev.heliograph.controlplane.alerting.TestNotifications;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What each channel makes of a notification, before anything is sent. */
class SenderRenderingTest {
    private static final Instant OPENED = Instant.parse("2026-01-31T12:00:00Z");
    private static final Instant NOW = Instant.parse("2026-01-31T12:05:00Z");
    private static final Duration LEASE = Duration.ofMinutes(3);
    private static final UUID INCIDENT = UUID.fromString("0190f1d0-0000-7000-8000-000000000001");
    private static final PagerDutySettings PAGERDUTY = new PagerDutySettings("R0ut1ngKeyR0ut1ngKeyR0ut1ngKey12", null);
    private static final AlertmanagerSettings ALERTMANAGER = new AlertmanagerSettings("http://am.example.com", null, null,
            Map.of("team", "sre"));

    @Test
    void slackShowsTheSummaryAsTextAndTheIncidentAsEscapedBlocks() {
        NotificationMessage opened = TestNotifications.opened(INCIDENT, OPENED);
        ObjectNode body = SlackSender.body(opened);
        assertThat(body.path("text").asText()).isEqualTo(opened.summary());
        JsonNode blocks = body.path("blocks");
        assertThat(blocks.get(0).path("type").asText()).isEqualTo("header");
        assertThat(blocks.get(0).path("text").path("text").asText()).isEqualTo(opened.summary());
        String section = blocks.get(1).path("text").path("text").asText();
        assertThat(section).contains("*shop web is down in eu-west*", "Regions down: eu-west", "connect_refused",
                "<https://heliograph.example.com/incidents/" + INCIDENT + "|Open the incident in Heliograph>");
        assertThat(blocks.get(2).path("type").asText()).isEqualTo("context");
        assertThat(SlackSender.escape("a <b> & c")).isEqualTo("a &lt;b&gt; &amp; c");
    }

    @Test
    void pagerDutyTriggersWithTheIncidentAsDedupKeyAndResolvesIt() {
        ObjectNode trigger = PagerDutySender.events(PAGERDUTY, TestNotifications.opened(INCIDENT, OPENED)).getFirst();
        assertThat(trigger.path("event_action").asText()).isEqualTo("trigger");
        assertThat(trigger.path("dedup_key").asText()).isEqualTo(INCIDENT.toString());
        assertThat(trigger.path("routing_key").asText()).isEqualTo(PAGERDUTY.routingKey());
        assertThat(trigger.path("payload").path("severity").asText()).isEqualTo("critical");
        assertThat(trigger.path("payload").path("source").asText()).isEqualTo("shop-web");
        assertThat(trigger.path("payload").path("custom_details").path("regions_down").get(0).asText()).isEqualTo("eu-west");
        assertThat(trigger.path("links").get(0).path("href").asText()).endsWith(INCIDENT.toString());

        ObjectNode resolve = PagerDutySender.events(PAGERDUTY, TestNotifications.resolved(INCIDENT, OPENED, NOW)).getFirst();
        assertThat(resolve.path("event_action").asText()).isEqualTo("resolve");
        assertThat(resolve.path("dedup_key").asText()).isEqualTo(INCIDENT.toString());
        assertThat(resolve.has("payload")).isFalse();
    }

    @Test
    void aPagerDutyTestEventHasADedupKeyOfItsOwnAndSeverityInfo() {
        NotificationMessage test = TestNotifications.test(NOW);
        ObjectNode event = PagerDutySender.events(PAGERDUTY, test).getFirst();
        assertThat(event.path("event_action").asText()).isEqualTo("trigger");
        assertThat(event.path("dedup_key").asText()).isEqualTo("heliograph-test-" + test.id());
        assertThat(event.path("payload").path("severity").asText()).isEqualTo("info");
        assertThat(PagerDutySender.severity("warning")).isEqualTo("warning");
        assertThat(PagerDutySender.severity(null)).isEqualTo("error");
    }

    @Test
    void alertmanagerFiresWithALeaseAndEndsAResolvedAlertWhenItResolved() {
        ArrayNode firing = AlertmanagerSender.alerts(ALERTMANAGER, TestNotifications.opened(INCIDENT, OPENED), NOW, LEASE);
        JsonNode alert = firing.get(0);
        assertThat(alert.path("startsAt").asText()).isEqualTo(OPENED.toString());
        assertThat(alert.path("endsAt").asText()).isEqualTo(NOW.plus(LEASE).toString());
        assertThat(alert.path("generatorURL").asText()).endsWith(INCIDENT.toString());
        assertThat(alert.path("annotations").path("regions_down").asText()).isEqualTo("eu-west");

        Instant resolvedAt = NOW.minusSeconds(30);
        JsonNode resolved = AlertmanagerSender.alerts(ALERTMANAGER, TestNotifications.resolved(INCIDENT, OPENED, resolvedAt), NOW, LEASE)
                .get(0);
        assertThat(resolved.path("endsAt").asText()).isEqualTo(resolvedAt.toString());
        assertThat(resolved.path("labels")).isEqualTo(alert.path("labels"));
    }

    @Test
    void alertmanagerLabelsIdentifyTheIncidentAndCarryTheChannelsExtraLabels() {
        JsonNode labels = AlertmanagerSender.alerts(ALERTMANAGER, TestNotifications.opened(INCIDENT, OPENED), NOW, LEASE)
                .get(0).path("labels");
        assertThat(labels.properties()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("alertname", "incident_id", "kind", "severity", "target", "team");
        assertThat(labels.path("alertname").asText()).isEqualTo(AlertmanagerSender.ALERTNAME);
        assertThat(labels.path("incident_id").asText()).isEqualTo(INCIDENT.toString());
        assertThat(labels.path("target").asText()).isEqualTo("shop-web");
    }

    @Test
    void aResolutionInTheFutureEndsTheAlertNow() {
        NotificationMessage resolved = TestNotifications.resolved(INCIDENT, OPENED, NOW.plusSeconds(60));
        assertThat(AlertmanagerSender.endsAt(resolved, resolved.incident(), NOW, LEASE)).isEqualTo(NOW);
        NotificationMessage reminder = new NotificationMessage(UUID.randomUUID(), NotificationEvent.REMINDER, NOW,
                TestNotifications.ORG.value(), "still down", TestNotifications.incident(INCIDENT, "open", OPENED, null), null);
        assertThat(AlertmanagerSender.endsAt(reminder, reminder.incident(), NOW, LEASE)).isEqualTo(NOW.plus(LEASE));
    }

    @Test
    void aFlappingNoticeAboutAResolvedIncidentNeverReopensItInPagerDutyOrAlertmanager() {
        Instant resolvedAt = NOW.minusSeconds(5);
        NotificationMessage flapping = new NotificationMessage(UUID.randomUUID(), NotificationEvent.FLAPPING, NOW,
                TestNotifications.ORG.value(), "FLAPPING: shop web", TestNotifications.incident(INCIDENT, "resolved", OPENED, resolvedAt), null);
        ObjectNode event = PagerDutySender.events(PAGERDUTY, flapping).getFirst();
        assertThat(event.path("event_action").asText()).isEqualTo("resolve");
        assertThat(event.path("dedup_key").asText()).isEqualTo(INCIDENT.toString());
        assertThat(AlertmanagerSender.alerts(ALERTMANAGER, flapping, NOW, LEASE).get(0).path("endsAt").asText())
                .isEqualTo(resolvedAt.toString());

        NotificationMessage flappingOpen = new NotificationMessage(UUID.randomUUID(), NotificationEvent.FLAPPING, NOW,
                TestNotifications.ORG.value(), "FLAPPING: shop web", TestNotifications.incident(INCIDENT, "open", OPENED, null), null);
        assertThat(PagerDutySender.events(PAGERDUTY, flappingOpen).getFirst().path("event_action").asText()).isEqualTo("trigger");
    }

    @Test
    void outcomesOfHttpStatusesAndRetryAfter() {
        assertThat(List.of(200, 202, 204)).allSatisfy(s -> assertThat(HttpDelivery.outcome(s).wire()).isEqualTo("delivered"));
        assertThat(List.of(408, 429, 500, 502, 503)).allSatisfy(s -> assertThat(HttpDelivery.outcome(s).wire()).isEqualTo("failed"));
        assertThat(List.of(301, 400, 401, 403, 404, 410, 413)).allSatisfy(s ->
                assertThat(HttpDelivery.outcome(s).wire()).isEqualTo("rejected"));
        assertThat(HttpDelivery.retryAfter("30", NOW)).isEqualTo(Duration.ofSeconds(30));
        assertThat(HttpDelivery.retryAfter("Sat, 31 Jan 2026 12:06:00 GMT", NOW)).isEqualTo(Duration.ofMinutes(1));
        assertThat(HttpDelivery.retryAfter("Sat, 31 Jan 2026 11:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
        assertThat(HttpDelivery.retryAfter("soon", NOW)).isNull();
        assertThat(HttpDelivery.retryAfter(null, NOW)).isNull();
    }
}
