-- A scoring run whose bank has too little churn history to train a model scores with the
-- churn rules only and leaves the model's probability empty. Lock-step with SQLite's 0011.
ALTER TABLE party_scores ALTER COLUMN churn_risk DROP NOT NULL;
