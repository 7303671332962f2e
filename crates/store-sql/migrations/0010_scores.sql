--@postgres -- Customer scoring (issue 5). Lock-step with SQLite's 0010.
--@sqlite -- Customer scoring (issue 5). Lock-step with PostgreSQL's 0010.
-- A scoring run computes one row per party and as-of date; rows of earlier as-of dates stay
-- (history, R3.10), a re-run of the same as-of date replaces its rows.
CREATE TABLE score_runs (
    id              {{identity}} PRIMARY KEY,
    as_of           {{date}} NOT NULL,
    model_version   TEXT NOT NULL,
    started_by      TEXT NOT NULL,
    started_at      {{timestamptz}} NOT NULL,
    finished_at     {{timestamptz}},
    parties         {{int8}} NOT NULL DEFAULT 0,
    churn_auc       {{float8}},
    stages_json     TEXT
);

CREATE TABLE party_scores (
    party_id        {{int8}} NOT NULL REFERENCES parties (id),
    as_of           {{date}} NOT NULL,
    run_id          {{int8}} NOT NULL REFERENCES score_runs (id),
    model_version   TEXT NOT NULL,
    value_score     {{float8}} NOT NULL,
    tier            TEXT NOT NULL,
    lifecycle       TEXT NOT NULL,
    churn_risk      {{float8}} NOT NULL,
    clv_minor       {{int8}} NOT NULL,
    p_alive         {{float8}} NOT NULL,
    clv_class       TEXT NOT NULL,
    rfm_segment     TEXT NOT NULL,
    credit_rating   TEXT NOT NULL,
    profit_minor    {{int8}} NOT NULL,
    aum_minor       {{int8}} NOT NULL,
    detail_json     TEXT NOT NULL,
    PRIMARY KEY (party_id, as_of)
);
CREATE INDEX party_scores_as_of ON party_scores (as_of);

CREATE TABLE alerts (
    id              {{identity}} PRIMARY KEY,
    party_id        {{int8}} NOT NULL REFERENCES parties (id),
    kind            TEXT NOT NULL,
    severity        TEXT NOT NULL,
    reason          TEXT NOT NULL,
    as_of           {{date}} NOT NULL,
    created_at      {{timestamptz}} NOT NULL,
    staff_id        {{int8}} REFERENCES staff (id),
    -- open | done | dismissed
    status          TEXT NOT NULL,
    dedup_key       TEXT NOT NULL UNIQUE
);
CREATE INDEX alerts_party ON alerts (party_id, created_at);
CREATE INDEX alerts_staff ON alerts (staff_id, status);

CREATE TABLE tier_change_proposals (
    id                      {{identity}} PRIMARY KEY,
    party_id                {{int8}} NOT NULL REFERENCES parties (id),
    as_of                   {{date}} NOT NULL,
    from_tier               TEXT,
    to_tier                 TEXT NOT NULL,
    propose_dedicated_rm    {{boolean}} NOT NULL,
    rule                    TEXT NOT NULL,
    -- proposed | accepted | declined
    status                  TEXT NOT NULL,
    created_at              {{timestamptz}} NOT NULL,
    UNIQUE (party_id, as_of)
);

--@postgres DO $$
--@postgres BEGIN
--@postgres     IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'rapport_app') THEN
--@postgres         GRANT SELECT, INSERT, UPDATE, DELETE ON score_runs, party_scores, alerts,
--@postgres             tier_change_proposals TO rapport_app;
--@postgres         GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO rapport_app;
--@postgres     END IF;
--@postgres END $$;
--@postgres