package dev.heliograph.controlplane.alerting;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The outbox table ({@code notifications}) as the senders use it: claim due rows under a lease, render
 * a grouped notification's members once, record each attempt and its outcome. Every write after the
 * claim names the lease it holds ({@code lease_until}), so a sender whose lease ran out (a stall, a
 * crash) never overwrites the row another sender took over.
 */
public final class OutboxRows {
    private final Pool pool;

    OutboxRows(Pool pool) {
        this.pool = pool;
    }

    /**
     * A claimed notification.
     *
     * @param message       the stored message; {@code null} for a grouped notification not yet rendered
     * @param groupKey      the key of a grouped notification; {@code null} otherwise
     * @param firstFailureAt the incident's first failure (time to detect), {@code null} when none
     * @param lease         the lease this sender holds
     */
    record Claimed(UUID id, UUID orgId, UUID channelId, UUID incidentId, NotificationEvent event, NotificationMessage message,
                   String groupKey, int attempts, Instant createdAt, Instant firstFailureAt, Instant lease) {
    }

    /** Up to {@code limit} pending rows due at {@code now}, leased until {@code now + lease}, oldest due first. */
    Future<List<Claimed>> claim(Instant now, Duration lease, int limit) {
        Instant until = now.plus(lease);
        return pool.preparedQuery("UPDATE notifications n SET lease_until = $2 FROM (SELECT id FROM notifications WHERE state = 'pending' "
                        + "AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1) ORDER BY next_attempt_at LIMIT $3 "
                        + "FOR UPDATE SKIP LOCKED) due WHERE n.id = due.id RETURNING n.id, n.org_id, n.channel_id, "
                        + "n.incident_id, n.event, n.payload::text AS payload, n.group_keys, n.attempts, n.created_at, "
                        + "(SELECT first_failure_at FROM incidents WHERE id = n.incident_id) AS first_failure_at")
                .execute(Tuple.of(time(now), time(until), limit))
                .map(rows -> {
                    List<Claimed> claimed = new ArrayList<>();
                    rows.forEach(row -> claimed.add(claimed(row, until)));
                    return claimed;
                });
    }

    /** A member of a grouped notification: its message and its incident's first failure. */
    record Member(NotificationMessage message, Instant firstFailureAt) {
    }

    /**
     * Takes every notification held for group {@code group} (same channel, event and key) that no group
     * has taken yet, and stores the group's rendered message; the members in the order they were held.
     */
    Future<List<Member>> takeMembers(Claimed group) {
        return pool.preparedQuery("UPDATE notifications n SET group_id = $1 WHERE channel_id = $2 AND event = $3 AND state = 'grouped' "
                        + "AND group_id IS NULL AND $4 = ANY(group_keys) RETURNING n.id, n.payload::text AS payload, "
                        + "(SELECT first_failure_at FROM incidents WHERE id = n.incident_id) AS first_failure_at")
                .execute(Tuple.of(group.id(), group.channelId(), group.event().wire(), group.groupKey()))
                .map(rows -> {
                    List<Row> sorted = new ArrayList<>();
                    rows.forEach(sorted::add);
                    sorted.sort((a, b) -> a.getUUID("id").compareTo(b.getUUID("id")));
                    return sorted.stream().map(row -> new Member(message(row.getString("payload")), instant(row, "first_failure_at"))).toList();
                });
    }

    /** The members a group took at an earlier attempt (a retry sends the same list). */
    Future<List<Member>> members(UUID group) {
        return pool.preparedQuery("SELECT n.payload::text AS payload, (SELECT first_failure_at FROM incidents WHERE id = n.incident_id) "
                        + "AS first_failure_at FROM notifications n WHERE group_id = $1 ORDER BY id")
                .execute(Tuple.of(group))
                .map(rows -> {
                    List<Member> members = new ArrayList<>();
                    rows.forEach(row -> members.add(new Member(message(row.getString("payload")), instant(row, "first_failure_at"))));
                    return members;
                });
    }

    /** Stores a group's rendered message (once, at its first attempt). */
    Future<Void> render(Claimed group, NotificationMessage message) {
        return pool.preparedQuery("UPDATE notifications SET payload = $2::text::jsonb WHERE id = $1 AND lease_until = $3")
                .execute(Tuple.of(group.id(), Json.MAPPER.valueToTree(message).toString(), time(group.lease()))).mapEmpty();
    }

    /** Postpones a claimed row without counting an attempt (its channel's rate limit was reached). */
    Future<Void> postpone(Claimed row, Instant until) {
        return pool.preparedQuery("UPDATE notifications SET next_attempt_at = $2, lease_until = NULL WHERE id = $1 AND lease_until = $3")
                .execute(Tuple.of(row.id(), time(until), time(row.lease()))).mapEmpty();
    }

