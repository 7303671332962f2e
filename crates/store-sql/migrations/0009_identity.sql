--@postgres -- Multi-source ingestion and identity resolution (issue 4). Lock-step with SQLite's 0009.
--@sqlite -- Multi-source ingestion and identity resolution (issue 4). Lock-step with PostgreSQL's 0009.
-- Source records are each system's own copy of a customer; parties are the golden records made
-- from them. A merged-away party keeps its row (merged_into set) so that an unmerge can restore it.
ALTER TABLE parties ADD COLUMN merged_into {{int8}} REFERENCES parties (id);
-- JSON object: field -> {"source_system", "source_key", "rule"} (the winning source per field).
ALTER TABLE parties ADD COLUMN golden_sources {{jsonb}};

CREATE TABLE import_runs (
    id              {{identity}} PRIMARY KEY,
    source_system   TEXT NOT NULL,
    kind            TEXT NOT NULL,
    mode            TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    file_sha256     TEXT NOT NULL,
    started_by      TEXT NOT NULL,
    started_at      {{timestamptz}} NOT NULL,
    finished_at     {{timestamptz}},
    -- running | finished | failed
    status          TEXT NOT NULL,
    batches         {{int8}} NOT NULL DEFAULT 0,
    inserted        {{int8}} NOT NULL DEFAULT 0,
    updated         {{int8}} NOT NULL DEFAULT 0,
    unchanged       {{int8}} NOT NULL DEFAULT 0,
    rejected        {{int8}} NOT NULL DEFAULT 0,
    closed          {{int8}} NOT NULL DEFAULT 0
);

CREATE TABLE source_records (
    id                  {{identity}} PRIMARY KEY,
    source_system       TEXT NOT NULL,
    source_key          TEXT NOT NULL{{collate_c}},
    party_id            {{int8}} REFERENCES parties (id),
    kind                TEXT NOT NULL,
    name                TEXT NOT NULL,
    gender              TEXT,
    birth_date          {{date}},
    -- Sealed; kept even when its check digit is wrong (matching tolerates one mistyped digit).
    resident_id         TEXT,
    resident_id_valid   {{boolean}} NOT NULL DEFAULT {{false}},
    uscc                TEXT,
    mobile              TEXT,
    address             TEXT,
    email               TEXT,
    branch_code         TEXT,
    rm_username         TEXT,
    source_updated_on   {{date}},
    content_hash        TEXT NOT NULL,
    last_run_id         {{int8}} NOT NULL REFERENCES import_runs (id),
    loaded_at           {{timestamptz}} NOT NULL,
    closed_at           {{timestamptz}},
    needs_resolution    {{boolean}} NOT NULL DEFAULT {{true}},
    UNIQUE (source_system, source_key)
);
CREATE INDEX source_records_party ON source_records (party_id);
CREATE INDEX source_records_pending ON source_records (needs_resolution);

CREATE TABLE source_accounts (
    source_system       TEXT NOT NULL,
    -- Blind index of the account number (the number itself is sealed in account_number_enc).
    account_key         TEXT NOT NULL,
    account_number_enc  TEXT NOT NULL,
    -- The owning customer record's key in the same system.
    source_key          TEXT NOT NULL,
    product_code        TEXT NOT NULL REFERENCES products (code),
    family              TEXT NOT NULL,
    currency            TEXT NOT NULL,
    balance_minor       {{int8}} NOT NULL,
    limit_minor         {{int8}},
    opened_on           {{date}} NOT NULL,
    matures_on          {{date}},
    status              TEXT NOT NULL,
    branch_id           {{int8}} NOT NULL REFERENCES branches (id),
    content_hash        TEXT NOT NULL,
    last_run_id         {{int8}} NOT NULL REFERENCES import_runs (id),
    PRIMARY KEY (source_system, account_key)
);
CREATE INDEX source_accounts_owner ON source_accounts (source_system, source_key);
ALTER TABLE accounts ADD COLUMN source_record_id {{int8}} REFERENCES source_records (id);
CREATE INDEX accounts_source_record ON accounts (source_record_id);

-- Grey-zone pairs for the data steward (R2.5); record_a < record_b.
CREATE TABLE identity_reviews (
    id              {{identity}} PRIMARY KEY,
    record_a        {{int8}} NOT NULL REFERENCES source_records (id),
    record_b        {{int8}} NOT NULL REFERENCES source_records (id),
    probability     {{float8}} NOT NULL,
    weight          {{float8}} NOT NULL,
    -- JSON array of {"field", "level", "weight"}.
    explanation     {{jsonb}} NOT NULL,
    -- pending | approved | rejected | superseded
    status          TEXT NOT NULL,
    created_at      {{timestamptz}} NOT NULL,
    decided_by      {{int8}} REFERENCES staff (id),
    decided_at      {{timestamptz}},
    note            TEXT,
    UNIQUE (record_a, record_b)
);
CREATE INDEX identity_reviews_status ON identity_reviews (status, probability);

-- Merge history: what each merge changed, so that an unmerge can put it back.
CREATE TABLE identity_events (
    id              {{identity}} PRIMARY KEY,
    -- merge | unmerge
    kind            TEXT NOT NULL,
    party_id        {{int8}} NOT NULL REFERENCES parties (id),
    other_party_id  {{int8}} REFERENCES parties (id),
    -- JSON: the state before the event (records, accounts and RM assignments of both parties).
    snapshot        {{jsonb}} NOT NULL,
    reason          TEXT,
    decided_by      TEXT NOT NULL,
    staff_id        {{int8}} REFERENCES staff (id),
    at              {{timestamptz}} NOT NULL,
    undone_by       {{int8}} REFERENCES identity_events (id)
);
CREATE INDEX identity_events_party ON identity_events (party_id);
CREATE INDEX identity_events_other ON identity_events (other_party_id);

--@postgres DO $$
--@postgres BEGIN
--@postgres     IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'rapport_app') THEN
--@postgres         GRANT SELECT, INSERT, UPDATE, DELETE ON import_runs, source_records, source_accounts,
--@postgres             identity_reviews, identity_events TO rapport_app;
--@postgres         GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO rapport_app;
--@postgres     END IF;
--@postgres END $$;
--@postgres