package dev.heliograph.controlplane.auth;

import dev.heliograph.controlplane.api.Role;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.Uuid7;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Orgs and their API keys in PostgreSQL ({@code orgs}, {@code api_keys}). Every key method takes
 * the caller's org, except {@link #findByHash}, which is how a request finds its org. Failures are
 * failed futures with the driver's exception, except where a method names an outcome.
 */
public final class PgApiKeyStore {
    private static final String KEY_COLUMNS = "id, org_id, name, role, prefix, created_at, expires_at, revoked_at";

    private final Pool pool;

    public PgApiKeyStore(Pool pool) {
        this.pool = pool;
    }

    /** Stores a new key's hash for {@code org}; the key itself is never stored. */
    public Future<ApiKeyInfo> create(OrgId org, String key, String name, Role role, Instant expiresAt) {
        return pool.preparedQuery("INSERT INTO api_keys (id, org_id, name, role, prefix, key_hash, expires_at) "
                        + "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + KEY_COLUMNS)
                .execute(Tuple.from(new Object[] {Uuid7.next(), org.value(), name, role.wire(), ApiKeys.shown(key),
                        Buffer.buffer(ApiKeys.hash(key)), utc(expiresAt)}))
                .map(rows -> key(rows.iterator().next()));
    }

    /** The key with this SHA-256, whatever its state (the caller checks {@link ApiKeyInfo#activeAt}). */
    public Future<Optional<ApiKeyInfo>> findByHash(byte[] hash) {
        return pool.preparedQuery("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE key_hash = $1")
                .execute(Tuple.of(Buffer.buffer(hash)))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(key(rows.iterator().next())));
    }

    /** One of {@code org}'s keys, or empty (also for another org's key). */
    public Future<Optional<ApiKeyInfo>> get(OrgId org, UUID id) {
        return pool.preparedQuery("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE org_id = $1 AND id = $2")
                .execute(Tuple.of(org.value(), id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(key(rows.iterator().next())));
    }

    /** {@code org}'s keys in creation order after {@code after} ({@code null}: from the start); at most {@code limit}. */
    public Future<List<ApiKeyInfo>> list(OrgId org, UUID after, int limit) {
        return pool.preparedQuery("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE org_id = $1 AND ($2::uuid IS NULL OR id > $2) "
                        + "ORDER BY id LIMIT $3")
                .execute(Tuple.of(org.value(), after, limit))
                .map(rows -> {
                    List<ApiKeyInfo> keys = new ArrayList<>();
                    rows.forEach(row -> keys.add(key(row)));
                    return keys;
                });
    }

    /** Revokes one of {@code org}'s keys at {@code now}; empty when {@code org} has no such key. Revoking twice keeps the first time. */
    public Future<Optional<ApiKeyInfo>> revoke(OrgId org, UUID id, Instant now) {
        return pool.preparedQuery("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $3) WHERE org_id = $1 AND id = $2 "
                        + "RETURNING " + KEY_COLUMNS)
                .execute(Tuple.of(org.value(), id, utc(now)))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(key(rows.iterator().next())));
    }

    /**
     * Creates an org and, when {@code adminKey} is not {@code null}, its first admin key, in one
     * transaction; empty when the name is taken (then nothing is written).
     */
    public Future<Optional<OrgInfo>> createOrg(String name, String adminKey) {
        return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO orgs (id, name) VALUES ($1, $2) "
                        + "ON CONFLICT (name) DO NOTHING RETURNING id, name, created_at")
                .execute(Tuple.of(Uuid7.next(), name))
                .compose(rows -> {
                    if (rows.size() == 0) {
                        return Future.succeededFuture(Optional.<OrgInfo>empty());
                    }
                    OrgInfo org = org(rows.iterator().next());
                    if (adminKey == null) {
                        return Future.succeededFuture(Optional.of(org));
                    }
                    return conn.preparedQuery("INSERT INTO api_keys (id, org_id, name, role, prefix, key_hash) "
                                    + "VALUES ($1, $2, 'first admin key', 'admin', $3, $4)")
                            .execute(Tuple.of(Uuid7.next(), org.id().value(), ApiKeys.shown(adminKey),
                                    Buffer.buffer(ApiKeys.hash(adminKey))))
                            .map(done -> Optional.of(org));
                }));
    }

    /** What {@link #bootstrap} stored: the key, and whether it was generated (else it was the configured one). */
    public record Bootstrapped(String key, boolean generated) {
    }

    /**
     * Gives the operator org its first admin key: when the org has no admin key at all (not even an
     * expired or revoked one), stores {@code configuredKey} ({@code api.bootstrap_key}), or a new
     * random key when that is blank, and answers what it stored. Answers empty otherwise: keys are
     * never minted again at a later start; {@code heliograph admin create-key} replaces lost ones.
     */
    public Future<Optional<Bootstrapped>> bootstrap(String configuredKey) {
        boolean generate = configuredKey == null || configuredKey.isBlank();
        String key = generate ? ApiKeys.generate() : configuredKey;
        return pool.preparedQuery("SELECT count(*) FROM api_keys WHERE org_id = $1 AND role = 'admin'")
                .execute(Tuple.of(OrgId.DEFAULT.value()))
                .compose(rows -> rows.iterator().next().getLong(0) > 0
                        ? Future.succeededFuture(Optional.<Bootstrapped>empty())
                        : create(OrgId.DEFAULT, key, "bootstrap admin key", Role.ADMIN, null)
                                .map(created -> Optional.of(new Bootstrapped(key, generate))));
    }

    /** The org named {@code name}, or empty. */
    public Future<Optional<OrgInfo>> orgByName(String name) {
        return pool.preparedQuery("SELECT id, name, created_at FROM orgs WHERE name = $1")
                .execute(Tuple.of(name))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(org(rows.iterator().next())));
    }

    /** One org, or empty. */
    public Future<Optional<OrgInfo>> org(OrgId id) {
        return pool.preparedQuery("SELECT id, name, created_at FROM orgs WHERE id = $1")
                .execute(Tuple.of(id.value()))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(org(rows.iterator().next())));
    }

    /** Orgs by name after {@code after} ({@code null}: from the start); at most {@code limit}. */
    public Future<List<OrgInfo>> listOrgs(String after, int limit) {
        return pool.preparedQuery("SELECT id, name, created_at FROM orgs WHERE $1::text IS NULL OR name > $1 ORDER BY name LIMIT $2")
                .execute(Tuple.of(after, limit))
                .map(rows -> {
                    List<OrgInfo> orgs = new ArrayList<>();
                    rows.forEach(row -> orgs.add(org(row)));
                    return orgs;
                });
    }

    private static ApiKeyInfo key(Row row) {
        return new ApiKeyInfo(row.getUUID("id"), new OrgId(row.getUUID("org_id")), row.getString("name"),
                Role.parse(row.getString("role")), row.getString("prefix"), instant(row.getOffsetDateTime("created_at")),
                instant(row.getOffsetDateTime("expires_at")), instant(row.getOffsetDateTime("revoked_at")));
    }

    private static OrgInfo org(Row row) {
        return new OrgInfo(new OrgId(row.getUUID("id")), row.getString("name"), instant(row.getOffsetDateTime("created_at")));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
