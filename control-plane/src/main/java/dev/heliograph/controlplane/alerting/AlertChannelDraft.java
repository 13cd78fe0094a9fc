package dev.heliograph.controlplane.alerting;

import java.util.Objects;

/**
 * The validated settings of an alert channel before it is stored (create or replace).
 *
 * @param key                the channel's stable name for tools, unique within the org; {@code null}:
 *                           on create the id's text, on replace the stored key
 * @param name               1..200 characters, unique within the org
 * @param settings           the kind's settings, secrets in plain text
 * @param rateLimitPerMinute most notifications sent to the channel per minute, 1..6000
 * @param enabled            {@code false} stops notifications to it (a test still sends)
 */
public record AlertChannelDraft(String key, String name, ChannelSettings settings, int rateLimitPerMinute, boolean enabled) {
    /** Smallest {@code rate_limit_per_minute}. */
    public static final int MIN_RATE = 1;
    /** Largest {@code rate_limit_per_minute}. */
    public static final int MAX_RATE = 6000;

    public AlertChannelDraft {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(settings, "settings");
    }

    /**
     * The default {@code rate_limit_per_minute} of a kind: Slack's incoming webhooks take about one
     * message a second (60), every other kind 600.
     */
    public static int defaultRate(ChannelKind kind) {
        return kind == ChannelKind.SLACK ? 60 : 600;
    }

    /** Leaves the settings (and their secrets) out. */
    @Override
    public String toString() {
        return "AlertChannelDraft[key=" + key + ", name=" + name + ", kind=" + settings.kind().wire() + ", rateLimitPerMinute="
                + rateLimitPerMinute + ", enabled=" + enabled + "]";
    }
}
