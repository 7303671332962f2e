-- Lock-step with PostgreSQL's 0017, which orders tasks_owner by (…, due_on, id). SQLite's
-- tasks_owner already does: every index entry ends in the rowid, which is tasks.id.
SELECT 1;
