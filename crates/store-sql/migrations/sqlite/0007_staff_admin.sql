-- Staff administration (issue 3): forced password change, API tokens as sessions of kind 'token'.
-- Lock-step with PostgreSQL's 0007.
ALTER TABLE staff ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'browser';
ALTER TABLE sessions ADD COLUMN name TEXT;
