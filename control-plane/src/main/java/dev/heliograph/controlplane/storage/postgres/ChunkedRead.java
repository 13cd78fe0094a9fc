package dev.heliograph.controlplane.storage.postgres;

import io.vertx.core.Future;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reads a large result (every target of the platform or of an org) through a PostgreSQL cursor, a
 * chunk of rows per round trip, instead of in one answer. The pool's connections, and so the
 * decoding of their rows and the callbacks that map them, share the event loop that serves the REST
 * API; one answer of 100,000 targets held that loop for most of a second (the registry's re-read
 * every {@code scheduler.refresh_interval_s}, issue 6). Between chunks the loop serves requests, so
 * a request waits at most for one chunk. The rows still come from one statement, so the result is
 * one consistent snapshot, as before.
 */
final class ChunkedRead {
    /** Rows per round trip: about 5-10 ms of decoding for target rows with their specs. */
    static final int CHUNK_ROWS = 1_000;

    private ChunkedRead() {
    }

    /**
     * Every row of {@code sql} with {@code params}, each mapped by {@code map}, in the statement's
     * order; read in a transaction (cursors need one) in chunks of {@code chunkRows}. Fails with the
     * driver's exception, or with what {@code map} throws.
     */
    static <T> Future<List<T>> all(Pool pool, String sql, Tuple params, int chunkRows, Function<Row, T> map) {
        List<T> items = new ArrayList<>();
        return each(pool, sql, params, chunkRows, row -> items.add(map.apply(row))).map(done -> items);
    }

    /**
     * Hands every row of {@code sql} with {@code params} to {@code each}, in the statement's order,
     * a chunk of {@code chunkRows} per round trip (so the work {@code each} does is spread over the
     * chunks too). Fails with the driver's exception, or with what {@code each} throws.
     */
    static Future<Void> each(Pool pool, String sql, Tuple params, int chunkRows, Consumer<Row> each) {
        // The prepared statement is named on the server and outlives the cursor: close it too, or
        // every read would leave one behind on the pooled connection.
        return pool.withTransaction(conn -> conn.prepare(sql)
                .compose(statement -> {
                    Cursor cursor = statement.cursor(params);
                    return readRest(cursor, chunkRows, each).eventually(cursor::close).eventually(statement::close);
                }));
    }

    private static Future<Void> readRest(Cursor cursor, int chunkRows, Consumer<Row> each) {
        return cursor.read(chunkRows).compose(rows -> {
            rows.forEach(each);
            return cursor.hasMore() ? readRest(cursor, chunkRows, each) : Future.<Void>succeededFuture();
        });
    }
}
