package dev.heliograph.controlplane.storage.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.heliograph.controlplane.secrets.SecretKeyException;
import dev.heliograph.controlplane.secrets.SpecSealer;
import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.FieldError;
import dev.heliograph.domain.IncidentRules;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetDraft;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.codec.IncidentRulesCodec;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Targets in PostgreSQL. Every method that serves an API request takes the caller's {@link OrgId}
 * and filters by it, so an id from a request can never reach another tenant's row. Failures are
 * failed futures: {@link TargetNameTakenException} for a duplicate name, {@link TargetKeyTakenException}
 * for a duplicate key, the driver's exception otherwise. Secret values of specs are stored encrypted by a {@link SpecSealer} and come back
 * decrypted; {@link SecretKeyException} when they cannot be (no key, wrong key).
 */
public final class PgTargetStore {
    // spec travels as text: the driver would send a Java String as a JSON string, not as an object.
    static final String COLUMNS =
            "id, org_id, key, name, kind, spec::text AS spec, interval_s, timeout_ms, regions, tags, enabled, created_at, updated_at, version, "
                    + "incident_rules::text AS incident_rules";
    /** The row's stamp ({@link Stamped}): {@code xmin} as a number. */
    private static final String STAMP = "xmin::text::bigint AS stamp";
    /** Rows per round trip of {@link #enabledStamps}: small rows, so many fit the same few ms of decoding. */
    private static final int STAMP_CHUNK_ROWS = 10_000;
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String KEY_UNIQUE = "targets_key_unique_per_org";
    private static final String NAME_UNIQUE = "targets_name_unique_per_org";
    static final String INSERT = "INSERT INTO targets (id, org_id, name, kind, spec, interval_s, timeout_ms, regions, tags, enabled, "
            + "incident_rules, key) VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8, $9, $10, $11::text::jsonb, $12) RETURNING " + COLUMNS;
    static final String UPDATE = "UPDATE targets SET name = $3, kind = $4, spec = $5::text::jsonb, interval_s = $6, timeout_ms = $7, "
            + "regions = $8, tags = $9, enabled = $10, incident_rules = $11::text::jsonb, key = COALESCE($12, key), updated_at = now(), "
            + "version = version + 1 WHERE id = $1 AND org_id = $2 RETURNING " + COLUMNS;

    private final Pool pool;
    private final SpecSealer sealer;
    private final OrgTransactions transactions;

    public PgTargetStore(Pool pool, SpecSealer sealer) {
        this.pool = pool;
        this.sealer = sealer;
        this.transactions = new OrgTransactions(pool);
    }

    /** Whether specs with secrets can be stored: {@code secret.key} is set. */
    public boolean canStoreSecrets() {
        return sealer.canSeal();
    }

    /**
     * Runs {@code work} in one Postgres transaction of {@code org}: committed when its future succeeds,
     * rolled back when it fails (with its failure). A duplicate name or key found at commit fails it
     * with {@link TargetNameTakenException} or {@link TargetKeyTakenException}.
     *
     * <p>Such transactions of one org run one at a time ({@link OrgTransactions}, whose lock the
     * alerting file's applies share).
     */
    public <T> Future<T> inTransaction(OrgId org, Function<TargetTransaction, Future<T>> work) {
        return transactions.run(org, conn -> work.apply(new TargetTransaction(this, conn)))
                .recover(error -> Future.failedFuture(conflict(error, null, null)));
    }

    /** Stores a new target with a fresh UUIDv7 id and version 1; its key is the id's text when the draft has none. */
    public Future<Target> create(OrgId org, TargetDraft draft) {
        Tuple params = insertParams(org, draft);
        return one(INSERT, params, draft.name(), params.getString(11)).map(Optional::orElseThrow);
    }

    /** The parameters of {@link #INSERT} for a new target with a fresh id; its key is the id's text when the draft has none. */
    Tuple insertParams(OrgId org, TargetDraft draft) {
        TargetId id = TargetId.random();
        Tuple params = Tuple.tuple().addUUID(id.value()).addUUID(org.value());
        addDraft(params, id, draft);
        return params.addString(draft.key() == null ? id.toString() : draft.key());
    }

    /** The target {@code id} of {@code org}, or empty. */
    public Future<Optional<Target>> get(OrgId org, TargetId id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM targets WHERE org_id = $1 AND id = $2")
                .execute(Tuple.of(org.value(), id.value()))
                .map(this::first);
    }

    /**
     * Replaces the settings of target {@code id}, bumping its version; empty when it does not exist.
     * A draft without a key keeps the stored key.
     */
    public Future<Optional<Target>> update(OrgId org, TargetId id, TargetDraft draft) {
        return one(UPDATE, updateParams(org, id, draft), draft.name(), draft.key());
    }

    /** The parameters of {@link #UPDATE}. */
    Tuple updateParams(OrgId org, TargetId id, TargetDraft draft) {
        Tuple params = Tuple.tuple().addUUID(id.value()).addUUID(org.value());
        addDraft(params, id, draft);
        return params.addString(draft.key());
    }

