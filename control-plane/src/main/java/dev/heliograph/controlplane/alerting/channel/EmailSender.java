package dev.heliograph.controlplane.alerting.channel;

import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.ChannelSender;
import dev.heliograph.controlplane.alerting.DeliveryResult;
import dev.heliograph.controlplane.alerting.DeliveryResult.Outcome;
import dev.heliograph.controlplane.alerting.EmailSettings;
import dev.heliograph.controlplane.alerting.NotificationMessage;
import dev.heliograph.controlplane.alerting.NotificationMessage.IncidentSummary;
import dev.heliograph.probe.net.AddressGuard;
import dev.heliograph.probe.net.NameResolver;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.MailResult;
import io.vertx.ext.mail.SMTPException;
import io.vertx.ext.mail.StartTLSOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Sends notifications as email over SMTP (RFC 5321) with vertx-mail-client: one message to every
 * address of {@code to}, subject = the notification's summary, a plain-text body with the incident's
 * details ({@code Auto-Submitted: auto-generated}, RFC 3834, so that auto-responders stay quiet). One
 * connection per notification, closed after it. STARTTLS (RFC 3207) as the channel says:
 * {@code required} (with the server's certificate verified against {@code host}: no mail without it),
 * {@code optional} or {@code disabled}.
 *
 * <p>Outcomes: the server accepted the message (delivered, status 250); it answered 4xx, a transient
 * failure (failed: retry); 5xx, a permanent one such as an unknown recipient or a refused login
 * (rejected); no connection, no STARTTLS where it is required, a TLS failure or a timeout (failed).
 *
 * <p>SSRF: {@code host} is resolved and judged by the guard in force before anything is sent, but the
 * mail client then connects by name (it verifies the certificate against the name, which connecting
 * to the judged address would lose), so a DNS answer that changes between the two look-ups is not
 * caught here, unlike the HTTP channels.
 */
public final class EmailSender implements ChannelSender {
    /** The status recorded for an accepted message: SMTP's 250. */
    static final int ACCEPTED = 250;
    /**
     * SASL mechanisms offered for a login, strongest first: not XOAUTH2 (a password is no OAuth token)
     * nor NTLM. The mail client tries the next one the server offers after a failure.
     */
    static final String AUTH_METHODS = "CRAM-SHA256 CRAM-SHA1 CRAM-MD5 DIGEST-MD5 PLAIN LOGIN";

    private final Vertx vertx;
    private final NameResolver resolver;
    private final Supplier<AddressGuard> guard;
    private final Duration timeout;

    EmailSender(Vertx vertx, NameResolver resolver, Supplier<AddressGuard> guard, Duration timeout) {
        this.vertx = vertx;
        this.resolver = resolver;
        this.guard = guard;
        this.timeout = timeout;
    }

    @Override
    public Future<DeliveryResult> send(AlertChannel channel, NotificationMessage message) {
        if (!(channel.settings() instanceof EmailSettings settings)) {
            return Future.failedFuture(new IllegalArgumentException("not an email channel: " + channel.id()));
        }
        Attempt attempt = new Attempt();
        return resolver.resolve(settings.host())
                .transform(resolved -> {
                    if (resolved.failed()) {
                        return attempt.failed("cannot resolve " + settings.host() + ": " + resolved.cause().getMessage());
                    }
                    Optional<String> refusal = guard.get().refusal(resolved.result());
                    if (refusal.isPresent()) {
                        return attempt.rejected("blocked by SSRF guard: " + refusal.get());
                    }
                    MailClient client = MailClient.create(vertx, config(settings, timeout));
                    return client.sendMail(mail(settings, message))
                            .transform(sent -> ended(attempt, sent.succeeded() ? sent.result() : null, sent.cause()))
                            .eventually(client::close);
                })
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .recover(error -> error instanceof TimeoutException ? attempt.timedOut(timeout) : Future.failedFuture(error));
    }

    /** The mail client's settings for a channel: one connection, no pool kept, STARTTLS and login as configured. */
    static MailConfig config(EmailSettings settings, Duration timeout) {
        MailConfig config = new MailConfig()
                .setHostname(settings.host())
                .setPort(settings.port())
                .setStarttls(startTls(settings.starttls()))
                .setSsl(false)
                .setTrustAll(false)
                .setKeepAlive(false)
                .setMaxPoolSize(1)
                .setConnectTimeout((int) timeout.toMillis())
                .setLogin(settings.username() == null ? LoginOption.DISABLED : LoginOption.REQUIRED);
        if (settings.username() != null) {
            config.setUsername(settings.username()).setPassword(settings.password() == null ? "" : settings.password())
                    .setAuthMethods(AUTH_METHODS);
        }
        return config;
    }

    /** The mail client's STARTTLS option of the channel's {@code starttls} setting. */
    static StartTLSOptions startTls(String setting) {
        return switch (setting) {
            case EmailSettings.REQUIRED -> StartTLSOptions.REQUIRED;
            case EmailSettings.OPTIONAL -> StartTLSOptions.OPTIONAL;
            case EmailSettings.DISABLED -> StartTLSOptions.DISABLED;
            default -> throw new IllegalArgumentException("settings.starttls is required, optional or disabled, not " + setting);
        };
    }

    /** The message: from, to, subject (the summary on one line), the text body. */
    static MailMessage mail(EmailSettings settings, NotificationMessage message) {
        return new MailMessage()
                .setFrom(settings.from())
                .setTo(settings.to())
                .setSubject(IncidentText.oneLine(message.summary(), 250))
                .setText(text(message))
                .addHeader("Auto-Submitted", "auto-generated");
    }

    /** The plain-text body: the summary, then one block of lines per incident, then where it came from. */
    static String text(NotificationMessage message) {
        StringBuilder text = new StringBuilder(message.summary()).append("\n\n");
        List<IncidentSummary> incidents = IncidentText.incidents(message);
        if (incidents.isEmpty()) {
            text.append(IncidentText.test(message)).append("\n\n");
        }
        for (IncidentSummary incident : incidents) {
            IncidentText.lines(incident).forEach(line -> text.append(line).append('\n'));
            text.append('\n');
        }
        return text.append("-- \nHeliograph, ").append(message.type()).append(", notification ").append(message.id()).append('\n')
                .toString();
    }

    private static Future<DeliveryResult> ended(Attempt attempt, MailResult result, Throwable error) {
        if (result != null) {
            return attempt.end(Outcome.DELIVERED, new Attempt.Answer(ACCEPTED, "message " + result.getMessageID() + " accepted for "
                    + result.getRecipients().size() + " recipients", null), "");
        }
        if (error instanceof SMTPException smtp) {
            return attempt.end(outcome(error), new Attempt.Answer(smtp.getReplyCode(), smtp.getReplyMessage(), null),
                    "SMTP server answered " + smtp.getReplyCode());
        }
        return attempt.end(outcome(error), Attempt.Answer.NONE, Attempt.describe(error));
    }

    /**
     * How a failed send ends: an SMTP reply of 5xx is permanent (RFC 5321 section 4.2.1: rejected),
     * any other failure (a 4xx reply, no connection, no STARTTLS, TLS, timeout) may heal (failed).
     */
    static Outcome outcome(Throwable error) {
        return error instanceof SMTPException smtp && smtp.getReplyCode() >= 500 && smtp.getReplyCode() < 600
                ? Outcome.REJECTED : Outcome.FAILED;
    }
}
