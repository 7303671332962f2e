-- Foundation schema. Kept in lock-step with crates/store-postgres/migrations (same file names).
-- Money is stored as integer minor units with its currency; dates as ISO-8601 text.

CREATE TABLE branches (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES branches (id),
    level       TEXT NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    -- Materialised path '/1/3/12/' so a branch subtree is one prefix match.
    path        TEXT NOT NULL
);
CREATE INDEX branches_path ON branches (path);

CREATE TABLE staff (
    id              INTEGER PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL,
    branch_id       INTEGER REFERENCES branches (id),
    password_hash   TEXT,
    disabled        INTEGER NOT NULL DEFAULT 0,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    created_at      TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash          TEXT PRIMARY KEY,
    staff_id            INTEGER NOT NULL REFERENCES staff (id),
    csrf_token          TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    idle_expires_at     TEXT NOT NULL,
    absolute_expires_at TEXT NOT NULL
);
CREATE INDEX sessions_staff ON sessions (staff_id);

CREATE TABLE products (
    code        TEXT PRIMARY KEY,
    family      TEXT NOT NULL,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL
);

CREATE TABLE parties (
    id              INTEGER PRIMARY KEY,
    customer_number TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    gender          TEXT,
    birth_date      TEXT,
    resident_id     TEXT,
    uscc            TEXT,
    mobile          TEXT,
    email           TEXT,
    address         TEXT,
    occupation      TEXT,
    income_band     TEXT,
    home_branch_id  INTEGER NOT NULL REFERENCES branches (id),
    onboarded_on    TEXT NOT NULL
);
CREATE INDEX parties_home_branch ON parties (home_branch_id);

CREATE TABLE party_relationships (
    from_party_id   INTEGER NOT NULL REFERENCES parties (id),
    to_party_id     INTEGER NOT NULL REFERENCES parties (id),
    kind            TEXT NOT NULL,
    since           TEXT,
    PRIMARY KEY (from_party_id, to_party_id, kind)
);
CREATE INDEX party_relationships_to ON party_relationships (to_party_id);

CREATE TABLE accounts (
    account_number  TEXT PRIMARY KEY,
    party_id        INTEGER NOT NULL REFERENCES parties (id),
    product_code    TEXT NOT NULL REFERENCES products (code),
    family          TEXT NOT NULL,
    currency        TEXT NOT NULL,
    balance_minor   INTEGER NOT NULL,
    limit_minor     INTEGER,
    opened_on       TEXT NOT NULL,
    matures_on      TEXT,
    status          TEXT NOT NULL,
    source_system   TEXT NOT NULL,
    branch_id       INTEGER NOT NULL REFERENCES branches (id)
);
CREATE INDEX accounts_party ON accounts (party_id);

CREATE TABLE party_monthly_aum (
    party_id    INTEGER NOT NULL REFERENCES parties (id),
    month       TEXT NOT NULL,
    currency    TEXT NOT NULL,
    aum_minor   INTEGER NOT NULL,
    PRIMARY KEY (party_id, month)
);

CREATE TABLE rm_assignments (
    id              INTEGER PRIMARY KEY,
    party_id        INTEGER NOT NULL REFERENCES parties (id),
    staff_id        INTEGER NOT NULL REFERENCES staff (id),
    is_primary      INTEGER NOT NULL,
    effective_from  TEXT NOT NULL,
    effective_to    TEXT
);
CREATE INDEX rm_assignments_current ON rm_assignments (staff_id, party_id) WHERE effective_to IS NULL;
CREATE INDEX rm_assignments_party ON rm_assignments (party_id);
-- Exactly one current primary RM per customer.
CREATE UNIQUE INDEX rm_assignments_one_primary ON rm_assignments (party_id) WHERE is_primary = 1 AND effective_to IS NULL;

CREATE TABLE party_search_keys (
    key         TEXT NOT NULL,
    party_id    INTEGER NOT NULL REFERENCES parties (id),
    PRIMARY KEY (key, party_id)
) WITHOUT ROWID;
