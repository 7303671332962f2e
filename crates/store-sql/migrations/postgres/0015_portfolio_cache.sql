-- The RM workbench's portfolio summary, cached per RM (issue 6: the workbench answers in
-- milliseconds on a bank of a million customers). A summary is current while the latest
-- scoring run and the RM's assignment generation are those it was computed from. The triggers
-- bump the generation on every change to an RM's assignments, whichever code path makes it
-- (reassignment, merge, undo, tier decision), so a summary never outlives a change of scope.
-- They fire once per statement, so a bulk load bumps each RM once, not once per row.
-- Lock-step with SQLite's 0015.
ALTER TABLE staff ADD COLUMN portfolio_generation BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION rm_assignments_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE staff SET portfolio_generation = portfolio_generation + 1
        WHERE id IN (SELECT DISTINCT staff_id FROM changed_new);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE staff SET portfolio_generation = portfolio_generation + 1
        WHERE id IN (SELECT DISTINCT staff_id FROM changed_old);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER rm_assignments_generation_insert AFTER INSERT ON rm_assignments
    REFERENCING NEW TABLE AS changed_new
    FOR EACH STATEMENT EXECUTE FUNCTION rm_assignments_bump_generation();
CREATE TRIGGER rm_assignments_generation_update AFTER UPDATE ON rm_assignments
    REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
    FOR EACH STATEMENT EXECUTE FUNCTION rm_assignments_bump_generation();
CREATE TRIGGER rm_assignments_generation_delete AFTER DELETE ON rm_assignments
    REFERENCING OLD TABLE AS changed_old
    FOR EACH STATEMENT EXECUTE FUNCTION rm_assignments_bump_generation();

CREATE TABLE portfolio_summaries (
    staff_id        BIGINT PRIMARY KEY REFERENCES staff (id),
    score_run_id    BIGINT NOT NULL,
    generation      BIGINT NOT NULL,
    computed_at     TIMESTAMPTZ NOT NULL,
    -- Opaque to the store: the web edge's summary, without names (read live, within scope).
    summary_json    TEXT NOT NULL
);

-- The server's role (0006) reads and writes the work tables of 0013 and this one.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'rapport_app') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON interactions, tasks, reassignments,
            contact_plans, portfolio_summaries TO rapport_app;
        GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO rapport_app;
    END IF;
END $$;
