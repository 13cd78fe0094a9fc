package dev.heliograph.controlplane.storage.postgres;

import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetDraft;
import dev.heliograph.domain.TargetId;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The target writes of one Postgres transaction ({@link PgTargetStore#inTransaction}): bulk changes
 * and config applies, which must write everything or nothing. Every method takes the caller's
 * {@link OrgId} and touches only that org's rows. Reads lock the rows they return
 * ({@code FOR UPDATE}), so that nothing changes them between the plan and the write.
 */
public final class TargetTransaction {
    private final PgTargetStore store;
    private final SqlConnection conn;

    TargetTransaction(PgTargetStore store, SqlConnection conn) {
        this.store = store;
        this.conn = conn;
    }

    /** Which targets a bulk action touches: these ids, or every target with this tag. */
    public sealed interface Scope {
        /** Targets with these ids (others' ids match nothing). */
        record Ids(Collection<TargetId> ids) implements Scope {
        }

        /** Targets carrying this tag. */
        record Tagged(String tag) implements Scope {
        }
    }

    /**
     * Defers the name and key uniqueness checks to the commit, so that the writes of this
     * transaction may swap names or keys between targets; a conflict left at the commit fails it.
     */
    public Future<Void> deferUniqueness() {
        return conn.query("SET CONSTRAINTS targets_key_unique_per_org, targets_name_unique_per_org DEFERRED").execute()
                .mapEmpty();
    }

    /** Every target of {@code org}, locked, ordered by key. */
    public Future<List<Target>> lockAll(OrgId org) {
        return conn.preparedQuery("SELECT " + PgTargetStore.COLUMNS + " FROM targets WHERE org_id = $1 ORDER BY key FOR UPDATE")
                .execute(Tuple.of(org.value()))
                .map(store::all);
    }

    /** The targets of {@code org} with one of these ids, keys or names, locked. */
    public Future<List<Target>> lockMatching(OrgId org, Collection<TargetId> ids, Collection<String> keys, Collection<String> names) {
        return conn.preparedQuery("SELECT " + PgTargetStore.COLUMNS + " FROM targets WHERE org_id = $1 "
                        + "AND (id = ANY($2) OR key = ANY($3) OR name = ANY($4)) ORDER BY id FOR UPDATE")
                .execute(Tuple.of(org.value(), ids.stream().map(TargetId::value).toArray(UUID[]::new),
                        keys.toArray(String[]::new), names.toArray(String[]::new)))
                .map(store::all);
    }

    /** Stores new targets as {@link PgTargetStore#create} does, in one round trip; the targets in draft order. */
    public Future<List<Target>> createAll(OrgId org, List<TargetDraft> drafts) {
        return batch(PgTargetStore.INSERT, drafts.stream().map(draft -> store.insertParams(org, draft)).toList());
    }

    /**
     * Replaces the settings of existing targets as {@link PgTargetStore#update} does, in one round trip;
     * the targets in the order given. Fails when one of them does not exist (lock them first).
     */
    public Future<List<Target>> updateAll(OrgId org, Map<TargetId, TargetDraft> drafts) {
        List<Tuple> params = new ArrayList<>(drafts.size());
        drafts.forEach((id, draft) -> params.add(store.updateParams(org, id, draft)));
        return batch(PgTargetStore.UPDATE, params);
    }

    private Future<List<Target>> batch(String sql, List<Tuple> params) {
        if (params.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        return conn.preparedQuery(sql).executeBatch(params)
                .recover(error -> Future.failedFuture(PgTargetStore.conflict(error, null, null)))
                .map(rows -> {
                    List<Target> written = new ArrayList<>(params.size());
                    for (RowSet<Row> one = rows; one != null; one = one.next()) {
                        written.add(store.first(one).orElseThrow(() -> new IllegalStateException("a target to update is gone")));
                    }
                    return written;
                });
    }

    /** Deletes the targets in {@code scope}; the ids of those deleted. */
    public Future<List<TargetId>> delete(OrgId org, Scope scope) {
        Tuple params = Tuple.of(org.value());
        String where = where(scope, params);
        return conn.preparedQuery("DELETE FROM targets WHERE org_id = $1 AND " + where + " RETURNING id")
                .execute(params)
                .map(rows -> {
                    List<TargetId> deleted = new ArrayList<>(rows.size());
                    rows.forEach(row -> deleted.add(new TargetId(row.getUUID("id"))));
                    return deleted;
                });
    }

    /** Pauses ({@code false}) or resumes ({@code true}) the targets in {@code scope}; those that changed. */
    public Future<List<Target>> setEnabled(OrgId org, Scope scope, boolean enabled) {
        Tuple params = Tuple.of(org.value());
        String where = where(scope, params);
        params.addBoolean(enabled);
        return change(params, "enabled = $" + params.size(), where + " AND enabled <> $" + params.size());
    }

    /** Adds {@code tag} to the targets in {@code scope} that lack it; those that changed. */
    public Future<List<Target>> addTag(OrgId org, Scope scope, String tag) {
        Tuple params = Tuple.of(org.value());
        String where = where(scope, params);
        params.addString(tag);
        String at = "$" + params.size();
        return change(params, "tags = array_append(tags, " + at + "::text)", where + " AND NOT tags @> ARRAY[" + at + "::text]");
    }

    /** Removes {@code tag} from the targets in {@code scope} that carry it; those that changed. */
    public Future<List<Target>> removeTag(OrgId org, Scope scope, String tag) {
        Tuple params = Tuple.of(org.value());
        String where = where(scope, params);
        params.addString(tag);
        String at = "$" + params.size();
        return change(params, "tags = array_remove(tags, " + at + "::text)", where + " AND tags @> ARRAY[" + at + "::text]");
    }

    private Future<List<Target>> change(Tuple params, String set, String where) {
        return conn.preparedQuery("UPDATE targets SET " + set + ", updated_at = now(), version = version + 1 WHERE org_id = $1 AND "
                        + where + " RETURNING " + PgTargetStore.COLUMNS)
                .execute(params)
                .map(store::all);
    }

    /** The SQL condition of {@code scope}, its value appended to {@code params}. */
    private static String where(Scope scope, Tuple params) {
        return switch (scope) {
            case Scope.Ids ids -> {
                params.addArrayOfUUID(ids.ids().stream().map(TargetId::value).toArray(UUID[]::new));
                yield "id = ANY($" + params.size() + ")";
            }
            case Scope.Tagged tagged -> {
                params.addString(tagged.tag());
                yield "tags @> ARRAY[$" + params.size() + "::text]";
            }
        };
    }
}
