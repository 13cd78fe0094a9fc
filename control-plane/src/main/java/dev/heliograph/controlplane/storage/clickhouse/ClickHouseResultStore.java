package dev.heliograph.controlplane.storage.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.command.CommandSettings;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.heliograph.probe.codec.Json;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.TargetId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Check results in ClickHouse, through the official client ({@code client-v2}), which blocks: every
 * call runs on the named worker pool {@code clickhouse} with unordered {@code executeBlocking}, so
 * no event loop waits. SQL stays within what ClickHouse 18.16 understands (no query parameters:
 * values go through {@link ClickHouseSql}; results are read as JSONEachRow, written as RowBinary).
 *
 * <p>Failures are failed futures carrying the client's exception.
 */
public final class ClickHouseResultStore implements AutoCloseable {
    /** DDL files applied in this order at start-up; a test keeps the list equal to the folder. */
    public static final List<String> MIGRATIONS = List.of("001_check_results.sql", "002_check_results_1m.sql");
    /** Result ids per look-up query of {@link #insertMissing}: about 40 KiB of SQL. */
    static final int ID_LOOKUP_CHUNK = 1_000;

    private final Client client;
    private final WorkerExecutor workers;
    private final String database;
    private final long timeoutMs;

    private ClickHouseResultStore(Client client, WorkerExecutor workers, String database, long timeoutMs) {
        this.client = client;
        this.workers = workers;
        this.database = database;
        this.timeoutMs = timeoutMs;
    }

    /** A store for {@code config}; opens no connection until first used. */
    public static ClickHouseResultStore create(Vertx vertx, HeliographConfig.ClickHouse config) {
        Client client = new Client.Builder()
                .addEndpoint(config.url())
                .setUsername(config.user())
                .setPassword(config.password())
                .setDefaultDatabase(config.database())
                // client-v2 names the database in an X-ClickHouse-Database header, which 18.16
                // ignores; the `database` URL parameter works on every version.
                .serverSetting("database", config.database())
                .compressServerResponse(false) // ClickHouse 18.16 returns empty bodies with it on
                .setConnectTimeout(Math.min(config.timeoutMs(), 5_000))
                .setSocketTimeout(config.timeoutMs())
                .setMaxConnections(8)
                // Never resend by itself: an INSERT whose answer was lost may have been stored, and
                // only insertMissing() can tell (MergeTree does not deduplicate).
                .setMaxRetries(0)
                .build();
        WorkerExecutor workers = vertx.createSharedWorkerExecutor("clickhouse", 4, config.timeoutMs() + 5_000L, TimeUnit.MILLISECONDS);
        return new ClickHouseResultStore(client, workers, config.database(), config.timeoutMs());
    }

    /** Creates the database and applies every DDL file of {@link #MIGRATIONS} in order (idempotent). */
    public Future<Void> migrate() {
        return blocking(() -> {
            CommandSettings bootstrap = new CommandSettings();
            bootstrap.setDatabase("default");
            bootstrap.serverSetting("database", "default"); // ours may not exist yet
            client.execute("CREATE DATABASE IF NOT EXISTS " + database, bootstrap).get(timeoutMs, TimeUnit.MILLISECONDS).close();
            for (String file : MIGRATIONS) {
                for (String statement : statements(file)) {
                    client.execute(statement).get(timeoutMs, TimeUnit.MILLISECONDS).close();
                }
            }
            return null;
        });
    }

    /** Whether the server answers a trivial query. */
    public Future<Void> ping() {
        return blocking(() -> {
            query("SELECT 1 AS one FORMAT JSONEachRow");
            return null;
        });
    }

    /** Appends {@code results} to {@code check_results} in one INSERT ({@link ResultRows}: RowBinary). */
    public Future<Void> insert(List<CheckResult> results) {
        return blocking(() -> {
            insertNow(results);
            return null;
        });
    }

    /**
     * Appends those of {@code results} whose {@code result_id} is not stored yet: the retry of an
     * INSERT that failed without a clear answer (a lost reply, a timeout, a reset), which may or
     * may not have been stored. Looks the ids up within the batch's time range first.
     */
    public Future<Void> insertMissing(List<CheckResult> results) {
        return blocking(() -> {
            Set<String> stored = storedIds(results);
            List<CheckResult> missing = stored.isEmpty() ? results
                    : results.stream().filter(r -> !stored.contains(r.resultId().toString())).toList();
            if (!missing.isEmpty()) {
                insertNow(missing);
            }
            return null;
        });
    }

