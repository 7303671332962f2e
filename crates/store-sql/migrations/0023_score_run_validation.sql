-- The churn model's out-of-time evaluation of a scoring run (issue 23: rows and customers on
-- each side, AUC with its interval, PR AUC, lift, calibration, the baseline, the warnings), as
-- JSON, kept with the run it judged.
ALTER TABLE score_runs ADD COLUMN churn_validation TEXT;
