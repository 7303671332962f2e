-- Privilege separation (T-11): if a role named rapport_app exists, it gets what the server
-- needs and no more: INSERT and SELECT only on the audit trail. The DBA creates the role
-- (README: "PostgreSQL with privilege separation"); without it this migration grants nothing.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'rapport_app') THEN
        EXECUTE 'GRANT USAGE ON SCHEMA ' || quote_ident(current_schema()) || ' TO rapport_app';
        GRANT SELECT, INSERT, UPDATE, DELETE ON branches, staff, sessions, products, parties,
            party_relationships, accounts, party_monthly_aum, rm_assignments, party_search_keys,
            party_changes, audit_head TO rapport_app;
        GRANT SELECT ON _sqlx_migrations TO rapport_app;
        GRANT SELECT, INSERT ON audit_log TO rapport_app;
        REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM rapport_app;
        GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO rapport_app;
    END IF;
END $$;
