-- Privilege separation exists on PostgreSQL only (see its 0006); SQLite has no roles and relies on
-- the audit chain, its triggers and the anchor file. Kept so the two lists stay in lock-step.
SELECT 1;
