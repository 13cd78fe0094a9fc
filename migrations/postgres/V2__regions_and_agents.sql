-- Regions that checks run from. Infrastructure, shared by every org. The control plane inserts its
-- own region (scheduler.region) at start-up; other regions are served by probe agents.
CREATE TABLE regions (
    name        text        PRIMARY KEY,
    description text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Regions that targets already name (any well-formed name was accepted before this table existed).
INSERT INTO regions (name)
SELECT DISTINCT unnest(regions) FROM targets
ON CONFLICT (name) DO NOTHING;

-- One-time tokens that let an agent register in a region. Only the SHA-256 of the token is stored.
CREATE TABLE registration_tokens (
    id          uuid        PRIMARY KEY,
    region      text        NOT NULL REFERENCES regions (name) ON DELETE CASCADE,
    token_hash  bytea       NOT NULL UNIQUE,
    description text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    used_by     uuid,
    revoked_at  timestamptz
);

CREATE INDEX registration_tokens_region ON registration_tokens (region, id);

-- Registered probe agents. signing_key is SHA-256 of the agent key as issued (the HMAC key of the
-- agent protocol); the key itself is never stored. last_seen, status and last_batch_seq are synced
-- from memory every few seconds, not on every poll.
CREATE TABLE agents (
    id             uuid        PRIMARY KEY,
    name           text        NOT NULL,
    region         text        NOT NULL REFERENCES regions (name),
    version        text        NOT NULL DEFAULT '',
    signing_key    bytea       NOT NULL,
    status         text        NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'not_reporting')),
    registered_at  timestamptz NOT NULL DEFAULT now(),
    last_seen      timestamptz NOT NULL DEFAULT now(),
    last_batch_seq bigint      NOT NULL DEFAULT 0
);

CREATE INDEX agents_region ON agents (region);
