-- Lock-step with SQLite's 0018, which makes tasks_owner carry kind and party_id as this
-- store's 0017 already does (INCLUDE).
SELECT 1;
