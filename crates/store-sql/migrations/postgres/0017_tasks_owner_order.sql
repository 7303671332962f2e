-- The owner's task lists walk tasks_owner in the lists' own order (due_on, then id) and stop at
-- a page's end; kind and party_id ride in the index so the workbench's counts read no table
-- pages. Lock-step with SQLite's 0017, whose tasks_owner already ends in the rowid (= id).
DROP INDEX tasks_owner;
CREATE INDEX tasks_owner ON tasks (owner_staff_id, status, due_on, id) INCLUDE (kind, party_id);