    /** Deletes target {@code id}; {@code true} when it existed. */
    public Future<Boolean> delete(OrgId org, TargetId id) {
        return pool.preparedQuery("DELETE FROM targets WHERE org_id = $1 AND id = $2")
                .execute(Tuple.of(org.value(), id.value()))
                .map(rows -> rows.rowCount() > 0);
    }

    /**
     * One page of {@code org}'s targets matching {@code filter}, in id (creation) order, starting
     * after {@code after} (or from the start when {@code null}); at most {@code limit} items.
     */
    public Future<TargetPage> list(OrgId org, TargetFilter filter, TargetId after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM targets WHERE org_id = $1");
        Tuple params = Tuple.tuple().addUUID(org.value());
        if (after != null) {
            params.addUUID(after.value());
            sql.append(" AND id > $").append(params.size());
        }
        if (filter.tag() != null) {
            params.addString(filter.tag());
            sql.append(" AND tags @> ARRAY[$").append(params.size()).append("::text]");
        }
        if (filter.kind() != null) {
            params.addString(filter.kind().wire());
            sql.append(" AND kind = $").append(params.size());
        }
        if (filter.enabled() != null) {
            params.addBoolean(filter.enabled());
            sql.append(" AND enabled = $").append(params.size());
        }
        if (filter.nameContains() != null) {
            params.addString("%" + likeEscape(filter.nameContains()) + "%");
            sql.append(" AND name ILIKE $").append(params.size());
        }
        params.addInteger(limit + 1);
        sql.append(" ORDER BY id LIMIT $").append(params.size());
        return pool.preparedQuery(sql.toString()).execute(params).map(rows -> {
            List<Target> items = new ArrayList<>(rows.size());
            rows.forEach(row -> items.add(toTarget(row)));
            if (items.size() <= limit) {
                return new TargetPage(items, null);
            }
            List<Target> page = items.subList(0, limit);
            return new TargetPage(List.copyOf(page), page.getLast().id());
        });
    }

    /** Who owns a target and where it is checked from: the facts needed to accept an agent's result. */
    public record Placement(OrgId org, List<RegionId> regions) {
    }

    /**
     * The org and regions of each of {@code ids} that exists (enabled or not), across all orgs; read
     * when an agent reports results, never on behalf of an API request.
     */
    public Future<Map<TargetId, Placement>> placements(Collection<TargetId> ids) {
        if (ids.isEmpty()) {
            return Future.succeededFuture(java.util.Map.of());
        }
        UUID[] array = ids.stream().map(TargetId::value).distinct().toArray(UUID[]::new);
        return pool.preparedQuery("SELECT id, org_id, regions FROM targets WHERE id = ANY($1)")
                .execute(Tuple.of(array))
                .map(rows -> {
                    Map<TargetId, Placement> found = new HashMap<>();
                    rows.forEach(row -> found.put(new TargetId(row.getUUID("id")), new Placement(new OrgId(row.getUUID("org_id")),
                            Arrays.stream(row.getArrayOfStrings("regions")).map(RegionId::new).toList())));
                    return found;
                });
    }

