-- The RM workbench's portfolio summary, cached per RM (issue 6: the workbench answers in
-- milliseconds on a bank of a million customers). A summary is current while the latest
-- scoring run and the RM's assignment generation are those it was computed from. The triggers
-- bump the generation on every change to an RM's assignments, whichever code path makes it
-- (reassignment, merge, undo, tier decision), so a summary never outlives a change of scope.
--@postgres -- They fire once per statement, so a bulk load bumps each RM once, not once per row.
--@postgres -- Lock-step with SQLite's 0015.
--@sqlite -- Lock-step with PostgreSQL's 0015.
ALTER TABLE staff ADD COLUMN portfolio_generation {{int8}} NOT NULL DEFAULT 0;
--@postgres
--@postgres CREATE FUNCTION rm_assignments_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
--@postgres BEGIN
--@postgres     IF TG_OP IN ('INSERT', 'UPDATE') THEN
--@postgres         UPDATE staff SET portfolio_generation = portfolio_generation + 1
--@postgres         WHERE id IN (SELECT DISTINCT staff_id FROM changed_new);
--@postgres     END IF;
--@postgres     IF TG_OP IN ('UPDATE', 'DELETE') THEN
--@postgres         UPDATE staff SET portfolio_generation = portfolio_generation + 1
--@postgres         WHERE id IN (SELECT DISTINCT staff_id FROM changed_old);
--@postgres     END IF;
--@postgres     RETURN NULL;
--@postgres END $$;

CREATE TRIGGER rm_assignments_generation_insert AFTER INSERT ON rm_assignments
--@postgres     REFERENCING NEW TABLE AS changed_new
--@postgres     FOR EACH STATEMENT EXECUTE FUNCTION rm_assignments_bump_generation();
--@sqlite BEGIN
--@sqlite     UPDATE staff SET portfolio_generation = portfolio_generation + 1 WHERE id = NEW.staff_id;
--@sqlite END;
CREATE TRIGGER rm_assignments_generation_update AFTER UPDATE ON rm_assignments
--@postgres     REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
--@postgres     FOR EACH STATEMENT EXECUTE FUNCTION rm_assignments_bump_generation();
--@sqlite BEGIN
--@sqlite     UPDATE staff SET portfolio_generation = portfolio_generation + 1
--@sqlite     WHERE id IN (OLD.staff_id, NEW.staff_id);
--@sqlite END;
CREATE TRIGGER rm_assignments_generation_delete AFTER DELETE ON rm_assignments
--@postgres     REFERENCING OLD TABLE AS changed_old
--@postgres     FOR EACH STATEMENT EXECUTE FUNCTION rm_assignments_bump_generation();
--@sqlite BEGIN
--@sqlite     UPDATE staff SET portfolio_generation = portfolio_generation + 1 WHERE id = OLD.staff_id;
--@sqlite END;

CREATE TABLE portfolio_summaries (
    staff_id        {{int8}} PRIMARY KEY REFERENCES staff (id),
    score_run_id    {{int8}} NOT NULL,
    generation      {{int8}} NOT NULL,
    computed_at     {{timestamptz}} NOT NULL,
    -- Opaque to the store: the web edge's summary, without names (read live, within scope).
    summary_json    TEXT NOT NULL
);

--@postgres -- The server's role (0006) reads and writes the work tables of 0013 and this one.
--@postgres DO $$
--@postgres BEGIN
--@postgres     IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'rapport_app') THEN
--@postgres         GRANT SELECT, INSERT, UPDATE, DELETE ON interactions, tasks, reassignments,
--@postgres             contact_plans, portfolio_summaries TO rapport_app;
--@postgres         GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO rapport_app;
--@postgres     END IF;
--@postgres END $$;
--@postgres