-- Every target gets a stable key: the name tools use for it (config files, bulk changes), unique
-- within its org. Existing targets get their id's text, which is also the default for new targets
-- created without a key.
ALTER TABLE targets ADD COLUMN key text;
UPDATE targets SET key = id::text;
ALTER TABLE targets ALTER COLUMN key SET NOT NULL;
ALTER TABLE targets ADD CONSTRAINT targets_key_format CHECK (key ~ '^[A-Za-z0-9_.:/-]{1,128}$');

-- A row inserted without a key (by SQL behind the API's back) gets its id's text too.
CREATE FUNCTION targets_default_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.key IS NULL THEN
        NEW.key := NEW.id::text;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER targets_default_key BEFORE INSERT ON targets FOR EACH ROW EXECUTE FUNCTION targets_default_key();

-- Both uniqueness rules may be deferred to the end of a transaction, so that one bulk change or
-- config apply can swap names or keys between targets; ordinary statements still check at once.
ALTER TABLE targets ADD CONSTRAINT targets_key_unique_per_org UNIQUE (org_id, key) DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE targets DROP CONSTRAINT targets_name_unique_per_org;
ALTER TABLE targets ADD CONSTRAINT targets_name_unique_per_org UNIQUE (org_id, name) DEFERRABLE INITIALLY IMMEDIATE;