    /** Every target of {@code org}, ordered by key. */
    public Future<List<Target>> listAll(OrgId org) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM targets WHERE org_id = $1 ORDER BY key")
                .execute(Tuple.of(org.value()))
                .map(this::all);
    }

    /**
     * A target with the stamp of its row: PostgreSQL's {@code xmin}, the id of the transaction that
     * wrote the row last. Every write of the row changes it, whoever made it (the API, another
     * replica, an operator's SQL, a secret-key rotation), so an unchanged stamp means an unchanged row.
     */
    public record Stamped(Target target, long stamp) {
    }

    /**
     * Hands the id and stamp of every enabled target of every org and region to {@code each}: the
     * cheap first step of the registry's re-read (16 bytes a row, no spec to decode). Read in chunks
     * ({@link ChunkedRead}), {@code each} called on the event loop chunk by chunk.
     */
    public Future<Void> enabledStamps(BiConsumer<TargetId, Long> each) {
        return ChunkedRead.each(pool, "SELECT id, " + STAMP + " FROM targets WHERE enabled", Tuple.tuple(), STAMP_CHUNK_ROWS,
                row -> each.accept(new TargetId(row.getUUID("id")), row.getLong("stamp")));
    }

    /**
     * Every enabled target of every org and region with its stamp: the schedule's source of truth.
     * Read in chunks of {@value ChunkedRead#CHUNK_ROWS} ({@link ChunkedRead}), so that a read of many
     * targets never holds the API's event loop for long; one consistent snapshot.
     */
    public Future<List<Stamped>> listEnabled() {
        return ChunkedRead.all(pool, "SELECT " + COLUMNS + ", " + STAMP + " FROM targets WHERE enabled", Tuple.tuple(),
                ChunkedRead.CHUNK_ROWS, this::stamped);
    }

    /**
     * Those of {@code ids} that exist and are enabled, with their stamps, in no particular order;
     * {@value ChunkedRead#CHUNK_ROWS} ids per query, one query after the other.
     */
    public Future<List<Stamped>> listEnabled(List<TargetId> ids) {
        List<Stamped> found = new ArrayList<>(ids.size());
        Future<Void> chain = Future.succeededFuture();
        for (int from = 0; from < ids.size(); from += ChunkedRead.CHUNK_ROWS) {
            UUID[] chunk = ids.subList(from, Math.min(ids.size(), from + ChunkedRead.CHUNK_ROWS)).stream()
                    .map(TargetId::value).toArray(UUID[]::new);
            chain = chain.compose(v -> pool.preparedQuery("SELECT " + COLUMNS + ", " + STAMP + " FROM targets WHERE enabled AND id = ANY($1)")
                    .execute(Tuple.of(chunk))
                    .map(rows -> {
                        rows.forEach(row -> found.add(stamped(row)));
                        return null;
                    }));
        }
        return chain.map(found);
    }

    private Stamped stamped(Row row) {
        return new Stamped(toTarget(row), row.getLong("stamp"));
    }

    private Future<Optional<Target>> one(String sql, Tuple params, String name, String key) {
        return pool.preparedQuery(sql).execute(params)
                .recover(error -> Future.failedFuture(conflict(error, name, key)))
                .map(this::first);
    }

    /**
     * {@code error} as {@link TargetKeyTakenException} or {@link TargetNameTakenException} when it is
     * a unique violation of the key or name ({@code key}, {@code name}: the values written, or
     * {@code null} when unknown); otherwise {@code error} itself.
     */
    static Throwable conflict(Throwable error, String name, String key) {
        if (!(error instanceof PgException pg) || !UNIQUE_VIOLATION.equals(pg.getSqlState())) {
            return error;
        }
        if (KEY_UNIQUE.equals(pg.getConstraint())) {
            return new TargetKeyTakenException(key);
        }
        return NAME_UNIQUE.equals(pg.getConstraint()) ? new TargetNameTakenException(name) : error;
    }

    void addDraft(Tuple params, TargetId id, TargetDraft draft) {
        params.addString(draft.name())
                .addString(draft.spec().kind().wire())
                .addString(sealer.seal(id, draft.spec()))
                .addInteger(draft.intervalS())
                .addInteger(draft.timeoutMs())
                .addArrayOfString(draft.regions().stream().map(RegionId::value).toArray(String[]::new))
                .addArrayOfString(draft.tags().stream().sorted().toArray(String[]::new))
                .addBoolean(draft.enabled())
                .addString(IncidentRulesCodec.tree(draft.rules()).toString());
    }

    Optional<Target> first(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? Optional.of(toTarget(iterator.next())) : Optional.empty();
    }

    /** The rows as targets, in order. */
    List<Target> all(RowSet<Row> rows) {
        List<Target> targets = new ArrayList<>(rows.size());
        rows.forEach(row -> targets.add(toTarget(row)));
        return targets;
    }

    Target toTarget(Row row) {
        CheckKind kind = CheckKind.fromWire(row.getString("kind"));
        TargetId id = new TargetId(row.getUUID("id"));
        try {
            return new Target(
                    id,
                    new OrgId(row.getUUID("org_id")),
                    row.getString("key"),
                    row.getString("name"),
                    sealer.open(id, kind, row.getString("spec")),
                    Duration.ofSeconds(row.getInteger("interval_s")),
                    Duration.ofMillis(row.getInteger("timeout_ms")),
                    Arrays.stream(row.getArrayOfStrings("regions")).map(RegionId::new).toList(),
                    new HashSet<>(Arrays.asList(row.getArrayOfStrings("tags"))),
                    row.getBoolean("enabled"),
                    row.getOffsetDateTime("created_at").toInstant(),
                    row.getOffsetDateTime("updated_at").toInstant(),
                    row.getLong("version"),
                    rules(id, row.getString("incident_rules")));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored spec of target " + row.getUUID("id") + " does not parse", e);
        }
    }

    /** The stored incident rules; they were valid when written, so a field error here is a damaged row. */
    private static IncidentRules rules(TargetId id, String json) throws JsonProcessingException {
        List<FieldError> errors = new ArrayList<>();
        IncidentRules rules = IncidentRulesCodec.read(Json.MAPPER.readTree(json), errors);
        if (!errors.isEmpty()) {
            throw new IllegalStateException("stored incident_rules of target " + id + " are invalid: " + errors);
        }
        return rules;
    }

    /**
     * The ids of {@code org}'s targets whose key is one of {@code keys}, by key: a target names its
     * parent by key ({@code incident_rules.parent}).
     */
    public Future<Map<String, TargetId>> idsByKey(OrgId org, Collection<String> keys) {
        if (keys.isEmpty()) {
            return Future.succeededFuture(Map.of());
        }
        return pool.preparedQuery("SELECT key, id FROM targets WHERE org_id = $1 AND key = ANY($2)")
                .execute(Tuple.tuple().addUUID(org.value()).addArrayOfString(keys.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, TargetId> found = new HashMap<>();
                    rows.forEach(row -> found.put(row.getString("key"), new TargetId(row.getUUID("id"))));
                    return found;
                });
    }

    private static String likeEscape(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
