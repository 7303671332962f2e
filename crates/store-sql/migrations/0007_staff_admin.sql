-- Staff administration (issue 3): forced password change, API tokens as sessions of kind 'token'.
--@postgres -- Lock-step with SQLite's 0007.
--@sqlite -- Lock-step with PostgreSQL's 0007.
ALTER TABLE staff ADD COLUMN must_change_password {{boolean}} NOT NULL DEFAULT {{false}};
ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'browser';
ALTER TABLE sessions ADD COLUMN name TEXT;
