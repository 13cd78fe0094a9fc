package dev.heliograph.controlplane.storage.postgres;

import dev.heliograph.domain.OrgId;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.function.Function;

/**
 * Postgres transactions that change many configuration rows of one org at once (bulk target
 * changes, target file and alerting file applies), each all or nothing. Such transactions of one
 * org run one at a time: each first takes a transaction-scoped advisory lock on the org
 * ({@code pg_advisory_xact_lock}, released by the commit or rollback), because two of them locking
 * overlapping rows in different orders would deadlock, and a second apply planned on a snapshot
 * without the first one's new rows would answer a false conflict or create an item twice. Target
 * and alerting applies share the lock, so that an alerting file resolves target keys against a
 * target set that no apply is changing. Transactions of different orgs do not wait for each other
 * (unless their 64-bit lock keys collide, which only costs a wait).
 */
public final class OrgTransactions {
    private final Pool pool;

    public OrgTransactions(Pool pool) {
        this.pool = pool;
    }

    /**
     * Runs {@code work} on one connection in one transaction of {@code org}, after the org's lock:
     * committed when its future succeeds, rolled back when it fails (with its failure; also a
     * failure of the commit, such as a deferred unique violation).
     */
    public <T> Future<T> run(OrgId org, Function<SqlConnection, Future<T>> work) {
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(lockKey(org)))
                .compose(locked -> work.apply(conn)));
    }

    /** The advisory lock key of {@code org}: the two halves of its UUID folded into 64 bits. */
    static long lockKey(OrgId org) {
        return org.value().getMostSignificantBits() ^ org.value().getLeastSignificantBits();
    }
}
