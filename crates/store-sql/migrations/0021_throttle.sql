-- Rate limits kept in the store, so that every application node counts against the same
-- limit (issue 20): failed logins per username and per client address, searches by a full
-- identifier per staff member, misses per masked identifier. One row per bucket and fixed
-- window, counted by an upsert. A bucket never holds a whole identifier.
-- The CREATE TABLE is the same text on both backends (PostgreSQL's 0021 adds the app role's
-- grant).
CREATE TABLE throttle (
    bucket       TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);

--@postgres DO $$
--@postgres BEGIN
--@postgres     IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'rapport_app') THEN
--@postgres         GRANT SELECT, INSERT, UPDATE, DELETE ON throttle TO rapport_app;
--@postgres     END IF;
--@postgres END $$;
--@postgres