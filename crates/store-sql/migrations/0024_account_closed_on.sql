-- The day an account was closed, as its source system reports it (issue 23: features at a past
-- snapshot count an account as open until that day, not by today's status).
ALTER TABLE source_accounts ADD COLUMN closed_on {{date}};
ALTER TABLE accounts ADD COLUMN closed_on {{date}};
