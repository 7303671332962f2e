-- Lock-step with PostgreSQL's 0016, which gives source_accounts.source_key the collation of
-- source_records.source_key. SQLite compares both bytewise (BINARY) already: nothing to do.
SELECT 1;
