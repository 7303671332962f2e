-- The RM workbench's portfolio summary, cached per RM (issue 6: the workbench answers in
-- milliseconds on a bank of a million customers). A summary is current while the latest
-- scoring run and the RM's assignment generation are those it was computed from. The triggers
-- bump the generation on every change to an RM's assignments, whichever code path makes it
-- (reassignment, merge, undo, tier decision), so a summary never outlives a change of scope.
-- Lock-step with PostgreSQL's 0015.
ALTER TABLE staff ADD COLUMN portfolio_generation INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER rm_assignments_generation_insert AFTER INSERT ON rm_assignments
BEGIN
    UPDATE staff SET portfolio_generation = portfolio_generation + 1 WHERE id = NEW.staff_id;
END;
CREATE TRIGGER rm_assignments_generation_update AFTER UPDATE ON rm_assignments
BEGIN
    UPDATE staff SET portfolio_generation = portfolio_generation + 1
    WHERE id IN (OLD.staff_id, NEW.staff_id);
END;
CREATE TRIGGER rm_assignments_generation_delete AFTER DELETE ON rm_assignments
BEGIN
    UPDATE staff SET portfolio_generation = portfolio_generation + 1 WHERE id = OLD.staff_id;
END;

CREATE TABLE portfolio_summaries (
    staff_id        INTEGER PRIMARY KEY REFERENCES staff (id),
    score_run_id    INTEGER NOT NULL,
    generation      INTEGER NOT NULL,
    computed_at     TEXT NOT NULL,
    -- Opaque to the store: the web edge's summary, without names (read live, within scope).
    summary_json    TEXT NOT NULL
);
