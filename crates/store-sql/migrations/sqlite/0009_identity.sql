-- Multi-source ingestion and identity resolution (issue 4). Lock-step with PostgreSQL's 0009.
-- Source records are each system's own copy of a customer; parties are the golden records made
-- from them. A merged-away party keeps its row (merged_into set) so that an unmerge can restore it.
ALTER TABLE parties ADD COLUMN merged_into INTEGER REFERENCES parties (id);
-- JSON object: field -> {"source_system", "source_key", "rule"} (the winning source per field).
ALTER TABLE parties ADD COLUMN golden_sources TEXT;

CREATE TABLE import_runs (
    id              INTEGER PRIMARY KEY,
    source_system   TEXT NOT NULL,
    kind            TEXT NOT NULL,
    mode            TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    file_sha256     TEXT NOT NULL,
    started_by      TEXT NOT NULL,
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    -- running | finished | failed
    status          TEXT NOT NULL,
    batches         INTEGER NOT NULL DEFAULT 0,
    inserted        INTEGER NOT NULL DEFAULT 0,
    updated         INTEGER NOT NULL DEFAULT 0,
    unchanged       INTEGER NOT NULL DEFAULT 0,
    rejected        INTEGER NOT NULL DEFAULT 0,
    closed          INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE source_records (
    id                  INTEGER PRIMARY KEY,
    source_system       TEXT NOT NULL,
    source_key          TEXT NOT NULL,
    party_id            INTEGER REFERENCES parties (id),
    kind                TEXT NOT NULL,
    name                TEXT NOT NULL,
    gender              TEXT,
    birth_date          TEXT,
    -- Sealed; kept even when its check digit is wrong (matching tolerates one mistyped digit).
    resident_id         TEXT,
    resident_id_valid   INTEGER NOT NULL DEFAULT 0,
    uscc                TEXT,
    mobile              TEXT,
    address             TEXT,
    email               TEXT,
    branch_code         TEXT,
    rm_username         TEXT,
    source_updated_on   TEXT,
    content_hash        TEXT NOT NULL,
    last_run_id         INTEGER NOT NULL REFERENCES import_runs (id),
    loaded_at           TEXT NOT NULL,
    closed_at           TEXT,
    needs_resolution    INTEGER NOT NULL DEFAULT 1,
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
    balance_minor       INTEGER NOT NULL,
    limit_minor         INTEGER,
    opened_on           TEXT NOT NULL,
    matures_on          TEXT,
    status              TEXT NOT NULL,
    branch_id           INTEGER NOT NULL REFERENCES branches (id),
    content_hash        TEXT NOT NULL,
    last_run_id         INTEGER NOT NULL REFERENCES import_runs (id),
    PRIMARY KEY (source_system, account_key)
);
CREATE INDEX source_accounts_owner ON source_accounts (source_system, source_key);
ALTER TABLE accounts ADD COLUMN source_record_id INTEGER REFERENCES source_records (id);
CREATE INDEX accounts_source_record ON accounts (source_record_id);

-- Grey-zone pairs for the data steward (R2.5); record_a < record_b.
CREATE TABLE identity_reviews (
    id              INTEGER PRIMARY KEY,
    record_a        INTEGER NOT NULL REFERENCES source_records (id),
    record_b        INTEGER NOT NULL REFERENCES source_records (id),
    probability     REAL NOT NULL,
    weight          REAL NOT NULL,
    -- JSON array of {"field", "level", "weight"}.
    explanation     TEXT NOT NULL,
    -- pending | approved | rejected | superseded
    status          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    decided_by      INTEGER REFERENCES staff (id),
    decided_at      TEXT,
    note            TEXT,
    UNIQUE (record_a, record_b)
);
CREATE INDEX identity_reviews_status ON identity_reviews (status, probability);

-- Merge history: what each merge changed, so that an unmerge can put it back.
CREATE TABLE identity_events (
    id              INTEGER PRIMARY KEY,
    -- merge | unmerge
    kind            TEXT NOT NULL,
    party_id        INTEGER NOT NULL REFERENCES parties (id),
    other_party_id  INTEGER REFERENCES parties (id),
    -- JSON: the state before the event (records, accounts and RM assignments of both parties).
    snapshot        TEXT NOT NULL,
    reason          TEXT,
    decided_by      TEXT NOT NULL,
    staff_id        INTEGER REFERENCES staff (id),
    at              TEXT NOT NULL,
    undone_by       INTEGER REFERENCES identity_events (id)
);
CREATE INDEX identity_events_party ON identity_events (party_id);
CREATE INDEX identity_events_other ON identity_events (other_party_id);
