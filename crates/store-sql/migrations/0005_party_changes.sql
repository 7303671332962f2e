--@postgres -- Customer changes with history (R1.5) and optimistic concurrency. Lock-step with SQLite.
--@sqlite -- Customer changes with history (R1.5) and optimistic concurrency. Lock-step with PostgreSQL.
ALTER TABLE parties ADD COLUMN version {{int8}} NOT NULL DEFAULT 1;
ALTER TABLE parties ADD COLUMN preferred_channel TEXT;

CREATE TABLE party_changes (
    id                  {{identity}} PRIMARY KEY,
    party_id            {{int8}} NOT NULL REFERENCES parties (id),
    -- The party version this change produced.
    version             {{int8}} NOT NULL,
--@sqlite     -- Fixed-width UTC text, so text order is time order.
    changed_at          {{timestamptz}} NOT NULL,
    changed_by_staff_id {{int8}},
    changed_by          TEXT NOT NULL,
    -- Where the change came from: rapport (UI/API) or a source system.
    source              TEXT NOT NULL,
    field               TEXT NOT NULL,
    -- Values as stored in parties: identifiers sealed.
    old_value           TEXT,
    new_value           TEXT
);
CREATE INDEX party_changes_party ON party_changes (party_id, id);
