package dev.heliograph.controlplane.incidents;

import dev.heliograph.controlplane.alerting.NotificationMessage;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.TargetId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One write of a decision, executed in order inside one PostgreSQL transaction with the others of the
 * same decision ({@link PgIncidentStore#commit}): the target's state, its incidents and their
 * timelines, and the notifications they cause (the outbox), so a crash never separates an incident
 * change from its notifications.
 */
public sealed interface Op {
    /** Stores the target's health (insert or update its {@code target_states} row). */
    record SaveHealth(TargetId targetId, OrgId orgId, TargetHealth health, Instant at) implements Op {
    }

    /** The target has nothing to remember: deletes its row. */
    record DeleteHealth(TargetId targetId) implements Op {
    }

    /** A new incident. */
    record InsertIncident(Incident incident) implements Op {
    }

    /** An incident's kind, regions, state or parent changed. */
    record UpdateIncident(Incident incident) implements Op {
    }

    /** A line of an incident's timeline. */
    record Timeline(UUID incidentId, Instant at, String type, String message, Map<String, Object> details) implements Op {
    }

    /**
     * A notification to write to the outbox: sent at {@code notBefore} or later; {@code groupKeys}
     * ({@code tag:x}, {@code region:y}) make it eligible for a grouped notification.
     */
    record Notify(NotificationMessage message, UUID channelId, UUID incidentId, List<String> groupKeys, Instant notBefore)
            implements Op {
    }

    /** A channel was told about an incident. */
    record Subscribe(UUID incidentId, Subscription subscription) implements Op {
    }

    /** A channel was told an incident ended (or will not hear of it again). */
    record Unsubscribe(UUID incidentId, UUID channelId) implements Op {
    }

    /**
     * The incident turned out to be caused by its parent's: its notifications not yet sent are
     * cancelled, and the channels they were for are no longer subscribed.
     */
    record SuppressPending(UUID incidentId) implements Op {
    }
}
