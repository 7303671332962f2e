-- Audit trail (R8.3): append-only, hash-chained. Kept in lock-step with PostgreSQL's 0002.
CREATE TABLE audit_log (
    seq             INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    actor_staff_id  INTEGER,
    actor_username  TEXT NOT NULL,
    actor_role      TEXT,
    source_ip       TEXT,
    action          TEXT NOT NULL,
    party_id        INTEGER,
    fields_unmasked TEXT NOT NULL,
    reason          TEXT,
    detail          TEXT,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log (actor_staff_id, seq);
CREATE INDEX audit_log_party ON audit_log (party_id, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_at ON audit_log (at);

-- The head of the chain: one row, updated in the same transaction as every append, which
-- serialises appenders across application nodes.
CREATE TABLE audit_head (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    seq     INTEGER NOT NULL,
    hash    TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- SQLite has no roles: the chain and the anchor file detect tampering; these triggers stop
-- the application itself from ever rewriting history.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
