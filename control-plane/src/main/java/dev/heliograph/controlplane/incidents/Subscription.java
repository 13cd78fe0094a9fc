package dev.heliograph.controlplane.incidents;

import java.time.Instant;
import java.util.UUID;

/**
 * An alert channel that was told about an incident and not yet told it ended.
 *
 * @param notifiedKind        the incident kind the channel was last told of
 * @param reminderIntervalS   how often it is reminded while the incident is open and unacknowledged, s (0 = never)
 * @param lastNotifiedAt      when it was last told (opened, an update or a reminder)
 */
public record Subscription(UUID channelId, IncidentKind notifiedKind, int reminderIntervalS, Instant notifiedAt, Instant lastNotifiedAt) {
}
