package dev.heliograph.controlplane.maintenance;

import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.TargetId;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintenance windows in PostgreSQL (table {@code maintenance_windows}, migration V6), through the
 * reactive client. Every method that serves an API request takes the caller's {@link OrgId} and
 * filters by it, so an id from a request never reaches another org's row; only {@link #all()},
 * which feeds the {@link MaintenanceSchedule}, reads across orgs. The methods that take a
 * {@link SqlConnection} work inside the caller's transaction (the alerting file's apply). Failures
 * are failed futures:
 * {@link WindowTakenException} for a duplicate key or name, the driver's exception otherwise.
 */
public final class MaintenanceWindowStore {
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceWindowStore.class);
    static final String COLUMNS = "id, org_id, key, name, starts_at, time_zone, duration_s, rrule, mode, target_ids, tags, "
            + "enabled, created_at, updated_at, version";
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String INSERT = "INSERT INTO maintenance_windows (id, org_id, name, starts_at, time_zone, duration_s, "
            + "rrule, mode, target_ids, tags, enabled, key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
            + "RETURNING " + COLUMNS;
    private static final String UPDATE = "UPDATE maintenance_windows SET name = $3, starts_at = $4, time_zone = $5, "
            + "duration_s = $6, rrule = $7, mode = $8, target_ids = $9, tags = $10, enabled = $11, key = COALESCE($12, key), "
            + "updated_at = now(), version = version + 1 WHERE id = $1 AND org_id = $2 RETURNING " + COLUMNS;

    private final Pool pool;

    public MaintenanceWindowStore(Pool pool) {
        this.pool = pool;
    }

    /** Stores a new window with a fresh UUIDv7 id and version 1; its key is the id's text when {@code key} is {@code null}. */
    public Future<MaintenanceWindow> create(OrgId org, String key, WindowSettings settings) {
        return insert(pool, org, key, settings);
    }

    /** {@link #create(OrgId, String, WindowSettings)} in the transaction of {@code conn}. */
    public Future<MaintenanceWindow> create(SqlConnection conn, OrgId org, String key, WindowSettings settings) {
        return insert(conn, org, key, settings);
    }

    private Future<MaintenanceWindow> insert(SqlClient client, OrgId org, String key, WindowSettings settings) {
        MaintenanceWindowId id = MaintenanceWindowId.random();
        String stored = key == null ? id.toString() : key;
        return one(client, INSERT, params(id, org, settings).addString(stored), settings.name(), stored).map(Optional::orElseThrow);
    }

    /** The window {@code id} of {@code org}, or empty. */
    public Future<Optional<MaintenanceWindow>> get(OrgId org, MaintenanceWindowId id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM maintenance_windows WHERE org_id = $1 AND id = $2")
                .execute(Tuple.of(org.value(), id.value()))
                .map(MaintenanceWindowStore::first);
    }

    /**
     * Replaces the settings of window {@code id}, bumping its version; empty when the org has no such
     * window. A {@code null} key keeps the stored key.
     */
    public Future<Optional<MaintenanceWindow>> update(OrgId org, MaintenanceWindowId id, String key, WindowSettings settings) {
        return one(pool, UPDATE, params(id, org, settings).addString(key), settings.name(), key);
    }

    /** {@link #update(OrgId, MaintenanceWindowId, String, WindowSettings)} in the transaction of {@code conn}. */
    public Future<Optional<MaintenanceWindow>> update(SqlConnection conn, OrgId org, MaintenanceWindowId id, String key,
                                                      WindowSettings settings) {
        return one(conn, UPDATE, params(id, org, settings).addString(key), settings.name(), key);
    }

    /** In the transaction of {@code conn}: deletes the windows of {@code org} with these ids; how many there were. */
    public Future<Integer> delete(SqlConnection conn, OrgId org, Collection<MaintenanceWindowId> ids) {
        return conn.preparedQuery("DELETE FROM maintenance_windows WHERE org_id = $1 AND id = ANY($2)")
                .execute(Tuple.tuple().addUUID(org.value()).addArrayOfUUID(uuids(ids)))
                .map(rows -> rows.rowCount());
    }

    /**
     * In the transaction of {@code conn}: gives the windows of {@code org} with these ids a
     * placeholder name that no valid name can equal (a control character and the id), so that the
     * updates after it may swap names without a unique violation in between. Every parked window must
     * be updated in the same transaction.
     */
    public Future<Void> parkNames(SqlConnection conn, OrgId org, Collection<MaintenanceWindowId> ids) {
        return conn.preparedQuery("UPDATE maintenance_windows SET name = chr(1) || id::text WHERE org_id = $1 AND id = ANY($2)")
                .execute(Tuple.tuple().addUUID(org.value()).addArrayOfUUID(uuids(ids)))
                .mapEmpty();
    }

    /** Every window of {@code org}, ordered by key. */
    public Future<List<MaintenanceWindow>> all(OrgId org) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM maintenance_windows WHERE org_id = $1 ORDER BY key")
                .execute(Tuple.of(org.value())).map(MaintenanceWindowStore::all);
    }

    /** In the transaction of {@code conn}: every window of {@code org}, ordered by key, locked until it ends. */
    public Future<List<MaintenanceWindow>> lockAll(SqlConnection conn, OrgId org) {
        return conn.preparedQuery("SELECT " + COLUMNS + " FROM maintenance_windows WHERE org_id = $1 ORDER BY key FOR UPDATE")
                .execute(Tuple.of(org.value())).map(MaintenanceWindowStore::all);
    }

    /** The key of every target of {@code org}, by id: windows name their targets by id, the alerting file by key. */
    public Future<Map<TargetId, String>> targetKeys(OrgId org) {
        return targetKeys(pool, org);
    }

    /** {@link #targetKeys(OrgId)} in the transaction of {@code conn}. */
    public Future<Map<TargetId, String>> targetKeys(SqlConnection conn, OrgId org) {
        return targetKeys((SqlClient) conn, org);
    }

    private static Future<Map<TargetId, String>> targetKeys(SqlClient client, OrgId org) {
        return client.preparedQuery("SELECT id, key FROM targets WHERE org_id = $1")
                .execute(Tuple.of(org.value()))
                .map(rows -> {
                    Map<TargetId, String> keys = new HashMap<>();
                    rows.forEach(row -> keys.put(new TargetId(row.getUUID("id")), row.getString("key")));
                    return keys;
                });
    }

    /** Deletes window {@code id} of {@code org}; {@code true} when it existed. */
    public Future<Boolean> delete(OrgId org, MaintenanceWindowId id) {
        return pool.preparedQuery("DELETE FROM maintenance_windows WHERE org_id = $1 AND id = $2")
                .execute(Tuple.of(org.value(), id.value()))
                .map(rows -> rows.rowCount() > 0);
    }

    /**
     * Up to {@code limit} windows of {@code org} in id (creation) order, after {@code after} (from the
     * start when {@code null}). Ask for one more than a page to learn whether another page follows.
     */
    public Future<List<MaintenanceWindow>> list(OrgId org, MaintenanceWindowId after, int limit) {
        Tuple params = Tuple.of(org.value(), after == null ? null : after.value(), limit);
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM maintenance_windows WHERE org_id = $1 "
                        + "AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3")
                .execute(params)
                .map(MaintenanceWindowStore::all);
    }

    /**
     * Every window of every org, for the in-memory schedule (windows are few: hundreds). A row that
     * no longer decodes (a time zone the JDK dropped, a rule edited by hand) is left out and logged,
     * so that one bad row never stops the schedule.
     */
    public Future<List<MaintenanceWindow>> all() {
        return pool.query("SELECT " + COLUMNS + " FROM maintenance_windows").execute().map(rows -> {
            List<MaintenanceWindow> windows = new ArrayList<>(rows.size());
            for (Row row : rows) {
                try {
                    windows.add(window(row));
                } catch (RuntimeException e) {
                    LOG.warn("maintenance window {} left out of the schedule: {}", row.getUUID("id"), e.getMessage());
                }
            }
            return windows;
        });
    }

    /** Those of {@code ids} that are not targets of {@code org} (unknown, deleted, or another org's). */
    public Future<Set<TargetId>> unknownTargets(OrgId org, Collection<TargetId> ids) {
        if (ids.isEmpty()) {
            return Future.succeededFuture(Set.of());
        }
        UUID[] array = ids.stream().map(TargetId::value).distinct().toArray(UUID[]::new);
        return pool.preparedQuery("SELECT id FROM targets WHERE org_id = $1 AND id = ANY($2)")
                .execute(Tuple.tuple().addUUID(org.value()).addArrayOfUUID(array))
                .map(rows -> {
                    Set<TargetId> unknown = new HashSet<>(ids);
                    rows.forEach(row -> unknown.remove(new TargetId(row.getUUID("id"))));
                    return unknown;
                });
    }

    private static Tuple params(MaintenanceWindowId id, OrgId org, WindowSettings settings) {
        return Tuple.tuple()
                .addUUID(id.value())
                .addUUID(org.value())
                .addString(settings.name())
                .addLocalDateTime(settings.startsAt())
                .addString(settings.timeZone().getId())
                .addInteger((int) settings.duration().toSeconds())
                .addString(settings.recurrence() == null ? null : settings.recurrence().text())
                .addString(settings.mode().wire())
                .addArrayOfUUID(settings.targetIds().stream().map(TargetId::value).toArray(UUID[]::new))
                .addArrayOfString(settings.tags().stream().sorted().toArray(String[]::new))
                .addBoolean(settings.enabled());
    }

    private static UUID[] uuids(Collection<MaintenanceWindowId> ids) {
        return ids.stream().map(MaintenanceWindowId::value).toArray(UUID[]::new);
    }

    private static Future<Optional<MaintenanceWindow>> one(SqlClient client, String sql, Tuple params, String name, String key) {
        return client.preparedQuery(sql).execute(params)
                .recover(error -> Future.failedFuture(conflict(error, name, key)))
                .map(MaintenanceWindowStore::first);
    }

    /** {@code error} as {@link WindowTakenException} when it is a unique violation of key or name; else itself. */
    private static Throwable conflict(Throwable error, String name, String key) {
        if (!(error instanceof PgException pg) || !UNIQUE_VIOLATION.equals(pg.getSqlState())) {
            return error;
        }
        return switch (String.valueOf(pg.getConstraint())) {
            case "maintenance_windows_key_unique" -> new WindowTakenException("key", key);
            case "maintenance_windows_name_unique" -> new WindowTakenException("name", name);
            default -> error;
        };
    }

    private static Optional<MaintenanceWindow> first(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? Optional.of(window(iterator.next())) : Optional.empty();
    }

    private static List<MaintenanceWindow> all(RowSet<Row> rows) {
        List<MaintenanceWindow> windows = new ArrayList<>(rows.size());
        rows.forEach(row -> windows.add(window(row)));
        return windows;
    }

    /** Decodes a row; throws an unchecked exception when a stored zone or rule no longer parses. */
    private static MaintenanceWindow window(Row row) {
        String rrule = row.getString("rrule");
        WindowSettings settings = new WindowSettings(
                row.getString("name"),
                row.getLocalDateTime("starts_at"),
                ZoneId.of(row.getString("time_zone")),
                Duration.ofSeconds(row.getInteger("duration_s")),
                rrule == null ? null : Recurrence.parse(rrule),
                MaintenanceMode.ofWindow(row.getString("mode")),
                new LinkedHashSet<>(Arrays.stream(row.getArrayOfUUIDs("target_ids")).map(TargetId::new).toList()),
                new LinkedHashSet<>(Arrays.asList(row.getArrayOfStrings("tags"))),
                row.getBoolean("enabled"));
        return new MaintenanceWindow(new MaintenanceWindowId(row.getUUID("id")), new OrgId(row.getUUID("org_id")),
                row.getString("key"), settings, row.getOffsetDateTime("created_at").toInstant(),
                row.getOffsetDateTime("updated_at").toInstant(), row.getLong("version"));
    }
}
