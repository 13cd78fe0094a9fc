package dev.heliograph.controlplane.agents;

import dev.heliograph.domain.RegionId;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgException;
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
 * Regions, registration tokens and agents in PostgreSQL. Failures are failed futures with the
 * driver's exception, except where a method names an outcome (a taken name, a region in use).
 */
public final class AgentStore {
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String AGENT_COLUMNS =
            "id, name, region, version, signing_key, registered_at, last_seen, status, last_batch_seq";
    private static final String TOKEN_COLUMNS =
            "id, region, description, created_at, expires_at, used_at, used_by, revoked_at";

    private final Pool pool;

    public AgentStore(Pool pool) {
        this.pool = pool;
    }

    /** Creates {@code region} unless it exists (the control plane's own region at start-up). */
    public Future<Void> ensureRegion(RegionId region, String description) {
        return pool.preparedQuery("INSERT INTO regions (name, description) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                .execute(Tuple.of(region.value(), description)).mapEmpty();
    }

    /** Creates a region; empty when the name is taken. */
    public Future<Optional<RegionInfo>> createRegion(RegionId region, String description) {
        return pool.preparedQuery("INSERT INTO regions (name, description) VALUES ($1, $2) RETURNING name, description, created_at")
                .execute(Tuple.of(region.value(), description))
                .map(rows -> Optional.of(region(rows.iterator().next())))
                .recover(error -> error instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
                        ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(error));
    }

    /** Regions by name, after {@code after} (or from the start when {@code null}); at most {@code limit}. */
    public Future<List<RegionInfo>> listRegions(String after, int limit) {
        return pool.preparedQuery("SELECT name, description, created_at FROM regions WHERE $1::text IS NULL OR name > $1 "
                        + "ORDER BY name LIMIT $2")
                .execute(Tuple.of(after, limit))
                .map(rows -> {
                    List<RegionInfo> regions = new ArrayList<>();
                    rows.forEach(row -> regions.add(region(row)));
                    return regions;
                });
    }

    /** The names of every region. */
    public Future<List<RegionId>> regionNames() {
        return pool.query("SELECT name FROM regions").execute().map(rows -> {
            List<RegionId> names = new ArrayList<>();
            rows.forEach(row -> names.add(new RegionId(row.getString(0))));
            return names;
        });
    }

    /** One region, or empty. */
    public Future<Optional<RegionInfo>> region(RegionId region) {
        return pool.preparedQuery("SELECT name, description, created_at FROM regions WHERE name = $1")
                .execute(Tuple.of(region.value()))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(region(rows.iterator().next())));
    }

    /** What deleting a region did. */
    public enum RegionDeletion { DELETED, NOT_FOUND, IN_USE }

