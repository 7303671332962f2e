-- Store-wide settings, e.g. which field key the data is sealed with (key rotation).
-- Lock-step between SQLite and PostgreSQL.
CREATE TABLE store_meta (
    key     TEXT PRIMARY KEY,
    value   TEXT NOT NULL
);
--@postgres DO $$
--@postgres BEGIN
--@postgres     IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'rapport_app') THEN
--@postgres         GRANT SELECT, INSERT, UPDATE ON store_meta TO rapport_app;
--@postgres     END IF;
--@postgres END $$;
