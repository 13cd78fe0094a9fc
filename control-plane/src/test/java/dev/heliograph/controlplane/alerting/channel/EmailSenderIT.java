package dev.heliograph.controlplane.alerting.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.DeliveryResult;
import dev.heliograph.controlplane.alerting.EmailSettings;
import dev.heliograph.controlplane.alerting.NotificationMessage;
import dev.heliograph.controlplane.alerting.TestNotifications;
import dev.heliograph.probe.net.AddressGuard;
import io.vertx.core.Vertx;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Email against GreenMail, a real SMTP server in the JVM on a free port. GreenMail speaks plain SMTP
 * only (no STARTTLS: greenmail-mail-test/greenmail issue 135), so delivery is shown with
 * {@code starttls: optional}, and {@code required} is shown to send nothing to such a server; the
 * mapping of all three settings to the mail client is {@code EmailSenderTest}'s.
 */
class EmailSenderIT {
    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)
            .dynamicPort()).withConfiguration(GreenMailConfiguration.aConfig().withUser("alerts@example.com", "alerts", "pa55word"));

    private Vertx vertx;
    private ChannelSenders senders;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        senders = LoopbackSenders.create(vertx, Duration.ofSeconds(5), Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        senders.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void oneMessageReachesEveryRecipientWithTheSummaryAsSubject() throws Exception {
        UUID incident = UUID.randomUUID();
        NotificationMessage opened = TestNotifications.opened(incident, Instant.now());

        DeliveryResult result = senders.send(email(EmailSettings.OPTIONAL, null, null), opened).await(10, TimeUnit.SECONDS);

        assertThat(result.delivered()).as(result.toString()).isTrue();
        assertThat(result.httpStatus()).isEqualTo(250);
        assertThat(SMTP.waitForIncomingEmail(5_000, 2)).isTrue();
        MimeMessage[] received = SMTP.getReceivedMessages();
        assertThat(received).hasSize(2); // one copy per recipient's mailbox
        MimeMessage message = received[0];
        assertThat(message.getSubject()).isEqualTo(opened.summary());
        assertThat(Arrays.stream(message.getRecipients(Message.RecipientType.TO)).map(Object::toString))
                .containsExactly("oncall@example.com", "sre@example.com");
        assertThat(message.getFrom()[0].toString()).isEqualTo("alerts@example.com");
        assertThat(message.getHeader("Auto-Submitted")).containsExactly("auto-generated");
        assertThat(GreenMailUtil.getBody(message)).contains("shop web is down in eu-west", "Regions down: eu-west",
                "https://heliograph.example.com/incidents/" + incident);
    }

    @Test
    void starttlsRequiredSendsNothingToAServerWithoutIt() throws Exception {
        DeliveryResult result = senders.send(email(EmailSettings.REQUIRED, null, null), TestNotifications.test(Instant.now()))
                .await(10, TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(DeliveryResult.Outcome.FAILED);
        assertThat(result.error()).isNotBlank();
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }

    @Test
    void theRightLoginDelivers() throws Exception {
        DeliveryResult result = senders.send(email(EmailSettings.OPTIONAL, "alerts", "pa55word"), TestNotifications.test(Instant.now()))
                .await(10, TimeUnit.SECONDS);
        assertThat(result.delivered()).as(result.toString()).isTrue();
        assertThat(SMTP.waitForIncomingEmail(5_000, 2)).isTrue();
    }

    @Test
    void aWrongPasswordIsRejectedWithTheServersReply() throws Exception {
        DeliveryResult result = senders.send(email(EmailSettings.OPTIONAL, "alerts", "wrong"), TestNotifications.test(Instant.now()))
                .await(10, TimeUnit.SECONDS);
        assertThat(result.outcome()).as(result.toString()).isEqualTo(DeliveryResult.Outcome.REJECTED);
        assertThat(result.httpStatus()).isEqualTo(535);
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }

    @Test
    void noServerOnThePortFails() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        AlertChannel channel = TestNotifications.channel(new EmailSettings("127.0.0.1", closed, EmailSettings.OPTIONAL, null, null,
                "alerts@example.com", List.of("oncall@example.com")));
        DeliveryResult result = senders.send(channel, TestNotifications.test(Instant.now())).await(10, TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(DeliveryResult.Outcome.FAILED);
        assertThat(result.httpStatus()).isZero();
    }

    @Test
    void theGuardInForceRefusesTheSmtpHost() throws Exception {
        ChannelSenders guarded = LoopbackSenders.create(vertx, Duration.ofSeconds(5), Clock.systemUTC(), AddressGuard.strict());
        DeliveryResult result = guarded.send(email(EmailSettings.OPTIONAL, null, null), TestNotifications.test(Instant.now()))
                .await(10, TimeUnit.SECONDS);
        guarded.close();
        assertThat(result.outcome()).isEqualTo(DeliveryResult.Outcome.REJECTED);
        assertThat(result.error()).startsWith("blocked by SSRF guard");
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }

    private static AlertChannel email(String starttls, String username, String password) {
        return TestNotifications.channel(new EmailSettings("127.0.0.1", SMTP.getSmtp().getPort(), starttls, username, password,
                "alerts@example.com", List.of("oncall@example.com", "sre@example.com")));
    }
}
