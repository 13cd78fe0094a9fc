package dev.heliograph.controlplane.alerting.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.controlplane.AlertReceiver;
import dev.heliograph.controlplane.WebhookVerifier;
import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.DeliveryResult;
import dev.heliograph.controlplane.alerting.NotificationMessage;
import dev.heliograph.controlplane.alerting.TestNotifications;
import dev.heliograph.controlplane.alerting.WebhookSettings;
import dev.heliograph.probe.codec.Json;
import dev.heliograph.probe.net.AddressGuard;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Signed webhooks against a real local receiver: what arrives, how it verifies, how answers end. */
class WebhookSenderIT {
    /**
     * An independent Standard Webhooks verifier (Python's hmac, hashlib and base64): arguments are
     * the secret, webhook-id, webhook-timestamp, the body's file and webhook-signature; prints ok.
     */
    private static final Instant NOW = Instant.parse("2026-01-31T12:00:07Z");

    private Vertx vertx;
    private AlertReceiver receiver;
    private ChannelSenders senders;
    private final String secret = WebhookSettings.newSecret(new SecureRandom());

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        receiver = AlertReceiver.start(vertx);
        senders = LoopbackSenders.create(vertx, Duration.ofSeconds(2), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void stop() throws Exception {
        senders.close();
        receiver.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void deliversTheSignedBodyThatAnIndependentVerifierAccepts() throws Exception {
        NotificationMessage opened = TestNotifications.opened(UUID.randomUUID(), NOW);
        AlertChannel channel = webhook(receiver.url("/hooks/heliograph?team=sre"));

        DeliveryResult result = senders.send(channel, opened).await(10, TimeUnit.SECONDS);

        assertThat(result.delivered()).as(result.toString()).isTrue();
        assertThat(result.httpStatus()).isEqualTo(200);
        AlertReceiver.Received received = receiver.last();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.path()).isEqualTo("/hooks/heliograph?team=sre");
        assertThat(received.headers()).containsEntry("webhook-id", opened.id().toString())
                .containsEntry("webhook-timestamp", Long.toString(NOW.getEpochSecond()))
                .containsEntry("content-type", "application/json")
                .containsEntry("x-team", "sre");
        assertThat(received.headers().get("webhook-signature")).startsWith("v1,");
        assertThat(received.body()).isEqualTo(Json.MAPPER.writeValueAsBytes(opened.webhookBody()));
        assertThat(received.json().path("type").asText()).isEqualTo("incident.opened");
        assertThat(received.json().path("data").path("notification_id").asText()).isEqualTo(opened.id().toString());
        assertThat(verify(received)).isEqualTo("ok");
    }

    @Test
    void theIndependentVerifierRefusesATamperedBody() throws Exception {
        senders.send(webhook(receiver.url("/hook")), TestNotifications.test(NOW)).await(10, TimeUnit.SECONDS);
        AlertReceiver.Received received = receiver.last();
        byte[] tampered = received.text().replace("\"test\"", "\"tset\"").getBytes(StandardCharsets.UTF_8);
        assertThat(verify(new AlertReceiver.Received(received.method(), received.path(), received.headers(), tampered)))
                .startsWith("mismatch");
    }

    @Test
    void aRetryOfOneNotificationKeepsItsWebhookId() throws Exception {
        NotificationMessage opened = TestNotifications.opened(UUID.randomUUID(), NOW);
        AlertChannel channel = webhook(receiver.url("/hook"));
        receiver.answer(503, "busy");
        assertThat(senders.send(channel, opened).await(10, TimeUnit.SECONDS).outcome()).isEqualTo(DeliveryResult.Outcome.FAILED);
        receiver.answer(200, "ok");
        assertThat(senders.send(channel, opened).await(10, TimeUnit.SECONDS).delivered()).isTrue();
        assertThat(receiver.received()).extracting(r -> r.headers().get("webhook-id")).containsExactly(opened.id().toString(),
                opened.id().toString());
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({"200, DELIVERED", "204, DELIVERED", "400, REJECTED", "401, REJECTED", "404, REJECTED", "410, REJECTED",
            "301, REJECTED", "408, FAILED", "429, FAILED", "500, FAILED", "503, FAILED"})
    void theReceiversStatusDecidesTheOutcome(int status, DeliveryResult.Outcome outcome) throws Exception {
        receiver.answer(status, "answer " + status);
        DeliveryResult result = senders.send(webhook(receiver.url("/hook")), TestNotifications.test(NOW)).await(10, TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(outcome);
        assertThat(result.httpStatus()).isEqualTo(status);
        if (status != 204) {
            assertThat(result.response()).isEqualTo("answer " + status);
        }
        assertThat(result.error()).isEqualTo(outcome == DeliveryResult.Outcome.DELIVERED ? "" : "receiver answered " + status
                + (status == 301 ? " (redirects are not followed)" : ""));
    }

    @Test
    void aTooManyRequestsAnswerCarriesItsRetryAfter() throws Exception {
        receiver.answer(new AlertReceiver.Answer(429, "slow down", Map.of("Retry-After", "7"), Duration.ZERO));
        DeliveryResult result = senders.send(webhook(receiver.url("/hook")), TestNotifications.test(NOW)).await(10, TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(DeliveryResult.Outcome.FAILED);
        assertThat(result.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void aReceiverThatDoesNotAnswerWithinTheTimeoutFails() throws Exception {
        ChannelSenders impatient = LoopbackSenders.create(vertx, Duration.ofMillis(300), Clock.systemUTC());
        receiver.answer(new AlertReceiver.Answer(200, "late", Map.of(), Duration.ofSeconds(3)));
        DeliveryResult result = impatient.send(webhook(receiver.url("/hook")), TestNotifications.test(NOW)).await(10, TimeUnit.SECONDS);
        impatient.close();
        assertThat(result.outcome()).isEqualTo(DeliveryResult.Outcome.FAILED);
        assertThat(result.error()).contains("300 ms");
        assertThat(result.took()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aClosedPortFailsWithoutAStatus() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        DeliveryResult result = senders.send(webhook("http://127.0.0.1:" + closed + "/hook"), TestNotifications.test(NOW))
                .await(10, TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(DeliveryResult.Outcome.FAILED);
        assertThat(result.httpStatus()).isZero();
        assertThat(result.error()).isNotBlank();
    }

    @Test
    void theGuardInForceAtSendTimeRefusesAResolvedLoopbackAddress() throws Exception {
        ChannelSenders guarded = LoopbackSenders.create(vertx, Duration.ofSeconds(2), Clock.systemUTC(), AddressGuard.strict());
        // A name, so that only the resolved address can be judged.
        String byName = receiver.url("/hook").replace("127.0.0.1", "localhost");
        DeliveryResult result = guarded.send(webhook(byName), TestNotifications.test(NOW)).await(10, TimeUnit.SECONDS);
        guarded.close();
        assertThat(result.outcome()).isEqualTo(DeliveryResult.Outcome.REJECTED);
        assertThat(result.error()).startsWith("blocked by SSRF guard: loopback address");
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void aHostNameIsResolvedAndSentAsTheHostHeader() throws Exception {
        String byName = receiver.url("/hook").replace("127.0.0.1", "localhost");
        DeliveryResult result = senders.send(webhook(byName), TestNotifications.test(NOW)).await(10, TimeUnit.SECONDS);
        assertThat(result.delivered()).as(result.toString()).isTrue();
        assertThat(receiver.last().headers().get("host")).startsWith("localhost:");
    }

    private AlertChannel webhook(String url) {
        return TestNotifications.channel(new WebhookSettings(url, secret, Map.of("X-Team", "sre")));
    }

    /** What the Python verifier says of a received request. */
    private String verify(AlertReceiver.Received received) throws Exception {
        return WebhookVerifier.verify(secret, received);
    }
}