    /**
     * Those of {@code results} whose {@code result_id} is not stored yet, in their order: used for
     * an agent's resent batch, which an earlier attempt may have stored.
     */
    public Future<List<CheckResult>> missing(List<CheckResult> results) {
        return blocking(() -> {
            Set<String> stored = storedIds(results);
            return stored.isEmpty() ? results
                    : results.stream().filter(r -> !stored.contains(r.resultId().toString())).toList();
        });
    }

    private void insertNow(List<CheckResult> results) throws Exception {
        // Encoded straight into the request body: ClickHouse parses while the rest is encoded.
        client.insert("check_results", ResultRows.COLUMNS, out -> ResultRows.write(results, out), ResultRows.FORMAT,
                new InsertSettings()).get(timeoutMs, TimeUnit.MILLISECONDS).close();
    }

    private Set<String> storedIds(List<CheckResult> results) throws Exception {
        Set<String> stored = new HashSet<>();
        // Chunks keep each query far below ClickHouse's max_query_size (256 KiB on 18.16).
        for (int start = 0; start < results.size(); start += ID_LOOKUP_CHUNK) {
            List<CheckResult> chunk = results.subList(start, Math.min(results.size(), start + ID_LOOKUP_CHUNK));
            long from = chunk.stream().mapToLong(r -> r.startedAt().getEpochSecond()).min().orElse(0);
            long to = chunk.stream().mapToLong(r -> r.startedAt().getEpochSecond()).max().orElse(0);
            String ids = chunk.stream().map(r -> ClickHouseSql.literal(r.resultId().toString())).collect(Collectors.joining(","));
            String sql = "SELECT toString(result_id) AS id FROM check_results WHERE started_at >= " + ClickHouseSql.dateTime(from)
                    + " AND started_at <= " + ClickHouseSql.dateTime(to) + " AND toString(result_id) IN (" + ids + ") FORMAT JSONEachRow";
            for (JsonNode row : query(sql)) {
                stored.add(row.path("id").asText());
            }
        }
        return stored;
    }

    /**
     * Results of one target, newest first, with {@code from <= started_at < to}, continuing after
     * {@code cursor} when given; at most {@code limit}.
     */
    public Future<ResultPage> results(OrgId org, TargetId target, Instant from, Instant to, ResultCursor cursor, int limit) {
        StringBuilder sql = new StringBuilder()
                .append("SELECT toString(result_id) AS result_id, region, agent_id, kind, toString(status) AS status, ")
                .append("started_at_ms, scheduled_at_ms, http_status, error, dns_ms, connect_ms, tls_ms, ttfb_ms, total_ms ")
                .append("FROM check_results WHERE org_id = ").append(ClickHouseSql.uuid(org.value()))
                .append(" AND target_id = ").append(ClickHouseSql.uuid(target.value()))
                .append(" AND started_at >= ").append(ClickHouseSql.dateTime(from.getEpochSecond()))
                .append(" AND started_at <= ").append(ClickHouseSql.dateTime(to.getEpochSecond()))
                .append(" AND started_at_ms >= ").append(from.toEpochMilli())
                .append(" AND started_at_ms < ").append(to.toEpochMilli());
        if (cursor != null) {
            sql.append(" AND (started_at_ms < ").append(cursor.startedAtMs())
                    .append(" OR (started_at_ms = ").append(cursor.startedAtMs())
                    .append(" AND toString(result_id) < ").append(ClickHouseSql.literal(cursor.resultId().toString())).append("))");
        }
        sql.append(" ORDER BY started_at_ms DESC, result_id DESC LIMIT ").append(limit + 1).append(" FORMAT JSONEachRow");
        return blocking(() -> {
            List<CheckResult> items = new ArrayList<>();
            for (JsonNode row : query(sql.toString())) {
                items.add(ResultRows.decode(row, org, target));
            }
            if (items.size() <= limit) {
                return new ResultPage(items, null);
            }
            CheckResult last = items.get(limit - 1);
            return new ResultPage(List.copyOf(items.subList(0, limit)),
                    new ResultCursor(last.startedAt().toEpochMilli(), last.resultId()));
        });
    }

    /** Figures of one target over the last {@code window} (minute resolution), from the rollup. */
    public Future<TargetStats> stats(OrgId org, TargetId target, Instant now, Duration window) {
        return stats(org, target, now, window, ExcludedMinutes.NONE);
    }