    /**
     * Deletes a region unless a target is checked from it or an agent is registered in it (then
     * {@code IN_USE}, nothing changes). Its registration tokens go with it.
     */
    public Future<RegionDeletion> deleteRegion(RegionId region) {
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT name FROM regions WHERE name = $1 FOR UPDATE")
                .execute(Tuple.of(region.value()))
                .compose(found -> {
                    if (found.size() == 0) {
                        return Future.succeededFuture(RegionDeletion.NOT_FOUND);
                    }
                    return conn.preparedQuery("SELECT (SELECT count(*) FROM targets WHERE $1 = ANY(regions)) "
                                    + "+ (SELECT count(*) FROM agents WHERE region = $1)")
                            .execute(Tuple.of(region.value()))
                            .compose(uses -> uses.iterator().next().getLong(0) > 0
                                    ? Future.succeededFuture(RegionDeletion.IN_USE)
                                    : conn.preparedQuery("DELETE FROM regions WHERE name = $1").execute(Tuple.of(region.value()))
                                    .map(RegionDeletion.DELETED));
                }));
    }

    /** Stores a token's hash; the token itself is never stored. */
    public Future<TokenInfo> createToken(RegionId region, byte[] tokenHash, String description, Instant expiresAt) {
        return pool.preparedQuery("INSERT INTO registration_tokens (id, region, token_hash, description, expires_at) "
                        + "VALUES ($1, $2, $3, $4, $5) RETURNING " + TOKEN_COLUMNS)
                .execute(Tuple.of(UUID.randomUUID(), region.value(), Buffer.buffer(tokenHash), description, utc(expiresAt)))
                .map(rows -> token(rows.iterator().next()));
    }

    /** A region's tokens in creation order after {@code after}; at most {@code limit}. */
    public Future<List<TokenInfo>> listTokens(RegionId region, Instant afterCreated, UUID afterId, int limit) {
        return pool.preparedQuery("SELECT " + TOKEN_COLUMNS + " FROM registration_tokens WHERE region = $1 "
                        + "AND ($2::timestamptz IS NULL OR (created_at, id) > ($2, $3)) ORDER BY created_at, id LIMIT $4")
                .execute(Tuple.of(region.value(), afterCreated == null ? null : utc(afterCreated), afterId, limit))
                .map(rows -> {
                    List<TokenInfo> tokens = new ArrayList<>();
                    rows.forEach(row -> tokens.add(token(row)));
                    return tokens;
                });
    }

    /** Revokes an unused token; {@code false} when the region has no such token. */
    public Future<Boolean> revokeToken(RegionId region, UUID id) {
        return pool.preparedQuery("UPDATE registration_tokens SET revoked_at = coalesce(revoked_at, now()) "
                        + "WHERE region = $1 AND id = $2")
                .execute(Tuple.of(region.value(), id))
                .map(rows -> rows.rowCount() > 0);
    }

    /**
     * Redeems a token for a new agent in one transaction: the token must be unused, unrevoked and
     * unexpired, and is marked used by the agent. Empty when the token is not (or no longer) valid.
     */
    public Future<Optional<AgentRecord>> register(byte[] tokenHash, String name, String version, byte[] signingKey) {
        UUID agentId = UUID.randomUUID();
        return pool.withTransaction(conn -> conn.preparedQuery("UPDATE registration_tokens SET used_at = now(), used_by = $2 "
                        + "WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now() RETURNING region")
                .execute(Tuple.of(Buffer.buffer(tokenHash), agentId))
                .compose(redeemed -> {
                    if (redeemed.size() == 0) {
                        return Future.succeededFuture(Optional.<AgentRecord>empty());
                    }
                    String region = redeemed.iterator().next().getString(0);
                    return conn.preparedQuery("INSERT INTO agents (id, name, region, version, signing_key) "
                                    + "VALUES ($1, $2, $3, $4, $5) RETURNING " + AGENT_COLUMNS)
                            .execute(Tuple.of(agentId, name, region, version, Buffer.buffer(signingKey)))
                            .map(rows -> Optional.of(agent(rows.iterator().next())));
                }));
    }

    /** Every registered agent. */
    public Future<List<AgentRecord>> agents() {
        return pool.query("SELECT " + AGENT_COLUMNS + " FROM agents").execute().map(rows -> {
            List<AgentRecord> agents = new ArrayList<>();
            rows.forEach(row -> agents.add(agent(row)));
            return agents;
        });
    }

    /** Deletes an agent (its key stops working); {@code false} when there was none. */
    public Future<Boolean> deleteAgent(UUID id) {
        return pool.preparedQuery("DELETE FROM agents WHERE id = $1").execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
    }

    /** One agent's state to write back from memory. */
    public record AgentSync(UUID id, Instant lastSeen, AgentStatus status, long lastBatchSeq) {
    }

    /** Writes back last_seen, status and last_batch_seq of many agents in one statement. */
    public Future<Void> sync(List<AgentSync> agents) {
        if (agents.isEmpty()) {
            return Future.succeededFuture();
        }
        UUID[] ids = agents.stream().map(AgentSync::id).toArray(UUID[]::new);
        OffsetDateTime[] seen = agents.stream().map(a -> utc(a.lastSeen())).toArray(OffsetDateTime[]::new);
        String[] statuses = agents.stream().map(a -> a.status().wire()).toArray(String[]::new);
        Long[] seqs = agents.stream().map(AgentSync::lastBatchSeq).toArray(Long[]::new);
        return pool.preparedQuery("UPDATE agents a SET last_seen = greatest(a.last_seen, s.last_seen), status = s.status, "
                        + "last_batch_seq = greatest(a.last_batch_seq, s.seq) "
                        + "FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::bigint[]) AS s(id, last_seen, status, seq) "
                        + "WHERE a.id = s.id")
                .execute(Tuple.of(ids, seen, statuses, seqs))
                .mapEmpty();
    }

    /** Records the highest acknowledged result sequence of one agent. */
    public Future<Void> acknowledged(UUID id, long lastBatchSeq) {
        return pool.preparedQuery("UPDATE agents SET last_batch_seq = greatest(last_batch_seq, $2) WHERE id = $1")
                .execute(Tuple.of(id, lastBatchSeq)).mapEmpty();
    }

    private static RegionInfo region(Row row) {
        return new RegionInfo(row.getString("name"), row.getString("description"),
                row.getOffsetDateTime("created_at").toInstant());
    }

    private static TokenInfo token(Row row) {
        return new TokenInfo(row.getUUID("id"), row.getString("region"), row.getString("description"),
                instant(row, "created_at"), instant(row, "expires_at"), instant(row, "used_at"), row.getUUID("used_by"),
                instant(row, "revoked_at"));
    }

    private static AgentRecord agent(Row row) {
        return new AgentRecord(row.getUUID("id"), row.getString("name"), new RegionId(row.getString("region")),
                row.getString("version"), row.getBuffer("signing_key").getBytes(), instant(row, "registered_at"),
                instant(row, "last_seen"), AgentStatus.fromWire(row.getString("status")), row.getLong("last_batch_seq"));
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
