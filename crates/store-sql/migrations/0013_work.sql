-- The relationship manager's work (issue 6): tasks and the interactions log.
--@postgres -- Lock-step with SQLite's 0013.
--@sqlite -- Lock-step with PostgreSQL's 0013.
CREATE TABLE interactions (
    id              {{identity}} PRIMARY KEY,
    party_id        {{int8}} NOT NULL REFERENCES parties (id),
    staff_id        {{int8}} NOT NULL REFERENCES staff (id),
    -- branch_visit | phone | sms | wechat | email | app | event
    channel         TEXT NOT NULL,
    -- outbound | inbound
    direction       TEXT NOT NULL,
    -- A task kind when the contact was for one (care, retention …).
    purpose         TEXT,
    occurred_at     {{timestamptz}} NOT NULL,
    notes           TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    task_id         {{int8}},
    alert_id        {{int8}} REFERENCES alerts (id)
);
CREATE INDEX interactions_party ON interactions (party_id, occurred_at);
CREATE INDEX interactions_staff ON interactions (staff_id, occurred_at);

CREATE TABLE tasks (
    id              {{identity}} PRIMARY KEY,
    party_id        {{int8}} NOT NULL REFERENCES parties (id),
    owner_staff_id  {{int8}} NOT NULL REFERENCES staff (id),
    -- call | visit | revisit | retention | care | follow_up
    kind            TEXT NOT NULL,
    reason          TEXT NOT NULL,
    alert_id        {{int8}} REFERENCES alerts (id),
    due_on          {{date}} NOT NULL,
    -- open | done | cancelled
    status          TEXT NOT NULL,
    outcome         TEXT,
    created_by      {{int8}} REFERENCES staff (id),
    created_at      {{timestamptz}} NOT NULL,
    completed_at    {{timestamptz}},
    interaction_id  {{int8}} REFERENCES interactions (id)
);
CREATE INDEX tasks_owner ON tasks (owner_staff_id, status, due_on);
CREATE INDEX tasks_party ON tasks (party_id, created_at);
-- An alert makes at most one task.
CREATE UNIQUE INDEX tasks_one_per_alert ON tasks (alert_id) WHERE alert_id IS NOT NULL;

-- Which calendar a customer keeps their birthday by: solar | lunar (农历).
ALTER TABLE parties ADD COLUMN birthday_calendar TEXT NOT NULL DEFAULT 'solar';

-- Bulk moves of an RM's portfolio (R4.1, R1.6); above a size they wait for a second person.
CREATE TABLE reassignments (
    id              {{identity}} PRIMARY KEY,
    from_staff_id   {{int8}} NOT NULL REFERENCES staff (id),
    to_staff_id     {{int8}} NOT NULL REFERENCES staff (id),
    -- pending | applied
    status          TEXT NOT NULL,
    customers       {{int8}} NOT NULL,
    moved           {{int8}} NOT NULL DEFAULT 0,
    requested_by    {{int8}} NOT NULL REFERENCES staff (id),
    requested_at    {{timestamptz}} NOT NULL,
    approved_by     {{int8}} REFERENCES staff (id),
    approved_at     {{timestamptz}}
);

-- Contact plans (R4.3): a cadence per tier, or per customer (which wins over its tier's).
CREATE TABLE contact_plans (
    id              {{identity}} PRIMARY KEY,
    tier            TEXT,
    party_id        {{int8}} REFERENCES parties (id),
    cadence_days    INTEGER NOT NULL CHECK (cadence_days > 0),
    created_by      {{int8}} NOT NULL REFERENCES staff (id),
    created_at      {{timestamptz}} NOT NULL,
    CHECK ((tier IS NULL) <> (party_id IS NULL))
);
CREATE UNIQUE INDEX contact_plans_tier ON contact_plans (tier) WHERE tier IS NOT NULL;
CREATE UNIQUE INDEX contact_plans_party ON contact_plans (party_id) WHERE party_id IS NOT NULL;
