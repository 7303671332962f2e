-- A scoring run whose bank has too little churn history to train a model scores with the
-- churn rules only and leaves the model's probability empty. Lock-step with PostgreSQL's 0011.
-- SQLite cannot drop a NOT NULL constraint, so the table is rebuilt.
CREATE TABLE party_scores_new (
    party_id        INTEGER NOT NULL REFERENCES parties (id),
    as_of           TEXT NOT NULL,
    run_id          INTEGER NOT NULL REFERENCES score_runs (id),
    model_version   TEXT NOT NULL,
    value_score     REAL NOT NULL,
    tier            TEXT NOT NULL,
    lifecycle       TEXT NOT NULL,
    churn_risk      REAL,
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
INSERT INTO party_scores_new SELECT * FROM party_scores;
DROP TABLE party_scores;
ALTER TABLE party_scores_new RENAME TO party_scores;
CREATE INDEX party_scores_as_of ON party_scores (as_of);