    /**
     * Figures of one target over the last {@code window} (minute resolution), from the rollup, leaving
     * out the minutes of {@code excluded} (muted maintenance time) from every figure.
     */
    public Future<TargetStats> stats(OrgId org, TargetId target, Instant now, Duration window, ExcludedMinutes excluded) {
        long fromSec = now.minus(window).getEpochSecond() / 60 * 60;
        String sql = "SELECT * FROM (SELECT countMerge(checks) AS n_checks, sumMerge(up_checks) AS n_up, "
                + "quantilesMerge(0.5, 0.95, 0.99)(latency) AS q FROM check_results_1m WHERE org_id = "
                + ClickHouseSql.uuid(org.value()) + " AND target_id = " + ClickHouseSql.uuid(target.value())
                + " AND minute >= " + ClickHouseSql.dateTime(fromSec) + excluded.sql() + ") WHERE n_checks > 0 FORMAT JSONEachRow";
        return blocking(() -> {
            List<JsonNode> rows = query(sql);
            if (rows.isEmpty()) {
                return new TargetStats(0, 0, null, null, null);
            }
            JsonNode row = rows.getFirst();
            JsonNode latency = row.path("q");
            return new TargetStats(row.path("n_checks").asLong(), row.path("n_up").asLong(),
                    latency.path(0).asDouble(), latency.path(1).asDouble(), latency.path(2).asDouble());
        });
    }

    /**
     * The newest result of each (target, region) of {@code org} among checks that started within
     * {@code [from, to]} (second precision): one {@code argMax} over the raw results, in no order.
     */
    public Future<List<LatestResult>> latestResults(OrgId org, Instant from, Instant to) {
        String sql = "SELECT toString(target_id) AS target, region, toString(argMax(status, started_at_ms)) AS last_status, "
                + "max(started_at_ms) AS last_ms FROM check_results WHERE org_id = " + ClickHouseSql.uuid(org.value())
                + " AND started_at >= " + ClickHouseSql.dateTime(from.getEpochSecond())
                + " AND started_at <= " + ClickHouseSql.dateTime(to.getEpochSecond())
                + " GROUP BY target_id, region FORMAT JSONEachRow";
        return blocking(() -> {
            List<LatestResult> latest = new ArrayList<>();
            for (JsonNode row : query(sql)) {
                latest.add(new LatestResult(TargetId.parse(row.path("target").asText()), new RegionId(row.path("region").asText()),
                        Status.fromWire(row.path("last_status").asText()), Instant.ofEpochMilli(row.path("last_ms").asLong())));
            }
            return latest;
        });
    }

    /** Checks of {@code org} in the minute that starts at {@code minute} (rounded down to whole minutes), from the rollup. */
    public Future<CheckCounts> checksInMinute(OrgId org, Instant minute) {
        long start = minute.getEpochSecond() / 60 * 60;
        String sql = "SELECT countMerge(checks) AS n_checks, sumMerge(up_checks) AS n_up FROM check_results_1m WHERE org_id = "
                + ClickHouseSql.uuid(org.value()) + " AND minute = " + ClickHouseSql.dateTime(start) + " FORMAT JSONEachRow";
        return blocking(() -> {
            List<JsonNode> rows = query(sql);
            JsonNode row = rows.isEmpty() ? Json.MAPPER.missingNode() : rows.getFirst();
            return new CheckCounts(Instant.ofEpochSecond(start), row.path("n_checks").asLong(), row.path("n_up").asLong());
        });
    }

    /** Counts rows of {@code check_results} for one target (diagnostics and tests). */
    public Future<Long> count(OrgId org, TargetId target) {
        String sql = "SELECT count() AS n FROM check_results WHERE org_id = " + ClickHouseSql.uuid(org.value())
                + " AND target_id = " + ClickHouseSql.uuid(target.value()) + " FORMAT JSONEachRow";
        return blocking(() -> query(sql).getFirst().path("n").asLong());
    }

    @Override
    public void close() {
        workers.close();
        client.close();
    }

    private List<JsonNode> query(String sql) throws Exception {
        QuerySettings settings = new QuerySettings().setFormat(ClickHouseFormat.JSONEachRow);
        try (QueryResponse response = client.query(sql, settings).get(timeoutMs, TimeUnit.MILLISECONDS);
             InputStream body = response.getInputStream();
             MappingIterator<JsonNode> rows = Json.MAPPER.readerFor(JsonNode.class).readValues(body)) {
            return rows.readAll();
        }
    }

    private <T> Future<T> blocking(Callable<T> work) {
        return workers.executeBlocking(work, false);
    }

    private static List<String> statements(String file) {
        String path = "migrations/clickhouse/" + file;
        try (InputStream in = ClickHouseResultStore.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing migration " + path);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> statements = new ArrayList<>();
            for (String part : text.split(";\\s*(\\n|$)")) {
                String sql = stripComments(part).trim();
                if (!sql.isEmpty()) {
                    statements.add(sql);
                }
            }
            return statements;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String stripComments(String sql) {
        StringBuilder out = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (!line.trim().startsWith("--")) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }
}
