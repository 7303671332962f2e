-- Staff changes awaiting a second administrator (separation of duties, R8.x): a new login, a
-- new role or branch, enabling a login, a password reset or an API token takes effect only when
-- an administrator other than the requester approves it. The change itself is kept as JSON
-- (`detail`); its credential is made at approval, so nothing here can log anyone in.
--
-- Written once for both backends: this file is identical in store-sqlite and store-postgres up
-- to the end of this table (a contract test compares them); PostgreSQL's adds only the grant its
-- server role needs. Hence no SERIAL/AUTOINCREMENT: the store assigns `id` as one more than the
-- largest under its write lock, and TIMESTAMPTZ holds UTC text on SQLite.
CREATE TABLE pending_staff_changes (
    id              BIGINT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN
                        ('create_login', 'change_access', 'enable', 'reset_password', 'create_token')),
    -- The login concerned (for a token, its service account svc.<name>).
    username        TEXT NOT NULL,
    detail          TEXT NOT NULL,
    -- NULL when requested from the command line (requested_via = 'cli').
    requested_by    BIGINT REFERENCES staff (id),
    requested_via   TEXT NOT NULL CHECK (requested_via IN ('web', 'api', 'cli')),
    requested_at    TIMESTAMPTZ NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by      BIGINT REFERENCES staff (id),
    decided_at      TIMESTAMPTZ,
    CHECK ((requested_by IS NULL) = (requested_via = 'cli')),
    CHECK ((status = 'pending') = (decided_by IS NULL)),
    -- The maker is never the checker (the store refuses it first; this is the last line).
    CHECK (decided_by IS NULL OR requested_by IS NULL OR decided_by <> requested_by)
);
CREATE INDEX pending_staff_changes_status ON pending_staff_changes (status, id);

--@postgres -- PostgreSQL only: the server's role (0006) reads and writes the table (no DELETE: decided
--@postgres -- changes stay as the record of who asked and who approved).
--@postgres DO $$
--@postgres BEGIN
--@postgres     IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'rapport_app') THEN
--@postgres         GRANT SELECT, INSERT, UPDATE ON pending_staff_changes TO rapport_app;
--@postgres     END IF;
--@postgres END $$;
--@postgres