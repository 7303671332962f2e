--@postgres -- Audit trail (R8.3): append-only, hash-chained. Kept in lock-step with SQLite's 0002.
--@sqlite -- Audit trail (R8.3): append-only, hash-chained. Kept in lock-step with PostgreSQL's 0002.
CREATE TABLE audit_log (
    seq             {{int8}} PRIMARY KEY,
    at              {{timestamptz}} NOT NULL,
    actor_staff_id  {{int8}},
    actor_username  TEXT NOT NULL,
    actor_role      TEXT,
    source_ip       TEXT,
    action          TEXT NOT NULL,
    party_id        {{int8}},
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

--@postgres -- The head of the chain: one row, locked and updated by every append (serialises appenders
--@postgres -- across application nodes).
--@sqlite -- The head of the chain: one row, updated in the same transaction as every append, which
--@sqlite -- serialises appenders across application nodes.
CREATE TABLE audit_head (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    seq     {{int8}} NOT NULL,
    hash    TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

--@postgres -- Even the table owner's application code cannot rewrite history; the production server runs
--@postgres -- as a role with INSERT/SELECT only on audit_log (see README), so it cannot drop this either.
--@postgres CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
--@postgres BEGIN
--@postgres     RAISE EXCEPTION 'audit_log is append-only';
--@postgres END;
--@postgres $$;
--@postgres CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
--@postgres     FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--@postgres CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
--@postgres     FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
--@sqlite -- SQLite has no roles: the chain and the anchor file detect tampering; these triggers stop
--@sqlite -- the application itself from ever rewriting history.
--@sqlite CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
--@sqlite BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
--@sqlite CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
--@sqlite BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
