-- Audit trail (R8.3): append-only, hash-chained. Kept in lock-step with SQLite's 0002.
CREATE TABLE audit_log (
    seq             BIGINT PRIMARY KEY,
    at              TIMESTAMPTZ NOT NULL,
    actor_staff_id  BIGINT,
    actor_username  TEXT NOT NULL,
    actor_role      TEXT,
    source_ip       TEXT,
    action          TEXT NOT NULL,
    party_id        BIGINT,
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

-- The head of the chain: one row, locked and updated by every append (serialises appenders
-- across application nodes).
CREATE TABLE audit_head (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    seq     BIGINT NOT NULL,
    hash    TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Even the table owner's application code cannot rewrite history; the production server runs
-- as a role with INSERT/SELECT only on audit_log (see README), so it cannot drop this either.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
