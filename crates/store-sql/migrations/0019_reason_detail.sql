-- Alerts and tasks keep their reason as data (the rule that fired and its numbers, JSON) beside
-- its English text, so the pages can read it out in the viewer's language. NULL for rows
-- written before, and for tasks a person wrote. Lock-step with the other backend's 0019.
ALTER TABLE alerts ADD COLUMN reason_detail TEXT;
ALTER TABLE tasks ADD COLUMN reason_detail TEXT;
