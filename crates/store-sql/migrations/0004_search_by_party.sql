-- A portfolio's search goes from its parties to their keys (see rapport_store::search::drive).
-- Kept in lock-step between SQLite and PostgreSQL.
CREATE INDEX party_search_keys_party ON party_search_keys (party_id, key);
