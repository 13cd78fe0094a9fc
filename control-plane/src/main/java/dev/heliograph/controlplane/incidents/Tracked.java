package dev.heliograph.controlplane.incidents;

import java.util.Map;
import java.util.UUID;

/** An active incident with the channels told about it (by channel id, in the order they were told). Immutable. */
public record Tracked(Incident incident, Map<UUID, Subscription> subscriptions) {
    public Tracked {
        subscriptions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(subscriptions));
    }
}
