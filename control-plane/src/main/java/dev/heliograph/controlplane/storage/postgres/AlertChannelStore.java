package dev.heliograph.controlplane.storage.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.AlertChannelDraft;
import dev.heliograph.controlplane.alerting.ChannelKind;
import dev.heliograph.controlplane.secrets.ChannelSealer;
import dev.heliograph.controlplane.secrets.SecretKeyException;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.Uuid7;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Alert channels in PostgreSQL ({@code alert_channels}). Every method that serves an API request
 * takes the caller's {@link OrgId} and filters by it, so an id from a request never reaches another
 * tenant's row; {@link #get(UUID)} alone reads across orgs, for the delivery of notifications (whose
 * rows name their channel). Secret values of the settings are stored sealed by a
 * {@link ChannelSealer} and come back decrypted.
 *
 * <p>The methods that take a {@link SqlConnection} write inside the caller's transaction (the
 * alerting file's apply, {@link OrgTransactions}) and take its org's {@link OrgId} like the others.
 *
 * <p>Failures are failed futures: {@link AlertChannelTakenException} for a duplicate key or name,
 * {@link SecretKeyException} when secrets cannot be sealed or opened (no key, wrong key), the
 * driver's exception otherwise.
 */
public final class AlertChannelStore {
    // settings travel as text: the driver would send a Java String as a JSON string, not as an object.
    private static final String COLUMNS = "id, org_id, key, name, kind, settings::text AS settings, rate_limit_per_minute, "
            + "enabled, created_at, updated_at, version";
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String KEY_UNIQUE = "alert_channels_key_unique";
    private static final String NAME_UNIQUE = "alert_channels_name_unique";
    private static final String INSERT = "INSERT INTO alert_channels (id, org_id, key, name, kind, settings, rate_limit_per_minute, "
            + "enabled) VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8) RETURNING " + COLUMNS;
    private static final String UPDATE = "UPDATE alert_channels SET key = COALESCE($3, key), name = $4, kind = $5, "
            + "settings = $6::text::jsonb, rate_limit_per_minute = $7, enabled = $8, updated_at = now(), version = version + 1 "
            + "WHERE id = $1 AND org_id = $2 RETURNING " + COLUMNS;

    private final Pool pool;
    private final ChannelSealer sealer;

    public AlertChannelStore(Pool pool, ChannelSealer sealer) {
        this.pool = pool;
        this.sealer = sealer;
    }

    /** Whether channels with secrets can be stored: {@code secret.key} is set. */
    public boolean canStoreSecrets() {
        return sealer.canSeal();
    }

    /** Stores a new channel with a fresh UUIDv7 id and version 1; its key is the id's text when the draft has none. */
    public Future<AlertChannel> create(OrgId org, AlertChannelDraft draft) {
        return insert(pool, org, Uuid7.next(), draft);
    }

    /**
     * In the transaction of {@code conn}: stores a new channel with the id {@code id} (chosen by the
     * caller, so that policies written in the same transaction can name it) and version 1.
     */
    public Future<AlertChannel> create(SqlConnection conn, OrgId org, UUID id, AlertChannelDraft draft) {
        return insert(conn, org, id, draft);
    }

    private Future<AlertChannel> insert(SqlClient client, OrgId org, UUID id, AlertChannelDraft draft) {
        String key = draft.key() == null ? id.toString() : draft.key();
        Tuple params;
        try {
            params = Tuple.tuple().addUUID(id).addUUID(org.value()).addString(key);
            addDraft(params, id, draft);
        } catch (SecretKeyException e) {
            return Future.failedFuture(e);
        }
        return one(client, INSERT, params, key, draft.name()).map(Optional::orElseThrow);
    }

    /** The channel {@code id} of {@code org}, or empty. */
    public Future<Optional<AlertChannel>> get(OrgId org, UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM alert_channels WHERE org_id = $1 AND id = $2")
                .execute(Tuple.of(org.value(), id))
                .map(this::first);
    }

