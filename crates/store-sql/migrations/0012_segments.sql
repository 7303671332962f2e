--@postgres -- Saved customer segments (R3.3). Lock-step with SQLite's 0012.
--@sqlite -- Saved customer segments (R3.3). Lock-step with PostgreSQL's 0012.
-- A segment is a staff member's filter over the warehouse's features table, kept as the
-- checker accepted it; its members are kept per as-of date (re-evaluating a date replaces
-- that date's members). `latest_as_of` is the latest date it was evaluated for, so an
-- evaluation that selects nobody still counts as the latest.
CREATE TABLE segments (
    id              {{identity}} PRIMARY KEY,
    name            TEXT NOT NULL,
    expression      TEXT NOT NULL,
    description     TEXT,
    created_by      {{int8}} NOT NULL REFERENCES staff (id),
    created_at      {{timestamptz}} NOT NULL,
    deleted_at      {{timestamptz}},
    latest_as_of    {{date}}
);
-- Names are unique among active segments: a deleted segment's name may be used again.
CREATE UNIQUE INDEX segments_active_name ON segments (name) WHERE deleted_at IS NULL;

CREATE TABLE segment_members (
    segment_id      {{int8}} NOT NULL REFERENCES segments (id),
    as_of           {{date}} NOT NULL,
    party_id        {{int8}} NOT NULL REFERENCES parties (id),
    PRIMARY KEY (segment_id, as_of, party_id)
);
CREATE INDEX segment_members_party ON segment_members (party_id);

--@postgres DO $$
--@postgres BEGIN
--@postgres     IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'rapport_app') THEN
--@postgres         GRANT SELECT, INSERT, UPDATE, DELETE ON segments, segment_members TO rapport_app;
--@postgres         GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO rapport_app;
--@postgres     END IF;
--@postgres END $$;
--@postgres