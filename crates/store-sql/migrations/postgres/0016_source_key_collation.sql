-- An account's owner key compares in the same collation as the source record's key ("C",
-- 0009): with two collations the join of the two tables cannot use either index, and reading
-- the resolution input turned into a scan of every source account per source record (found
-- at 1,000,000 customers). Lock-step with SQLite's 0016, where keys compare bytewise already.
ALTER TABLE source_accounts ALTER COLUMN source_key TYPE TEXT COLLATE "C";
