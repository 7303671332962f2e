--@postgres -- Foundation schema. Kept in lock-step with crates/store-sqlite/migrations (same file names).
--@postgres -- Money is stored as integer minor units (BIGINT) with its currency; dates as DATE, instants as
--@postgres -- TIMESTAMPTZ. Party, branch and staff ids come from the loader; staff created later and RM
--@postgres -- assignments take theirs from an identity sequence.
--@sqlite -- Foundation schema. Kept in lock-step with crates/store-postgres/migrations (same file names).
--@sqlite -- Money is stored as integer minor units with its currency; dates as ISO-8601 text.

CREATE TABLE branches (
    id          {{int8}} PRIMARY KEY,
    parent_id   {{int8}} REFERENCES branches (id),
    level       TEXT NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    -- Materialised path '/1/3/12/' so a branch subtree is one prefix match.
    path        TEXT{{collate_c}} NOT NULL
);
CREATE INDEX branches_path ON branches (path);

CREATE TABLE staff (
    id              {{identity}} PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL,
    branch_id       {{int8}} REFERENCES branches (id),
    password_hash   TEXT,
    disabled        {{boolean}} NOT NULL DEFAULT {{false}},
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    {{timestamptz}},
    created_at      {{timestamptz}} NOT NULL
);

CREATE TABLE sessions (
    token_hash          TEXT PRIMARY KEY,
    staff_id            {{int8}} NOT NULL REFERENCES staff (id),
    csrf_token          TEXT NOT NULL,
    created_at          {{timestamptz}} NOT NULL,
    idle_expires_at     {{timestamptz}} NOT NULL,
    absolute_expires_at {{timestamptz}} NOT NULL
);
CREATE INDEX sessions_staff ON sessions (staff_id);

CREATE TABLE products (
    code        TEXT PRIMARY KEY,
    family      TEXT NOT NULL,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL
);

CREATE TABLE parties (
    id              {{int8}} PRIMARY KEY,
    customer_number TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    gender          TEXT,
    birth_date      {{date}},
    resident_id     TEXT,
    uscc            TEXT,
    mobile          TEXT,
    email           TEXT,
    address         TEXT,
    occupation      TEXT,
    income_band     TEXT,
    home_branch_id  {{int8}} NOT NULL REFERENCES branches (id),
    onboarded_on    {{date}} NOT NULL
);
CREATE INDEX parties_home_branch ON parties (home_branch_id);

CREATE TABLE party_relationships (
    from_party_id   {{int8}} NOT NULL REFERENCES parties (id),
    to_party_id     {{int8}} NOT NULL REFERENCES parties (id),
    kind            TEXT NOT NULL,
    since           {{date}},
    PRIMARY KEY (from_party_id, to_party_id, kind)
);
CREATE INDEX party_relationships_to ON party_relationships (to_party_id);

CREATE TABLE accounts (
    account_number  TEXT PRIMARY KEY,
    party_id        {{int8}} NOT NULL REFERENCES parties (id),
    product_code    TEXT NOT NULL REFERENCES products (code),
    family          TEXT NOT NULL,
    currency        TEXT NOT NULL,
    balance_minor   {{int8}} NOT NULL,
    limit_minor     {{int8}},
    opened_on       {{date}} NOT NULL,
    matures_on      {{date}},
    status          TEXT NOT NULL,
    source_system   TEXT NOT NULL,
    branch_id       {{int8}} NOT NULL REFERENCES branches (id)
);
CREATE INDEX accounts_party ON accounts (party_id);

CREATE TABLE party_monthly_aum (
    party_id    {{int8}} NOT NULL REFERENCES parties (id),
    month       {{date}} NOT NULL,
    currency    TEXT NOT NULL,
    aum_minor   {{int8}} NOT NULL,
    PRIMARY KEY (party_id, month)
);

CREATE TABLE rm_assignments (
    id              {{identity}} PRIMARY KEY,
    party_id        {{int8}} NOT NULL REFERENCES parties (id),
    staff_id        {{int8}} NOT NULL REFERENCES staff (id),
    is_primary      {{boolean}} NOT NULL,
    effective_from  {{date}} NOT NULL,
    effective_to    {{date}}
);
CREATE INDEX rm_assignments_current ON rm_assignments (staff_id, party_id) WHERE effective_to IS NULL;
CREATE INDEX rm_assignments_party ON rm_assignments (party_id);
-- Exactly one current primary RM per customer.
--@postgres CREATE UNIQUE INDEX rm_assignments_one_primary ON rm_assignments (party_id) WHERE is_primary AND effective_to IS NULL;
--@sqlite CREATE UNIQUE INDEX rm_assignments_one_primary ON rm_assignments (party_id) WHERE is_primary = 1 AND effective_to IS NULL;

--@postgres -- Keys compare in code-point order ("C"), so a prefix is the range [prefix, successor(prefix)).
CREATE TABLE party_search_keys (
    key         TEXT{{collate_c}} NOT NULL,
    party_id    {{int8}} NOT NULL REFERENCES parties (id),
    PRIMARY KEY (key, party_id)
--@postgres );
--@sqlite ) WITHOUT ROWID;
