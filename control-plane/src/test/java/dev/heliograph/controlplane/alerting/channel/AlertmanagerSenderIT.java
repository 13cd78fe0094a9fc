package dev.heliograph.controlplane.alerting.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.AlertReceiver;
import dev.heliograph.controlplane.Await;
import dev.heliograph.controlplane.LocalAlertmanager;
import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.AlertmanagerSettings;
import dev.heliograph.controlplane.alerting.DeliveryResult;
import dev.heliograph.controlplane.alerting.NotificationMessage;
import dev.heliograph.controlplane.alerting.TestNotifications;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Alerts against a real Prometheus Alertmanager (Debian's {@code prometheus-alertmanager} 0.25,
 * installed by {@code scripts/test-tools.sh}), started here on a free loopback port with a throw-away
 * configuration and data directory, without clustering, and stopped afterwards. Alertmanager's
 * {@code GET /api/v2/alerts} lists an alert while its {@code endsAt} lies ahead and leaves it out
 * once that has passed (api/v2/api.go, alertFilter), which is what "resolved" looks like there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertmanagerSenderIT {
    private static final Duration LEASE = Duration.ofMinutes(3);

    private LocalAlertmanager alertmanager;
    private String url;
    private Vertx vertx;
    private ChannelSenders senders;

    @BeforeAll
    void start() throws Exception {
        alertmanager = LocalAlertmanager.start();
        url = alertmanager.url();
        vertx = Vertx.vertx();
        senders = LoopbackSenders.create(vertx, Duration.ofSeconds(5), Clock.systemUTC());
    }

    @AfterAll
    void stop() throws Exception {
        if (senders != null) {
            senders.close();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        if (alertmanager != null) {
            alertmanager.close();
        }
    }

    @Test
    void anOpenIncidentIsAnActiveAlertUntilItsResolutionEndsIt() throws Exception {
        UUID incident = UUID.randomUUID();
        Instant opened = Instant.now().minusSeconds(120);
        AlertChannel channel = channel(Map.of("team", "sre"));

        DeliveryResult firing = senders.send(channel, TestNotifications.opened(incident, opened)).await(10, TimeUnit.SECONDS);

        assertThat(firing.delivered()).as(firing.toString()).isTrue();
        assertThat(firing.httpStatus()).isEqualTo(200);
        JsonNode alert = alerts(incident).get(0);
        assertThat(alert.path("status").path("state").asText()).isEqualTo("active");
        assertThat(alert.path("labels").path("alertname").asText()).isEqualTo(AlertmanagerSender.ALERTNAME);
        assertThat(alert.path("labels").path("target").asText()).isEqualTo("shop-web");
        assertThat(alert.path("labels").path("severity").asText()).isEqualTo("critical");
        assertThat(alert.path("labels").path("team").asText()).isEqualTo("sre");
        assertThat(alert.path("annotations").path("summary").asText()).startsWith("DOWN: shop web");
        assertThat(alert.path("generatorURL").asText()).endsWith(incident.toString());
        assertThat(Instant.parse(alert.path("startsAt").asText())).isEqualTo(opened.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(Instant.parse(alert.path("endsAt").asText())).isAfter(Instant.now().plus(LEASE).minusSeconds(30));

        DeliveryResult resolved = senders.send(channel, TestNotifications.resolved(incident, opened, Instant.now()))
                .await(10, TimeUnit.SECONDS);

        assertThat(resolved.delivered()).as(resolved.toString()).isTrue();
        // Alertmanager reads endsAt against its own clock, which may lag ours by a moment.
        Await.until("the resolved alert gone from GET /api/v2/alerts", Duration.ofSeconds(5), () -> listed(incident) == 0);
    }

    @Test
    void aRefreshRenewsTheLeaseOfAFiringAlert() throws Exception {
        UUID incident = UUID.randomUUID();
        NotificationMessage opened = TestNotifications.opened(incident, Instant.now());
        AlertChannel channel = channel(Map.of());
        assertThat(senders.send(channel, opened).await(10, TimeUnit.SECONDS).delivered()).isTrue();
        Instant firstLease = Instant.parse(alerts(incident).get(0).path("endsAt").asText());

        // The periodic re-send, a minute later by its clock: the same alert with a lease from then.
        ChannelSenders later = LoopbackSenders.create(vertx, Duration.ofSeconds(5), Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1)));
        DeliveryResult refreshed = later.alertmanager().refresh(channel, opened).await(10, TimeUnit.SECONDS);
        later.close();

        assertThat(refreshed.delivered()).isTrue();
        assertThat(alerts(incident)).hasSize(1);
        JsonNode alert = alerts(incident).get(0);
        assertThat(Instant.parse(alert.path("endsAt").asText())).isAfter(firstLease.plusSeconds(30));
        assertThat(alert.path("status").path("state").asText()).isEqualTo("active");
        assertThat(senders.alertmanager().lease()).isEqualTo(LEASE);
    }

    @Test
    void aResolvedNotificationIsNotRefreshed() {
        NotificationMessage resolved = TestNotifications.resolved(UUID.randomUUID(), Instant.now(), Instant.now());
        assertThat(senders.alertmanager().refresh(channel(Map.of()), resolved).failed()).isTrue();
    }

    @Test
    void aChannelTestIsAnActiveTestAlert() throws Exception {
        NotificationMessage test = TestNotifications.test(Instant.now());
        assertThat(senders.send(channel(Map.of()), test).await(10, TimeUnit.SECONDS).delivered()).isTrue();
        JsonNode alerts = query("notification_id=\"" + test.id() + "\"");
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).path("labels").path("alertname").asText()).isEqualTo(AlertmanagerSender.TEST_ALERTNAME);
        assertThat(alerts.get(0).path("labels").path("severity").asText()).isEqualTo("info");
    }

    @Test
    void basicAuthAndAPathPrefixReachTheApiBehindAProxy() throws Exception {
        AlertReceiver proxy = AlertReceiver.start(vertx);
        try {
            AlertChannel channel = TestNotifications.channel(new AlertmanagerSettings(proxy.url("/alertmanager/"), "heliograph",
                    "pa55word", Map.of()));
            assertThat(senders.send(channel, TestNotifications.test(Instant.now())).await(10, TimeUnit.SECONDS).delivered()).isTrue();
            assertThat(proxy.last().path()).isEqualTo("/alertmanager/api/v2/alerts");
            assertThat(proxy.last().headers().get("authorization")).isEqualTo("Basic "
                    + Base64.getEncoder().encodeToString("heliograph:pa55word".getBytes(StandardCharsets.UTF_8)));
            proxy.answer(400, "at least one label pair required");
            DeliveryResult rejected = senders.send(channel, TestNotifications.test(Instant.now())).await(10, TimeUnit.SECONDS);
            assertThat(rejected.outcome()).isEqualTo(DeliveryResult.Outcome.REJECTED);
            proxy.answer(503, "unavailable");
            assertThat(senders.send(channel, TestNotifications.test(Instant.now())).await(10, TimeUnit.SECONDS).outcome())
                    .isEqualTo(DeliveryResult.Outcome.FAILED);
        } finally {
            proxy.close();
        }
    }

    private AlertChannel channel(Map<String, String> labels) {
        return TestNotifications.channel(new AlertmanagerSettings(url, null, null, labels));
    }

    /** The alerts Alertmanager lists for {@code incident}. */
    private JsonNode alerts(UUID incident) throws Exception {
        return query("incident_id=\"" + incident + "\"");
    }

    /** How many alerts Alertmanager lists for {@code incident}; -1 when it does not answer. */
    private int listed(UUID incident) {
        return alertmanager.listed("incident_id=\"" + incident + "\"");
    }

    private JsonNode query(String matcher) throws Exception {
        return alertmanager.alerts(matcher);
    }
}
