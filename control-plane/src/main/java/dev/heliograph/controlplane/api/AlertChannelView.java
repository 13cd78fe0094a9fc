package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.ChannelSettingsJson;
import dev.heliograph.controlplane.alerting.WebhookSettings;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * An alert channel as the API shows it. Times are RFC 3339 UTC. Every secret value of the settings
 * is {@code "***"} ({@link ChannelSettingsJson#masked}), except in one answer: the create of a
 * webhook whose secret the server generated shows that secret, once.
 */
public record AlertChannelView(String id,
                               @Schema(description = "the channel's stable name for tools, unique within the org") String key,
                               String name,
                               @Schema(allowableValues = {"webhook", "slack", "email", "pagerduty", "alertmanager"}) String kind,
                               @Schema(types = "object", description = "the kind's settings with defaults filled in; secret "
                                       + "values as \"***\" (a generated webhook secret is shown once, in the create answer)")
                               JsonNode settings,
                               int rateLimitPerMinute, boolean enabled, Instant createdAt, Instant updatedAt, long version) {
    /** The view of {@code channel}, secrets masked. */
    public static AlertChannelView of(AlertChannel channel) {
        return of(channel, false);
    }

    /**
     * The view of {@code channel}, secrets masked; with {@code showWebhookSecret}, a webhook's
     * {@code settings.secret} in clear (only for the answer of the create that generated it).
     */
    public static AlertChannelView of(AlertChannel channel, boolean showWebhookSecret) {
        ObjectNode settings = ChannelSettingsJson.masked(channel.settings());
        if (showWebhookSecret && channel.settings() instanceof WebhookSettings webhook) {
            settings.put("secret", webhook.secret());
        }
        return new AlertChannelView(channel.id().toString(), channel.key(), channel.name(), channel.kind().wire(), settings,
                channel.rateLimitPerMinute(), channel.enabled(), channel.createdAt(), channel.updatedAt(), channel.version());
    }
}
