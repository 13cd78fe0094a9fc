-- Heliograph ClickHouse schema, step 2: per-minute rollup of check_results.
--
-- check_results_1m: one row per (org_id, target_id, region, minute) after merges
-- (before a merge there may be several partial rows for the same key, so always
-- read it with GROUP BY and the -Merge combinators), holding partial aggregate states:
--   checks      countState()                                  -> countMerge(checks)
--   up_checks   sumState(1 if status is up or degraded else 0) -> sumMerge(up_checks)
--   latency     quantilesState(0.5, 0.95, 0.99)(total_ms)     -> quantilesMerge(0.5, 0.95, 0.99)(latency)
-- Uptime ratio = sumMerge(up_checks) / countMerge(checks).
CREATE TABLE IF NOT EXISTS check_results_1m
(
    org_id     UUID,
    target_id  UUID,
    region     String,
    minute     DateTime,
    checks     AggregateFunction(count),
    up_checks  AggregateFunction(sum, UInt64),
    latency    AggregateFunction(quantiles(0.5, 0.95, 0.99), Float32)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(minute)
ORDER BY (org_id, target_id, region, minute);

-- check_results_1m_mv: feeds check_results_1m from every INSERT into check_results
-- (only rows inserted after the view exists, there is no backfill). The TO form
-- (explicit target table) works on 18.16 and on current ClickHouse. Columns are
-- matched by name, so the aliases must equal the column names of check_results_1m.
CREATE MATERIALIZED VIEW IF NOT EXISTS check_results_1m_mv TO check_results_1m
AS SELECT
    org_id,
    target_id,
    region,
    toStartOfMinute(started_at) AS minute,
    countState() AS checks,
    sumState(toUInt64(status IN ('up', 'degraded'))) AS up_checks,
    quantilesState(0.5, 0.95, 0.99)(total_ms) AS latency
FROM check_results
GROUP BY org_id, target_id, region, minute;
