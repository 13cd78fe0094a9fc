-- API keys of each org. Only the SHA-256 of a key is stored; prefix is its first characters, shown in
-- listings so that an operator can tell keys apart. A key works while it is neither revoked nor expired.
CREATE TABLE api_keys (
    id          uuid        PRIMARY KEY,
    org_id      uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name        text        NOT NULL DEFAULT '',
    role        text        NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
    prefix      text        NOT NULL,
    key_hash    bytea       NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz,
    revoked_at  timestamptz
);

-- Listing walks (org_id, id); ids are UUIDv7, so this is creation order.
CREATE INDEX api_keys_org_id ON api_keys (org_id, id);
