package dev.heliograph.controlplane.alerting;

import dev.heliograph.domain.OrgId;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The API's reads of the notification outbox, and the re-drive of a dead letter. Every method takes
 * the caller's {@link OrgId}.
 */
public final class NotificationQueries {
    private static final String COLUMNS = "id, channel_id, incident_id, event, state, attempts, created_at, next_attempt_at, delivered_at, "
            + "last_error, group_id, payload->>'summary' AS summary";

    private final Pool pool;

    public NotificationQueries(Pool pool) {
        this.pool = pool;
    }

    /** One notification as listed. */
    public record Listed(UUID id, UUID channelId, UUID incidentId, String event, String state, int attempts, Instant createdAt,
                       Instant nextAttemptAt, Instant deliveredAt, String lastError, UUID groupId, String summary) {
    }

    /** One delivery attempt. */
    public record Attempt(int attempt, Instant at, String outcome, int httpStatus, String response, String error, int durationMs) {
    }

    /** What to list: one state, channel, incident, event (each {@code null} for any). */
    public record Filter(String state, UUID channel, UUID incident, String event) {
    }

    /** Up to {@code limit + 1} notifications of {@code org}, newest first, older than {@code before} (null: from the newest). */
    public Future<List<Listed>> list(OrgId org, Filter filter, UUID before, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM notifications WHERE org_id = $1");
        Tuple params = Tuple.tuple().addUUID(org.value());
        if (before != null) {
            params.addUUID(before);
            sql.append(" AND id < $").append(params.size());
        }
        if (filter.state() != null) {
            params.addString(filter.state());
            sql.append(" AND state = $").append(params.size());
        }
        if (filter.channel() != null) {
            params.addUUID(filter.channel());
            sql.append(" AND channel_id = $").append(params.size());
        }
        if (filter.incident() != null) {
            params.addUUID(filter.incident());
            sql.append(" AND incident_id = $").append(params.size());
        }
        if (filter.event() != null) {
            params.addString(filter.event());
            sql.append(" AND event = $").append(params.size());
        }
        params.addInteger(limit + 1);
        sql.append(" ORDER BY id DESC LIMIT $").append(params.size());
        return pool.preparedQuery(sql.toString()).execute(params).map(rows -> {
            List<Listed> found = new ArrayList<>();
            rows.forEach(row -> found.add(of(row)));
            return found;
        });
    }

    /** Notification {@code id} of {@code org}, or empty. */
    public Future<Optional<Listed>> get(OrgId org, UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM notifications WHERE org_id = $1 AND id = $2")
                .execute(Tuple.of(org.value(), id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(of(rows.iterator().next())));
    }

    /** The stored message of notification {@code id} of {@code org} (JSON text), or empty. */
    public Future<Optional<String>> payload(OrgId org, UUID id) {
        return pool.preparedQuery("SELECT payload::text AS payload FROM notifications WHERE org_id = $1 AND id = $2")
                .execute(Tuple.of(org.value(), id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString("payload")));
    }

    /** The delivery attempts of notification {@code id} (of {@code org}), oldest first. */
    public Future<List<Attempt>> attempts(OrgId org, UUID id) {
        return pool.preparedQuery("SELECT a.* FROM delivery_attempts a JOIN notifications n ON n.id = a.notification_id "
                        + "WHERE n.org_id = $1 AND a.notification_id = $2 ORDER BY a.attempt")
                .execute(Tuple.of(org.value(), id))
                .map(rows -> {
                    List<Attempt> attempts = new ArrayList<>();
                    rows.forEach(row -> attempts.add(new Attempt(row.getInteger("attempt"), time(row, "at"), row.getString("outcome"),
                            row.getInteger("http_status"), row.getString("response"), row.getString("error"), row.getInteger("duration_ms"))));
                    return attempts;
                });
    }

    /**
     * Sends a dead letter again: back to {@code pending}, due now, with a fresh dead-letter window
     * (its age counts from {@code now}); {@code false} when {@code id} is not a dead notification of {@code org}.
     */
    public Future<Boolean> retry(OrgId org, UUID id, Instant now) {
        return pool.preparedQuery("UPDATE notifications SET state = 'pending', next_attempt_at = $3, created_at = $3, lease_until = NULL "
                        + "WHERE org_id = $1 AND id = $2 AND state = 'dead'")
                .execute(Tuple.of(org.value(), id, now.atOffset(java.time.ZoneOffset.UTC)))
                .map(rows -> rows.rowCount() > 0);
    }

    private static Listed of(Row row) {
        return new Listed(row.getUUID("id"), row.getUUID("channel_id"), row.getUUID("incident_id"), row.getString("event"),
                row.getString("state"), row.getInteger("attempts"), time(row, "created_at"), time(row, "next_attempt_at"),
                time(row, "delivered_at"), row.getString("last_error"), row.getUUID("group_id"), row.getString("summary"));
    }

    private static Instant time(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
