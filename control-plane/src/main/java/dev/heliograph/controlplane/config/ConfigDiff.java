package dev.heliograph.controlplane.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.probe.codec.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which keys differ between two configurations, and which of them a running control plane can take
 * without a restart. Live keys: {@link #LIVE_KEYS}; every other key (listeners, database
 * connections, the region, lanes, resolver and batcher sizing, log format, shutdown) needs a
 * restart. A key added to the configuration is restart-only until it is listed here.
 */
public final class ConfigDiff {
    /** Keys applied to the running process by a reload. */
    public static final Set<String> LIVE_KEYS = Set.of(
            "scheduler.jitter_ms",
            "scheduler.refresh_interval_s",
            "pool.max_concurrent_checks",
            "pool.max_queue_wait_ms",
            "breaker.failure_rate_percent",
            "breaker.sliding_window",
            "breaker.minimum_checks",
            "breaker.open_duration_s",
            "breaker.half_open_checks",
            "bulkhead.max_per_host",
            "probe.allowed_cidrs",
            "log.level");

    private ConfigDiff() {
    }

    /**
     * The dotted keys ({@code pool.max_concurrent_checks}) whose values differ, in the order of the
     * configuration's sections. Values are compared, never returned: secrets stay out of answers
     * and logs.
     */
    public static List<String> changedKeys(HeliographConfig before, HeliographConfig after) {
        JsonNode a = Json.MAPPER.valueToTree(before);
        JsonNode b = Json.MAPPER.valueToTree(after);
        List<String> changed = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> sections = a.fields(); sections.hasNext(); ) {
            Map.Entry<String, JsonNode> section = sections.next();
            section.getValue().fields().forEachRemaining(key -> {
                if (!key.getValue().equals(b.path(section.getKey()).path(key.getKey()))) {
                    changed.add(section.getKey() + "." + key.getKey());
                }
            });
        }
        return changed;
    }

    /** {@code true} when a reload applies {@code key} without a restart. */
    public static boolean isLive(String key) {
        return LIVE_KEYS.contains(key);
    }
}
