package dev.heliograph.controlplane.alerting;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The kinds of alert channel. The wire form is the lower-case name. */
public enum ChannelKind {
    /** An HTTP POST signed per Standard Webhooks 1.0. */
    WEBHOOK,
    /** A Slack incoming webhook (text and blocks). */
    SLACK,
    /** Email over SMTP (STARTTLS). */
    EMAIL,
    /** PagerDuty Events API v2 (trigger and resolve, dedup_key = the incident id). */
    PAGERDUTY,
    /** Prometheus Alertmanager API v2 ({@code POST /api/v2/alerts}). */
    ALERTMANAGER;

    /** The wire form, e.g. {@code pagerduty}. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the wire form; throws {@link IllegalArgumentException} for an unknown kind. */
    @JsonCreator
    public static ChannelKind fromWire(String text) {
        for (ChannelKind kind : values()) {
            if (kind.wire().equals(text)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown alert channel kind: " + text);
    }
}
