-- Customer scoring (issue 5). Lock-step with PostgreSQL's 0010.
-- A scoring run computes one row per party and as-of date; rows of earlier as-of dates stay
-- (history, R3.10), a re-run of the same as-of date replaces its rows.
CREATE TABLE score_runs (
    id              INTEGER PRIMARY KEY,
    as_of           TEXT NOT NULL,
    model_version   TEXT NOT NULL,
    started_by      TEXT NOT NULL,
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    parties         INTEGER NOT NULL DEFAULT 0,
    churn_auc       REAL,
    stages_json     TEXT
);

CREATE TABLE party_scores (
    party_id        INTEGER NOT NULL REFERENCES parties (id),
    as_of           TEXT NOT NULL,
    run_id          INTEGER NOT NULL REFERENCES score_runs (id),
    model_version   TEXT NOT NULL,
    value_score     REAL NOT NULL,
    tier            TEXT NOT NULL,
    lifecycle       TEXT NOT NULL,
    churn_risk      REAL NOT NULL,
    clv_minor       INTEGER NOT NULL,
    p_alive         REAL NOT NULL,
    clv_class       TEXT NOT NULL,
    rfm_segment     TEXT NOT NULL,
    credit_rating   TEXT NOT NULL,
    profit_minor    INTEGER NOT NULL,
    aum_minor       INTEGER NOT NULL,
    detail_json     TEXT NOT NULL,
    PRIMARY KEY (party_id, as_of)
);
CREATE INDEX party_scores_as_of ON party_scores (as_of);

CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY,
    party_id        INTEGER NOT NULL REFERENCES parties (id),
    kind            TEXT NOT NULL,
    severity        TEXT NOT NULL,
    reason          TEXT NOT NULL,
    as_of           TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    staff_id        INTEGER REFERENCES staff (id),
    -- open | done | dismissed
    status          TEXT NOT NULL,
    dedup_key       TEXT NOT NULL UNIQUE
);
CREATE INDEX alerts_party ON alerts (party_id, created_at);
CREATE INDEX alerts_staff ON alerts (staff_id, status);

CREATE TABLE tier_change_proposals (
    id                      INTEGER PRIMARY KEY,
    party_id                INTEGER NOT NULL REFERENCES parties (id),
    as_of                   TEXT NOT NULL,
    from_tier               TEXT,
    to_tier                 TEXT NOT NULL,
    propose_dedicated_rm    INTEGER NOT NULL,
    rule                    TEXT NOT NULL,
    -- proposed | accepted | declined
    status                  TEXT NOT NULL,
    created_at              TEXT NOT NULL,
    UNIQUE (party_id, as_of)
);
