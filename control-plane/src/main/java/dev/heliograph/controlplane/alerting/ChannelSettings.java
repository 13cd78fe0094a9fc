package dev.heliograph.controlplane.alerting;

import dev.heliograph.domain.FieldError;
import dev.heliograph.probe.net.AddressGuard;
import java.util.List;

/**
 * The kind-specific settings of an alert channel (URL, secret, recipients, ...): one record per
 * {@link ChannelKind}, so a switch over them needs no {@code default} and a new kind does not compile
 * until every switch handles it. Secrets are held in plain text here (memory only); the store seals
 * them and the API answers them as {@value ChannelSettingsJson#MASK} ({@link ChannelSettingsJson}).
 */
public sealed interface ChannelSettings permits WebhookSettings, SlackSettings, EmailSettings, PagerDutySettings,
        AlertmanagerSettings {
    /** The channel kind these settings belong to. */
    ChannelKind kind();

    /**
     * Every problem with these settings, with the API's field paths ({@code settings.url}); empty
     * when they are valid. An IP literal that {@code guard} refuses is {@link FieldError#BLOCKED_ADDRESS}
     * (host names are judged at send time, against the guard in force then).
     */
    List<FieldError> validate(AddressGuard guard);

    /**
     * The names of the fields whose values are secret: a string field, or an object field whose every
     * value is secret (a webhook's {@code headers}).
     */
    List<String> secretFields();

    /**
     * Where the secrets travel: the scheme, host and port the channel sends to (for email the SMTP
     * host and port). A stored secret is kept for {@code "***"} only while this stays the same, so
     * that an editor cannot send the stored secret to a server of their own.
     */
    String destination();
}
