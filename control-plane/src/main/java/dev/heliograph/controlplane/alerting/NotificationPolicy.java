package dev.heliograph.controlplane.alerting;

import dev.heliograph.domain.OrgId;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Which events go to which alert channels. An event matches when its type is in {@code events}, its
 * severity in {@code severities}, and, when they are set, the target carries one of {@code tags}
 * and one of the incident's regions (the regions down, or the agent's region) is in {@code regions}.
 *
 * @param reminderIntervalS an open, unacknowledged incident is notified again this often, s; 0 = never
 */
public record NotificationPolicy(UUID id, OrgId orgId, String key, String name, Set<NotificationEvent> events,
                                 Set<String> severities, Set<String> tags, Set<String> regions, List<UUID> channels,
                                 int reminderIntervalS, boolean enabled, Instant createdAt, Instant updatedAt, long version) {
    /** The events a policy routes when it names none: everything a person must act on, never a warning-only event. */
    public static final Set<NotificationEvent> DEFAULT_EVENTS = Set.of(NotificationEvent.OPENED, NotificationEvent.RESOLVED,
            NotificationEvent.REMINDER, NotificationEvent.FLAPPING, NotificationEvent.AGENT_NOT_REPORTING,
            NotificationEvent.CONFIG_ERROR);
    /** The severities a policy routes when it names none. */
    public static final Set<String> DEFAULT_SEVERITIES = Set.of("critical");
    /** Every severity. */
    public static final Set<String> SEVERITIES = Set.of("critical", "warning");

    public NotificationPolicy {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(orgId, "orgId");
        events = Set.copyOf(events);
        severities = Set.copyOf(severities);
        tags = Set.copyOf(tags);
        regions = Set.copyOf(regions);
        channels = List.copyOf(channels);
    }

    /**
     * Whether an {@code event} of {@code severity} about a target (or agent) with {@code targetTags} in
     * {@code incidentRegions} goes through this policy (enabled or not: the caller checks).
     */
    public boolean matches(NotificationEvent event, String severity, Collection<String> targetTags, Collection<String> incidentRegions) {
        return events.contains(event) && severities.contains(severity)
                && (tags.isEmpty() || targetTags.stream().anyMatch(tags::contains))
                && (regions.isEmpty() || incidentRegions.stream().anyMatch(regions::contains));
    }
}