    /**
     * Records attempt {@code attempt} of {@code row} and its new state: {@code delivered},
     * {@code pending} again at {@code nextAttempt}, {@code dead} or {@code suppressed}; the members of
     * a group follow it into {@code delivered} or {@code dead}. A timeline line goes to each incident
     * concerned ({@code timelineType}, {@code timelineMessage}; none when {@code null}).
     */
    Future<Void> settle(Claimed row, DeliveryResult result, int attempt, String state, Instant at, Instant nextAttempt,
                        String timelineType, String timelineMessage) {
        return pool.withTransaction(conn -> conn.preparedQuery("UPDATE notifications SET state = $2, attempts = $3, next_attempt_at = $4, "
                                + "lease_until = NULL, delivered_at = CASE WHEN $2 = 'delivered' THEN $5 ELSE delivered_at END, last_error = $6 "
                                + "WHERE id = $1 AND lease_until = $7")
                        .execute(Tuple.tuple().addUUID(row.id()).addString(state).addInteger(attempt).addOffsetDateTime(time(nextAttempt))
                                .addOffsetDateTime(time(at)).addString(result.delivered() ? null : result.error())
                                .addOffsetDateTime(time(row.lease())))
                        .compose(updated -> updated.rowCount() == 0 ? Future.succeededFuture()
                                : conn.preparedQuery("INSERT INTO delivery_attempts (notification_id, attempt, at, outcome, http_status, response, "
                                                + "error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING")
                                        .execute(Tuple.tuple().addUUID(row.id()).addInteger(attempt).addOffsetDateTime(time(at))
                                                .addString(result.outcome().wire()).addInteger(result.httpStatus()).addString(clean(result.response()))
                                                .addString(clean(result.error())).addInteger((int) Math.min(Integer.MAX_VALUE, result.took().toMillis())))
                                        .compose(v -> state.equals("delivered") || state.equals("dead")
                                                ? conn.preparedQuery("UPDATE notifications SET state = $2, delivered_at = CASE WHEN $2 = 'delivered' "
                                                        + "THEN $3 ELSE delivered_at END WHERE group_id = $1").execute(Tuple.of(row.id(), state, time(at)))
                                                .mapEmpty()
                                                : Future.succeededFuture())
                                        .compose(v -> timelineType == null ? Future.succeededFuture()
                                                : conn.preparedQuery("INSERT INTO incident_events (incident_id, at, type, message, details) "
                                                                + "SELECT i, $2, $3, $4, $5::text::jsonb FROM unnest($1::uuid[]) AS i")
                                                        .execute(Tuple.tuple().addArrayOfUUID(incidents(row)).addOffsetDateTime(time(at))
                                                                .addString(timelineType).addString(timelineMessage)
                                                                .addString(Json.MAPPER.createObjectNode().put("notification_id", row.id().toString())
                                                                        .put("channel_id", row.channelId().toString()).put("event", row.event().wire())
                                                                        .toString()))
                                                        .mapEmpty())))
                .mapEmpty();
    }

    /** Marks a claimed group that took no member (they were all cancelled) as suppressed. */
    Future<Void> suppress(Claimed row) {
        return pool.preparedQuery("UPDATE notifications SET state = 'suppressed', lease_until = NULL, last_error = 'no incidents left to "
                + "report' WHERE id = $1 AND lease_until = $2").execute(Tuple.of(row.id(), time(row.lease()))).mapEmpty();
    }

    private static UUID[] incidents(Claimed row) {
        if (row.incidentId() != null) {
            return new UUID[] {row.incidentId()};
        }
        if (row.message() == null || row.message().group() == null) {
            return new UUID[0];
        }
        return row.message().group().incidents().stream().map(NotificationMessage.IncidentSummary::id).toArray(UUID[]::new);
    }

    private static Claimed claimed(Row row, Instant lease) {
        String payload = row.getString("payload");
        String[] keys = row.getArrayOfStrings("group_keys");
        UUID incident = row.getUUID("incident_id");
        boolean group = incident == null && keys.length == 1;
        NotificationMessage message = group && "{}".equals(payload.replace(" ", "")) ? null : message(payload);
        return new Claimed(row.getUUID("id"), row.getUUID("org_id"), row.getUUID("channel_id"), incident,
                NotificationEvent.fromWire(row.getString("event")), message, group ? keys[0] : null, row.getInteger("attempts"),
                instant(row, "created_at"), instant(row, "first_failure_at"), lease);
    }

    static NotificationMessage message(String payload) {
        try {
            return Json.MAPPER.readValue(payload, NotificationMessage.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored notification does not parse: " + e.getOriginalMessage(), e);
        }
    }

    /** Text fit for a PostgreSQL text column (no NUL) and at most 1 KiB. */
    private static String clean(String text) {
        String cut = text == null ? "" : text.length() > 1024 ? text.substring(0, 1024) : text;
        return cut.replace('\0', ' ');
    }

    static OffsetDateTime time(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
