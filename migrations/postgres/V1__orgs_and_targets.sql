-- Tenants. Every tenant-owned row carries org_id; the default org serves the API until API keys exist.
CREATE TABLE orgs (
    id         uuid        PRIMARY KEY,
    name       text        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO orgs (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'default');

-- Registered targets. spec holds the kind-specific settings (see CheckSpec); version grows by one
-- on every change so that schedulers can tell stale copies from fresh ones.
CREATE TABLE targets (
    id         uuid        PRIMARY KEY,
    org_id     uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name       text        NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('http', 'tcp')),
    spec       jsonb       NOT NULL,
    interval_s integer     NOT NULL CHECK (interval_s BETWEEN 1 AND 86400),
    timeout_ms integer     NOT NULL CHECK (timeout_ms BETWEEN 1 AND 120000),
    regions    text[]      NOT NULL,
    tags       text[]      NOT NULL DEFAULT '{}',
    enabled    boolean     NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    bigint      NOT NULL DEFAULT 1,
    CONSTRAINT targets_name_unique_per_org UNIQUE (org_id, name),
    CONSTRAINT targets_timeout_below_interval CHECK (timeout_ms < interval_s * 1000)
);

-- Cursor paging walks (org_id, id); ids are UUIDv7, so this is creation order.
CREATE INDEX targets_org_id_id ON targets (org_id, id);
CREATE INDEX targets_tags ON targets USING gin (tags);
CREATE INDEX targets_enabled ON targets (enabled) WHERE enabled;
