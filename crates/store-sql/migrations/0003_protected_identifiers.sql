-- Identifiers at rest (T-14): accounts.account_number now holds the account number's keyed blind
-- index (unique, for lookups) and account_number_enc its ciphertext. parties.resident_id and
--@postgres -- parties.mobile hold ciphertexts. Kept in lock-step with SQLite's 0003.
--@sqlite -- parties.mobile hold ciphertexts. Kept in lock-step with PostgreSQL's 0003.
ALTER TABLE accounts ADD COLUMN account_number_enc TEXT;
