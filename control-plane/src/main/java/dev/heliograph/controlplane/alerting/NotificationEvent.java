package dev.heliograph.controlplane.alerting;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What a notification reports. The wire form is the lower-case name ({@code agent_not_reporting}); a
 * webhook's {@code type} is {@code incident.<wire form>} ({@code test} for a channel test).
 */
public enum NotificationEvent {
    /** A target is down (a quorum of its reporting regions): the page. */
    OPENED,
    /** An incident a channel was told about is over, or no longer matches the channel's policy. */
    RESOLVED,
    /** Some of a target's regions are down, fewer than its quorum. */
    REGIONAL,
    /** A target answers, but slowly or with soft failures. */
    DEGRADED,
    /** A target changed its verdict too often; quiet until it is stable again. */
    FLAPPING,
    /** An incident is still open (and unacknowledged) after the policy's reminder interval. */
    REMINDER,
    /** A probe agent stopped reporting. */
    AGENT_NOT_REPORTING,
    /** A target cannot be checked as configured (e.g. its address is refused by the SSRF guard). */
    CONFIG_ERROR,
    /** A test notification sent by {@code POST /api/v1/alert-channels/{id}/test}. */
    TEST;

    /** The wire form, e.g. {@code opened}. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the wire form; throws {@link IllegalArgumentException} for an unknown event. */
    @JsonCreator
    public static NotificationEvent fromWire(String text) {
        for (NotificationEvent event : values()) {
            if (event.wire().equals(text)) {
                return event;
            }
        }
        throw new IllegalArgumentException("unknown event: " + text);
    }
}