    /**
     * The channel {@code id} of whichever org, or empty: for delivering a notification, whose row
     * already belongs to the channel's org. Never call it with an id taken from an API request.
     */
    public Future<Optional<AlertChannel>> get(UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM alert_channels WHERE id = $1")
                .execute(Tuple.of(id))
                .map(this::first);
    }

    /**
     * Replaces the settings of channel {@code id}, bumping its version; empty when the org has no such
     * channel. A draft without a key keeps the stored key.
     */
    public Future<Optional<AlertChannel>> update(OrgId org, UUID id, AlertChannelDraft draft) {
        return updateIn(pool, org, id, draft);
    }

    /** {@link #update(OrgId, UUID, AlertChannelDraft)} in the transaction of {@code conn}. */
    public Future<Optional<AlertChannel>> update(SqlConnection conn, OrgId org, UUID id, AlertChannelDraft draft) {
        return updateIn(conn, org, id, draft);
    }

    private Future<Optional<AlertChannel>> updateIn(SqlClient client, OrgId org, UUID id, AlertChannelDraft draft) {
        Tuple params;
        try {
            params = Tuple.tuple().addUUID(id).addUUID(org.value()).addString(draft.key());
            addDraft(params, id, draft);
        } catch (SecretKeyException e) {
            return Future.failedFuture(e);
        }
        return one(client, UPDATE, params, draft.key(), draft.name());
    }

