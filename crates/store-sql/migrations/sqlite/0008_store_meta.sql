-- Store-wide settings, e.g. which field key the data is sealed with (key rotation).
-- Lock-step between SQLite and PostgreSQL.
CREATE TABLE store_meta (
    key     TEXT PRIMARY KEY,
    value   TEXT NOT NULL
);
