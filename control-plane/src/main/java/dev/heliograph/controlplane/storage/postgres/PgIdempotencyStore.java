package dev.heliograph.controlplane.storage.postgres;

import dev.heliograph.domain.OrgId;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/**
 * Idempotency keys in PostgreSQL ({@code idempotency_keys}, migration V4). The row of an
 * {@code (org, key)} is the lock of its request: {@link #claim} inserts it with an {@code INSERT ...
 * ON CONFLICT}, so that of two concurrent requests exactly one gets the claim, on one control plane
 * or on several sharing the database. All times come from the caller's clock. Failures are failed
 * futures with the driver's exception.
 */
public final class PgIdempotencyStore {
    private static final String COLUMNS = "fingerprint, owner, locked_until, status, content_type, location, body, expires_at";

    private final Pool pool;

    public PgIdempotencyStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * A claim to make: whose, which key, for which request, by which owner, how long the lease and
     * the key last.
     *
     * @param route       the route's name ({@code "POST /api/v1/targets"}), kept for diagnostics
     * @param fingerprint SHA-256 of the request (32 bytes)
     * @param owner       a random id of this one request
     */
    public record Claim(OrgId org, String key, String route, byte[] fingerprint, UUID owner, Instant now,
                        Instant lockedUntil, Instant expiresAt) {
    }

    /**
     * What is stored under a key.
     *
     * @param status      the answer's HTTP status, or {@code null} while the first request runs
     * @param contentType the answer's {@code Content-Type}, or {@code null}
     * @param location    the answer's {@code Location}, or {@code null}
     * @param body        the answer's bytes (empty when there was no body; {@code null} while running)
     */
    public record Stored(byte[] fingerprint, UUID owner, Instant lockedUntil, Integer status, String contentType,
                         String location, byte[] body, Instant expiresAt) {
        /** Whether the first request has answered. */
        public boolean finished() {
            return status != null;
        }
    }

    /**
     * Tries to claim a key: succeeds with {@code true} when the row was inserted, or when it replaced
     * a row that had expired at {@code claim.now()} or whose request (same fingerprint) stopped renewing
     * its lease before then (its process died); {@code false} when another request holds or answered it.
     */
    public Future<Boolean> claim(Claim claim) {
        String sql = "INSERT INTO idempotency_keys (org_id, key, route, fingerprint, owner, locked_until, created_at, expires_at) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                + "ON CONFLICT (org_id, key) DO UPDATE SET route = EXCLUDED.route, fingerprint = EXCLUDED.fingerprint, "
                + "owner = EXCLUDED.owner, locked_until = EXCLUDED.locked_until, status = NULL, content_type = NULL, "
                + "location = NULL, body = NULL, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at "
                + "WHERE idempotency_keys.expires_at <= EXCLUDED.created_at OR (idempotency_keys.status IS NULL "
                + "AND idempotency_keys.locked_until <= EXCLUDED.created_at AND idempotency_keys.fingerprint = EXCLUDED.fingerprint) "
                + "RETURNING owner";
        Tuple params = Tuple.from(new Object[] {claim.org().value(), claim.key(), claim.route(), Buffer.buffer(claim.fingerprint()),
                claim.owner(), utc(claim.lockedUntil()), utc(claim.now()), utc(claim.expiresAt())});
        return pool.preparedQuery(sql).execute(params)
                .map(rows -> rows.size() == 1 && claim.owner().equals(rows.iterator().next().getUUID("owner")));
    }

    /** The row of {@code (org, key)}, or empty (never claimed, released, or pruned). */
    public Future<Optional<Stored>> find(OrgId org, String key) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM idempotency_keys WHERE org_id = $1 AND key = $2")
                .execute(Tuple.of(org.value(), key))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(stored(rows.iterator().next())));
    }

    /** Extends the lease of {@code owner}'s claim to {@code until}; {@code false} when it no longer holds it. */
    public Future<Boolean> renew(OrgId org, String key, UUID owner, Instant until) {
        return pool.preparedQuery("UPDATE idempotency_keys SET locked_until = $4 WHERE org_id = $1 AND key = $2 AND owner = $3 "
                        + "AND status IS NULL")
                .execute(Tuple.of(org.value(), key, owner, utc(until)))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * Stores the answer of {@code owner}'s claim; {@code false} when it no longer holds the claim (its
     * lease ran out and another request took the key over).
     */
    public Future<Boolean> finish(OrgId org, String key, UUID owner, int status, String contentType, String location, byte[] body) {
        return pool.preparedQuery("UPDATE idempotency_keys SET status = $4, content_type = $5, location = $6, body = $7 "
                        + "WHERE org_id = $1 AND key = $2 AND owner = $3 AND status IS NULL")
                .execute(Tuple.from(new Object[] {org.value(), key, owner, status, contentType, location, Buffer.buffer(body)}))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Deletes {@code owner}'s unfinished claim, so that the next request with the key runs again. */
    public Future<Boolean> release(OrgId org, String key, UUID owner) {
        return pool.preparedQuery("DELETE FROM idempotency_keys WHERE org_id = $1 AND key = $2 AND owner = $3 AND status IS NULL")
                .execute(Tuple.of(org.value(), key, owner))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Deletes every key that expired at or before {@code now}; completes with how many. */
    public Future<Integer> prune(Instant now) {
        return pool.preparedQuery("DELETE FROM idempotency_keys WHERE expires_at <= $1")
                .execute(Tuple.of(utc(now)))
                .map(rows -> rows.rowCount());
    }

    private static Stored stored(Row row) {
        Buffer body = row.getBuffer("body");
        return new Stored(row.getBuffer("fingerprint").getBytes(), row.getUUID("owner"),
                row.getOffsetDateTime("locked_until").toInstant(), row.getInteger("status"), row.getString("content_type"),
                row.getString("location"), body == null ? null : body.getBytes(), row.getOffsetDateTime("expires_at").toInstant());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
