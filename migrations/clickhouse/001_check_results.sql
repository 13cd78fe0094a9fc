-- Heliograph ClickHouse schema, step 1: raw check results.
--
-- Applied in file order at control-plane start-up against database heliograph.
-- The loader splits on a semicolon at the end of a line, so statements end with
-- one and comments never do. Every statement is idempotent (IF NOT EXISTS).
-- Portable between ClickHouse 18.16 (Debian 12) and current releases: no TTL,
-- no DateTime64, no LowCardinality, no Nullable.
--
-- check_results: one row per executed check (one probe of one target from one
-- region by one agent). Source of truth for raw history and for the per-minute
-- rollup in 002. Column notes:
--   started_at       DateTime, seconds, UTC (server timezone is UTC). Partition and sort key.
--   started_at_ms    exact start time, epoch milliseconds.
--   scheduled_at_ms  epoch milliseconds the check was planned for (scheduling lag = started - scheduled).
--   status           up / degraded / down / error (error = the probe itself failed).
--   http_status      HTTP status code, 0 when there was none (DNS/connect/TLS failure, non-HTTP kind).
--   error            error message, empty string when none.
--   *_ms             phase timings in milliseconds, 0 when the phase did not happen.
CREATE TABLE IF NOT EXISTS check_results
(
    result_id       UUID,
    org_id          UUID,
    target_id       UUID,
    region          String,
    agent_id        String,
    kind            String,
    status          Enum8('up' = 1, 'degraded' = 2, 'down' = 3, 'error' = 4),
    started_at      DateTime,
    started_at_ms   UInt64,
    scheduled_at_ms UInt64,
    http_status     UInt16,
    error           String,
    dns_ms          Float32,
    connect_ms      Float32,
    tls_ms          Float32,
    ttfb_ms         Float32,
    total_ms        Float32
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(started_at)
ORDER BY (org_id, target_id, started_at);
