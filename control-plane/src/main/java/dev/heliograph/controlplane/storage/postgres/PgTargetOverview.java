package dev.heliograph.controlplane.storage.postgres;

import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.TargetId;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Read-only summaries of an org's targets in PostgreSQL: its tags with counts, and the few facts per
 * target that the dashboard needs. Every method takes the caller's {@link OrgId}. Failures are failed
 * futures with the driver's exception.
 */
public final class PgTargetOverview {
    /** Rows per round trip of {@link #facts}: these rows are small, so more of them fit the same few ms. */
    static final int FACT_CHUNK_ROWS = 5_000;
    private final Pool pool;

    public PgTargetOverview(Pool pool) {
        this.pool = pool;
    }

    /** One tag of an org and how many of its targets (enabled or not) carry it. */
    public record TagCount(String tag, long targets) {
    }

    /** What the dashboard needs of one target. */
    public record TargetFacts(TargetId id, List<RegionId> regions, boolean enabled, int intervalS, int timeoutMs) {
    }

    /**
     * {@code org}'s tags after {@code after} ({@code null}: from the first) in byte order (tags are
     * ASCII, so {@code "Prod"} sorts before {@code "dev"}), at most {@code limit} of them.
     */
    public Future<List<TagCount>> tags(OrgId org, String after, int limit) {
        String sql = "SELECT tag, count(DISTINCT id) AS targets FROM targets, unnest(tags) AS tag "
                + "WHERE org_id = $1 AND ($2::text IS NULL OR tag COLLATE \"C\" > $2::text) "
                + "GROUP BY tag ORDER BY tag COLLATE \"C\" LIMIT $3";
        return pool.preparedQuery(sql).execute(Tuple.of(org.value(), after, limit)).map(rows -> {
            List<TagCount> tags = new ArrayList<>(rows.size());
            rows.forEach(row -> tags.add(new TagCount(row.getString("tag"), row.getLong("targets"))));
            return tags;
        });
    }

    /**
     * Every target of {@code org}, enabled or not, in no particular order; read in chunks
     * ({@link ChunkedRead}), so that an org of many targets never holds the API's event loop for long.
     */
    public Future<List<TargetFacts>> facts(OrgId org) {
        return ChunkedRead.all(pool, "SELECT id, regions, enabled, interval_s, timeout_ms FROM targets WHERE org_id = $1",
                Tuple.of(org.value()), FACT_CHUNK_ROWS, row -> new TargetFacts(new TargetId(row.getUUID("id")),
                        Arrays.stream(row.getArrayOfStrings("regions")).map(RegionId::new).toList(),
                        row.getBoolean("enabled"), row.getInteger("interval_s"), row.getInteger("timeout_ms")));
    }
}
