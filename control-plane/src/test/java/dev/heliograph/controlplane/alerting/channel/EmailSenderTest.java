package dev.heliograph.controlplane.alerting.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.controlplane.alerting.DeliveryResult.Outcome;
import dev.heliograph.controlplane.alerting.EmailSettings;
import dev.heliograph.controlplane.alerting.NotificationMessage;
import dev.heliograph.controlplane.alerting.TestNotifications;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.ext.mail.StartTLSOptions;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The email channel's settings as mail-client options, its message, and how SMTP failures end. */
class EmailSenderTest {
    @ParameterizedTest(name = "starttls {0} is {1}")
    @CsvSource({"required, REQUIRED", "optional, OPTIONAL", "disabled, DISABLED"})
    void starttlsSettingsMapToTheMailClientsOptions(String setting, StartTLSOptions option) {
        MailConfig config = EmailSender.config(settings(setting, null, null), Duration.ofSeconds(5));
        assertThat(config.getStarttls()).isEqualTo(option);
        assertThat(config.isSsl()).isFalse();
        assertThat(config.isTrustAll()).as("certificates are verified").isFalse();
    }

    @Test
    void aUsernameMakesTheLoginRequiredAndNoneDisablesIt() {
        MailConfig withLogin = EmailSender.config(settings("required", "alerts", "pa55word"), Duration.ofSeconds(5));
        assertThat(withLogin.getLogin()).isEqualTo(LoginOption.REQUIRED);
        assertThat(withLogin.getUsername()).isEqualTo("alerts");
        assertThat(withLogin.getPassword()).isEqualTo("pa55word");
        assertThat(withLogin.getAuthMethods()).doesNotContain("XOAUTH2").contains("PLAIN", "LOGIN");
        MailConfig anonymous = EmailSender.config(settings("required", null, null), Duration.ofSeconds(5));
        assertThat(anonymous.getLogin()).isEqualTo(LoginOption.DISABLED);
        assertThat(anonymous.getHostname()).isEqualTo("smtp.example.com");
        assertThat(anonymous.getPort()).isEqualTo(2525);
        assertThat(anonymous.getConnectTimeout()).isEqualTo(5000);
    }

    @Test
    void theMessageGoesToEveryRecipientWithTheSummaryAsSubject() {
        UUID incident = UUID.randomUUID();
        NotificationMessage opened = TestNotifications.opened(incident, Instant.parse("2026-01-31T12:00:00Z"));
        MailMessage mail = EmailSender.mail(settings("required", null, null), opened);
        assertThat(mail.getTo()).containsExactly("oncall@example.com", "sre@example.com");
        assertThat(mail.getFrom()).isEqualTo("alerts@example.com");
        assertThat(mail.getSubject()).isEqualTo(opened.summary());
        assertThat(mail.getText()).contains("shop web is down in eu-west", "Regions down: eu-west",
                "Link: https://heliograph.example.com/incidents/" + incident, "notification " + opened.id());
        assertThat(mail.getHeaders().get("Auto-Submitted")).isEqualTo("auto-generated");
    }

    @Test
    void aSubjectNeverCarriesALineBreak() {
        NotificationMessage message = new NotificationMessage(UUID.randomUUID(), TestNotifications.test(Instant.EPOCH).event(),
                Instant.EPOCH, null, "down\r\nBcc: everyone@example.com", null, null);
        assertThat(EmailSender.mail(settings("required", null, null), message).getSubject())
                .isEqualTo("down Bcc: everyone@example.com");
    }

    @Test
    void permanentSmtpRepliesAreRejectedAndEverythingElseFailed() {
        assertThat(EmailSender.outcome(new SMTPException("550 no such user", 550, List.of("550 no such user"), true)))
                .isEqualTo(Outcome.REJECTED);
        assertThat(EmailSender.outcome(new SMTPException("535 bad credentials", 535, List.of("535 bad credentials"), true)))
                .isEqualTo(Outcome.REJECTED);
        assertThat(EmailSender.outcome(new SMTPException("451 try later", 451, List.of("451 try later"), false)))
                .isEqualTo(Outcome.FAILED);
        assertThat(EmailSender.outcome(new ConnectException("Connection refused"))).isEqualTo(Outcome.FAILED);
    }

    private static EmailSettings settings(String starttls, String username, String password) {
        return new EmailSettings("smtp.example.com", 2525, starttls, username, password, "alerts@example.com",
                List.of("oncall@example.com", "sre@example.com"));
    }
}
