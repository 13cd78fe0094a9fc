package dev.heliograph.controlplane.alerting;

import dev.heliograph.domain.OrgId;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A stored alert channel: where notifications of its org go. {@code settings} holds the kind's
 * fields with secrets in plain text (decrypted from the store; never answered by the API).
 *
 * @param key                the channel's stable name for tools, unique within the org
 * @param rateLimitPerMinute most notifications sent to it per minute (Slack allows about one a second)
 */
public record AlertChannel(UUID id, OrgId orgId, String key, String name, ChannelSettings settings, int rateLimitPerMinute,
                           boolean enabled, Instant createdAt, Instant updatedAt, long version) {
    public AlertChannel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(orgId, "orgId");
        Objects.requireNonNull(settings, "settings");
    }

    /** The channel's kind. */
    public ChannelKind kind() {
        return settings.kind();
    }
}
