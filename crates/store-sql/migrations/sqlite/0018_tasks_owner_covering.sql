-- The workbench's counts read kind and party_id of every open task an owner has: carried in
-- tasks_owner (after id, so the lists' (due_on, id) order holds) they need no table pages —
-- what PostgreSQL's 0017 does with INCLUDE. Lock-step with PostgreSQL's 0018.
DROP INDEX tasks_owner;
CREATE INDEX tasks_owner ON tasks (owner_staff_id, status, due_on, id, kind, party_id);
