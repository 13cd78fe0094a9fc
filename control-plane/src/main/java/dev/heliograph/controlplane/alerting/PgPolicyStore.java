package dev.heliograph.controlplane.alerting;

import dev.heliograph.domain.OrgId;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Notification policies in PostgreSQL ({@code notification_policies}). Every method that serves an API
 * request takes the caller's {@link OrgId}. A duplicate key or name fails with {@link TakenException}.
 * The methods that take a {@link SqlConnection} work inside the caller's transaction (the alerting
 * file's apply).
 */
public final class PgPolicyStore {
    // $1 is cast to uuid before text: a connection prepares the statement without parameter types, and
    // "$1::text" alone would make PostgreSQL deduce text for the id column's uuid ("inconsistent types").
    private static final String INSERT = "INSERT INTO notification_policies (id, org_id, key, name, events, severities, tags, regions, "
            + "channels, reminder_interval_s, enabled) VALUES ($1, $2, COALESCE($3, $1::uuid::text), $4, $5, $6, $7, $8, $9, $10, $11) "
            + "RETURNING ";
    private static final String UPDATE = "UPDATE notification_policies SET key = COALESCE($3, key), name = $4, events = $5, severities = $6, "
            + "tags = $7, regions = $8, channels = $9, reminder_interval_s = $10, enabled = $11, updated_at = now(), version = version + 1 "
            + "WHERE id = $1 AND org_id = $2 RETURNING ";
    static final String COLUMNS = "id, org_id, key, name, events, severities, tags, regions, channels, reminder_interval_s, enabled, "
            + "created_at, updated_at, version";
    private static final String UNIQUE_VIOLATION = "23505";

    private final Pool pool;

    public PgPolicyStore(Pool pool) {
        this.pool = pool;
    }

    /** A policy without its id and times: what a create or replace writes. */
    public record Draft(String key, String name, Set<NotificationEvent> events, Set<String> severities, Set<String> tags,
                        Set<String> regions, List<UUID> channels, int reminderIntervalS, boolean enabled) {
    }

    /** A key or name that another policy of the org has. */
    public static final class TakenException extends RuntimeException {
        /** {@code key} or {@code name}. */
        public final String field;

        TakenException(String field, String value) {
            super("another notification policy of the org has the " + field + " '" + value + "'", null, false, false);
            this.field = field;
        }
    }

    /** Stores a new policy (UUIDv7 id, version 1); its key is the id's text when the draft has none. */
    public Future<NotificationPolicy> create(OrgId org, Draft draft) {
        return insert(pool, org, draft);
    }

    /** {@link #create(OrgId, Draft)} in the transaction of {@code conn}. */
    public Future<NotificationPolicy> create(SqlConnection conn, OrgId org, Draft draft) {
        return insert(conn, org, draft);
    }

    private Future<NotificationPolicy> insert(SqlClient client, OrgId org, Draft draft) {
        UUID id = dev.heliograph.domain.Uuid7.next();
        return write(client, INSERT + COLUMNS, params(id, org, draft), draft).map(Optional::orElseThrow);
    }

    /** Replaces policy {@code id} of {@code org} (version + 1; a draft without a key keeps the stored one); empty when absent. */
    public Future<Optional<NotificationPolicy>> update(OrgId org, UUID id, Draft draft) {
        return write(pool, UPDATE + COLUMNS, params(id, org, draft), draft);
    }

    /** {@link #update(OrgId, UUID, Draft)} in the transaction of {@code conn}. */
    public Future<Optional<NotificationPolicy>> update(SqlConnection conn, OrgId org, UUID id, Draft draft) {
        return write(conn, UPDATE + COLUMNS, params(id, org, draft), draft);
    }

    /** In the transaction of {@code conn}: every policy of {@code org}, ordered by key, locked until it ends. */
    public Future<List<NotificationPolicy>> lockAll(SqlConnection conn, OrgId org) {
        return conn.preparedQuery("SELECT " + COLUMNS + " FROM notification_policies WHERE org_id = $1 ORDER BY key FOR UPDATE")
                .execute(Tuple.of(org.value())).map(PgPolicyStore::all);
    }

