-- Failed logins are counted in `throttle` (per username and per client address, shared by every
-- app node) since 0021; the per-account counter and lock are no longer read or written.
ALTER TABLE staff DROP COLUMN failed_logins;
ALTER TABLE staff DROP COLUMN locked_until;
