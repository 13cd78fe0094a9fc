package dev.heliograph.controlplane.alerting.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.controlplane.AlertReceiver;
import dev.heliograph.controlplane.alerting.DeliveryResult;
import dev.heliograph.controlplane.alerting.NotificationMessage;
import dev.heliograph.controlplane.alerting.SlackSettings;
import dev.heliograph.controlplane.alerting.TestNotifications;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Slack incoming-webhook messages against a real local receiver answering as Slack does. */
class SlackSenderIT {
    private Vertx vertx;
    private AlertReceiver slack;
    private ChannelSenders senders;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        slack = AlertReceiver.start(vertx);
        senders = LoopbackSenders.create(vertx, Duration.ofSeconds(2), Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        senders.close();
        slack.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void postsTextAndBlocksToTheIncomingWebhook() throws Exception {
        NotificationMessage opened = TestNotifications.opened(UUID.randomUUID(), Instant.now());
        DeliveryResult result = senders.send(TestNotifications.channel(new SlackSettings(slack.url("/services/T0/B0/s3cret"))),
                opened).await(10, TimeUnit.SECONDS);
        assertThat(result.delivered()).as(result.toString()).isTrue();
        assertThat(result.response()).isEqualTo("ok");
        AlertReceiver.Received received = slack.last();
        assertThat(received.path()).isEqualTo("/services/T0/B0/s3cret");
        assertThat(received.headers().get("content-type")).startsWith("application/json");
        assertThat(received.json().path("text").asText()).isEqualTo(opened.summary());
        assertThat(received.json().path("blocks").findValuesAsText("type")).contains("header", "section", "context");
    }

    @Test
    void rateLimitedMessagesFailWithSlacksRetryAfter() throws Exception {
        slack.answer(new AlertReceiver.Answer(429, "rate_limited", Map.of("Retry-After", "30"), Duration.ZERO));
        DeliveryResult result = senders.send(TestNotifications.channel(new SlackSettings(slack.url("/services/x"))),
                TestNotifications.test(Instant.now())).await(10, TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(DeliveryResult.Outcome.FAILED);
        assertThat(result.httpStatus()).isEqualTo(429);
        assertThat(result.retryAfter()).isEqualTo(Duration.ofSeconds(30));
    }

    @ParameterizedTest(name = "{0} {1} is {2}")
    @CsvSource({"400, invalid_payload, REJECTED", "403, invalid_token, REJECTED", "404, no_service, REJECTED",
            "410, channel_is_archived, REJECTED", "500, rollup_error, FAILED"})
    void slacksErrorsEndAsSlackDocumentsThem(int status, String body, DeliveryResult.Outcome outcome) throws Exception {
        slack.answer(status, body);
        DeliveryResult result = senders.send(TestNotifications.channel(new SlackSettings(slack.url("/services/x"))),
                TestNotifications.test(Instant.now())).await(10, TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(outcome);
        assertThat(result.response()).isEqualTo(body);
    }
}