    /** Every policy of {@code org}, ordered by key. */
    public Future<List<NotificationPolicy>> all(OrgId org) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM notification_policies WHERE org_id = $1 ORDER BY key")
                .execute(Tuple.of(org.value())).map(PgPolicyStore::all);
    }

    /** In the transaction of {@code conn}: deletes the policies of {@code org} with these ids; how many there were. */
    public Future<Integer> delete(SqlConnection conn, OrgId org, Collection<UUID> ids) {
        return conn.preparedQuery("DELETE FROM notification_policies WHERE org_id = $1 AND id = ANY($2)")
                .execute(Tuple.tuple().addUUID(org.value()).addArrayOfUUID(ids.toArray(UUID[]::new)))
                .map(rows -> rows.rowCount());
    }

    /**
     * In the transaction of {@code conn}: gives the policies of {@code org} with these ids a
     * placeholder name that no valid name can equal (a control character and the id), so that the
     * updates after it may swap names without a unique violation in between. Every parked policy must
     * be updated in the same transaction.
     */
    public Future<Void> parkNames(SqlConnection conn, OrgId org, Collection<UUID> ids) {
        return conn.preparedQuery("UPDATE notification_policies SET name = chr(1) || id::text WHERE org_id = $1 AND id = ANY($2)")
                .execute(Tuple.tuple().addUUID(org.value()).addArrayOfUUID(ids.toArray(UUID[]::new)))
                .mapEmpty();
    }

    /** Policy {@code id} of {@code org}, or empty. */
    public Future<Optional<NotificationPolicy>> get(OrgId org, UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM notification_policies WHERE org_id = $1 AND id = $2")
                .execute(Tuple.of(org.value(), id)).map(PgPolicyStore::first);
    }

    /** Deletes policy {@code id} of {@code org}; {@code true} when it existed. */
    public Future<Boolean> delete(OrgId org, UUID id) {
        return pool.preparedQuery("DELETE FROM notification_policies WHERE org_id = $1 AND id = $2")
                .execute(Tuple.of(org.value(), id)).map(rows -> rows.rowCount() > 0);
    }

    /** Up to {@code limit + 1} policies of {@code org} after {@code after} (null: from the start), in id order. */
    public Future<List<NotificationPolicy>> list(OrgId org, UUID after, int limit) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM notification_policies WHERE org_id = $1 AND ($2::uuid IS NULL OR id > $2) "
                        + "ORDER BY id LIMIT $3")
                .execute(Tuple.of(org.value(), after, limit + 1)).map(PgPolicyStore::all);
    }

    /** Every policy of every org (for the in-memory routing catalog). */
    public Future<List<NotificationPolicy>> all() {
        return pool.query("SELECT " + COLUMNS + " FROM notification_policies").execute().map(PgPolicyStore::all);
    }

    /** Those of {@code ids} that are alert channels of {@code org}. */
    public Future<Set<UUID>> channelsOf(OrgId org, Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Future.succeededFuture(Set.of());
        }
        return pool.preparedQuery("SELECT id FROM alert_channels WHERE org_id = $1 AND id = ANY($2)")
                .execute(Tuple.tuple().addUUID(org.value()).addArrayOfUUID(ids.toArray(UUID[]::new)))
                .map(rows -> {
                    Set<UUID> found = new HashSet<>();
                    rows.forEach(row -> found.add(row.getUUID("id")));
                    return found;
                });
    }

    private Future<Optional<NotificationPolicy>> write(SqlClient client, String sql, Tuple params, Draft draft) {
        return client.preparedQuery(sql).execute(params).map(PgPolicyStore::first).recover(error -> {
            if (error instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
                boolean key = "notification_policies_key_unique".equals(pg.getConstraint());
                return Future.failedFuture(new TakenException(key ? "key" : "name", key ? draft.key() : draft.name()));
            }
            return Future.failedFuture(error);
        });
    }

    private static Tuple params(UUID id, OrgId org, Draft draft) {
        return Tuple.tuple().addUUID(id).addUUID(org.value()).addString(draft.key()).addString(draft.name())
                .addArrayOfString(draft.events().stream().map(NotificationEvent::wire).sorted().toArray(String[]::new))
                .addArrayOfString(draft.severities().stream().sorted().toArray(String[]::new))
                .addArrayOfString(draft.tags().stream().sorted().toArray(String[]::new))
                .addArrayOfString(draft.regions().stream().sorted().toArray(String[]::new))
                .addArrayOfUUID(draft.channels().toArray(UUID[]::new))
                .addInteger(draft.reminderIntervalS())
                .addBoolean(draft.enabled());
    }

    private static Optional<NotificationPolicy> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(of(it.next())) : Optional.empty();
    }

    private static List<NotificationPolicy> all(RowSet<Row> rows) {
        List<NotificationPolicy> policies = new ArrayList<>(rows.size());
        rows.forEach(row -> policies.add(of(row)));
        return policies;
    }

    private static NotificationPolicy of(Row row) {
        return new NotificationPolicy(row.getUUID("id"), new OrgId(row.getUUID("org_id")), row.getString("key"), row.getString("name"),
                Arrays.stream(row.getArrayOfStrings("events")).map(NotificationEvent::fromWire).collect(Collectors.toSet()),
                Set.copyOf(Arrays.asList(row.getArrayOfStrings("severities"))), Set.copyOf(Arrays.asList(row.getArrayOfStrings("tags"))),
                Set.copyOf(Arrays.asList(row.getArrayOfStrings("regions"))),
                List.of(row.getArrayOfUUIDs("channels")), row.getInteger("reminder_interval_s"), row.getBoolean("enabled"),
                row.getOffsetDateTime("created_at").toInstant(), row.getOffsetDateTime("updated_at").toInstant(), row.getLong("version"));
    }
}
