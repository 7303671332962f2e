-- Deciding tier change proposals (R3.3, R4.1): who decided, when, and the dedicated RM the
--@postgres -- decision assigned. Lock-step with SQLite's 0014.
--@sqlite -- decision assigned. Lock-step with PostgreSQL's 0014.
ALTER TABLE tier_change_proposals ADD COLUMN decided_by {{int8}} REFERENCES staff (id);
ALTER TABLE tier_change_proposals ADD COLUMN decided_at {{timestamptz}};
ALTER TABLE tier_change_proposals ADD COLUMN assigned_staff_id {{int8}} REFERENCES staff (id);
CREATE INDEX tier_change_proposals_status ON tier_change_proposals (status, as_of);
