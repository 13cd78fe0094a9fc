-- Idempotency-Key of API requests (see api/Idempotency): one row per (org, key). The row is also the
-- lock: the request that inserts it runs the work; a concurrent request with the same key finds it
-- and waits for the answer. status IS NULL while the work runs; then status, content_type, location
-- and body hold the answer that every repeat gets. owner identifies the claim (a random id per
-- request), so that only its owner finishes, renews or releases it; locked_until is the claim's lease,
-- renewed while the work runs, so that a key whose process died can be claimed again. fingerprint is
-- SHA-256 over method, path and body: the same key with another request is refused. Rows expire at
-- expires_at and are pruned periodically.
CREATE TABLE idempotency_keys (
    org_id       uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    key          text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    route        text        NOT NULL,
    fingerprint  bytea       NOT NULL,
    owner        uuid        NOT NULL,
    locked_until timestamptz NOT NULL,
    status       integer,
    content_type text,
    location     text,
    body         bytea,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (org_id, key)
);

CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at);
