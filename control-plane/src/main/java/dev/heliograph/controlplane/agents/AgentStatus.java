package dev.heliograph.controlplane.agents;

import java.util.Locale;

/**
 * An agent's status under the reporting rule (Telegraf Controller's "reporting rules"): {@code ok}
 * while it was heard from within {@code heartbeat_interval_s × threshold_multiplier}, else
 * {@code not_reporting}.
 */
public enum AgentStatus {
    OK,
    NOT_REPORTING;

    /** The wire and database form: {@code ok}, {@code not_reporting}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the wire form; throws {@link IllegalArgumentException} for an unknown status. */
    public static AgentStatus fromWire(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }
}