    /**
     * Deletes channel {@code id}; {@code true} when it existed. Its notifications go with it (cascade).
     * Fails with {@link AlertChannelInUseException} (nothing deleted) while a notification policy
     * routes to it: the policy would otherwise keep routing to nothing.
     */
    public Future<Boolean> delete(OrgId org, UUID id) {
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT key FROM notification_policies WHERE org_id = $1 AND $2 = ANY(channels) "
                        + "ORDER BY key FOR SHARE")
                .execute(Tuple.of(org.value(), id))
                .compose(using -> {
                    List<String> policies = new ArrayList<>();
                    using.forEach(row -> policies.add(row.getString("key")));
                    if (!policies.isEmpty()) {
                        return Future.failedFuture(new AlertChannelInUseException(id, policies));
                    }
                    return conn.preparedQuery("DELETE FROM alert_channels WHERE org_id = $1 AND id = $2")
                            .execute(Tuple.of(org.value(), id))
                            .map(rows -> rows.rowCount() > 0);
                }));
    }

    /** A channel cannot be deleted while notification policies (their keys) route to it. */
    public static final class AlertChannelInUseException extends RuntimeException {
        private final transient List<String> policies;

        AlertChannelInUseException(UUID id, List<String> policies) {
            super("alert channel " + id + " is used by notification policies " + String.join(", ", policies)
                    + "; remove it from them first", null, false, false);
            this.policies = List.copyOf(policies);
        }

        /** The keys of the policies that route to the channel. */
        public List<String> policies() {
            return policies;
        }
    }

    /** In the transaction of {@code conn}: deletes the channels of {@code org} with these ids; how many there were. */
    public Future<Integer> delete(SqlConnection conn, OrgId org, Collection<UUID> ids) {
        return conn.preparedQuery("DELETE FROM alert_channels WHERE org_id = $1 AND id = ANY($2)")
                .execute(Tuple.tuple().addUUID(org.value()).addArrayOfUUID(ids.toArray(UUID[]::new)))
                .map(rows -> rows.rowCount());
    }

    /**
     * In the transaction of {@code conn}: gives the channels of {@code org} with these ids a
     * placeholder name that no valid name can equal (a control character and the id), so that the
     * updates after it may swap names between channels without a unique violation in between. Every
     * parked channel must be updated in the same transaction.
     */
    public Future<Void> parkNames(SqlConnection conn, OrgId org, Collection<UUID> ids) {
        return conn.preparedQuery("UPDATE alert_channels SET name = chr(1) || id::text WHERE org_id = $1 AND id = ANY($2)")
                .execute(Tuple.tuple().addUUID(org.value()).addArrayOfUUID(ids.toArray(UUID[]::new)))
                .mapEmpty();
    }

    /** Every channel of {@code org}, ordered by key. */
    public Future<List<AlertChannel>> all(OrgId org) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM alert_channels WHERE org_id = $1 ORDER BY key")
                .execute(Tuple.of(org.value())).map(this::all);
    }

    /** In the transaction of {@code conn}: every channel of {@code org}, ordered by key, locked until it ends. */
    public Future<List<AlertChannel>> lockAll(SqlConnection conn, OrgId org) {
        return conn.preparedQuery("SELECT " + COLUMNS + " FROM alert_channels WHERE org_id = $1 ORDER BY key FOR UPDATE")
                .execute(Tuple.of(org.value())).map(this::all);
    }

    /**
     * One page of {@code org}'s channels in id (creation) order, starting after {@code after} (from
     * the start when {@code null}); at most {@code limit} items.
     */
    public Future<AlertChannelPage> list(OrgId org, UUID after, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM alert_channels WHERE org_id = $1"
                + (after == null ? "" : " AND id > $3") + " ORDER BY id LIMIT $2";
        Tuple params = Tuple.of(org.value(), limit + 1);
        if (after != null) {
            params.addUUID(after);
        }
        return pool.preparedQuery(sql).execute(params).map(rows -> {
            List<AlertChannel> items = new ArrayList<>(rows.size());
            rows.forEach(row -> items.add(toChannel(row)));
            if (items.size() <= limit) {
                return new AlertChannelPage(items, null);
            }
            List<AlertChannel> page = List.copyOf(items.subList(0, limit));
            return new AlertChannelPage(page, page.getLast().id());
        });
    }

    private void addDraft(Tuple params, UUID id, AlertChannelDraft draft) {
        params.addString(draft.name())
                .addString(draft.settings().kind().wire())
                .addString(sealer.seal(id, draft.settings()))
                .addInteger(draft.rateLimitPerMinute())
                .addBoolean(draft.enabled());
    }

    private Future<Optional<AlertChannel>> one(SqlClient client, String sql, Tuple params, String key, String name) {
        return client.preparedQuery(sql).execute(params)
                .recover(error -> Future.failedFuture(conflict(error, key, name)))
                .map(this::first);
    }

    /** {@code error} as {@link AlertChannelTakenException} when it is a unique violation of the key or name. */
    private static Throwable conflict(Throwable error, String key, String name) {
        if (error instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
            if (KEY_UNIQUE.equals(pg.getConstraint())) {
                return new AlertChannelTakenException("key", key);
            }
            if (NAME_UNIQUE.equals(pg.getConstraint())) {
                return new AlertChannelTakenException("name", name);
            }
        }
        return error;
    }

    private List<AlertChannel> all(RowSet<Row> rows) {
        List<AlertChannel> channels = new ArrayList<>(rows.size());
        rows.forEach(row -> channels.add(toChannel(row)));
        return channels;
    }

    private Optional<AlertChannel> first(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? Optional.of(toChannel(iterator.next())) : Optional.empty();
    }

    private AlertChannel toChannel(Row row) {
        UUID id = row.getUUID("id");
        try {
            return new AlertChannel(id, new OrgId(row.getUUID("org_id")), row.getString("key"), row.getString("name"),
                    sealer.open(id, ChannelKind.fromWire(row.getString("kind")), row.getString("settings")),
                    row.getInteger("rate_limit_per_minute"), row.getBoolean("enabled"),
                    row.getOffsetDateTime("created_at").toInstant(), row.getOffsetDateTime("updated_at").toInstant(),
                    row.getLong("version"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored settings of alert channel " + id + " do not parse", e);
        }
    }
}
