//! The churn model evaluated as a validator would (issue 23): trained only on snapshots whose
//! outcome windows end by the test snapshot, tested on customers it never saw, scored beside a
//! three-input logistic baseline on the same rows, and checked for figures too good to trust.
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{CHURN_INPUT_NAMES, ChurnModel, churn_inputs};
use crate::config::ModelConfig;
use crate::error::ScoringError;
use crate::features::Features;
use crate::metrics::{auc, held_out};
use crate::validation::{
    CalibrationBin, LogisticBaseline, MIN_TEST_POSITIVES, SanityWarning, auc_interval, calibration,
    lift_and_recall, pr_auc, sanity_check,
};

/// The baseline's inputs: the simple signals a churn model must beat.
pub const BASELINE_INPUTS: [&str; 3] = ["aum_change_3m", "tx_change_3m", "tenure_months"];

/// The true probability that a party churns within the horizon after a snapshot, as only the
/// generator of a synthetic bank knows it: `(party, snapshot, horizon months)` → probability,
/// `None` for a party it cannot place. Ranks the test rows as well as anyone could.
#[derive(Clone)]
pub struct ChurnOracle(Arc<dyn Fn(i64, NaiveDate, u32) -> Option<f64> + Send + Sync>);

impl ChurnOracle {
    pub fn new(
        probability: impl Fn(i64, NaiveDate, u32) -> Option<f64> + Send + Sync + 'static,
    ) -> Self {
        Self(Arc::new(probability))
    }

    /// The true probability that `party` churns within `horizon` months after `snapshot`;
    /// `None` when the oracle cannot place the party.
    pub fn probability(&self, party: i64, snapshot: NaiveDate, horizon: u32) -> Option<f64> {
        (self.0)(party, snapshot, horizon)
    }

    /// The oracle's AUC over the test rows it can place, and how many it placed.
    fn auc(&self, rows: &[&Features], labels: &[bool], horizon: u32) -> (Option<f64>, usize) {
        let (scores, placed): (Vec<f64>, Vec<bool>) = (rows.iter().zip(labels))
            .filter_map(|(f, l)| {
                self.probability(f.party_id, f.as_of, horizon)
                    .map(|p| (p, *l))
            })
            .unzip();
        (auc(&scores, &placed), scores.len())
    }
}

impl fmt::Debug for ChurnOracle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChurnOracle")
    }
}

/// Labelled rows: each customer's features at a snapshot and whether they churned within the
/// horizon after it.
#[derive(Debug, Clone, Copy)]
pub struct Labelled<'a> {
    pub rows: &'a [Features],
    pub labels: &'a [bool],
}

/// How many rows, customers and churners a side of the evaluation holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub rows: usize,
    pub customers: usize,
    pub churned: usize,
}

/// The out-of-time evaluation of the churn model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnValidation {
    pub test_snapshot: NaiveDate,
    pub horizon_months: u32,
    pub train: Counts,
    pub test: Counts,
    pub auc: f64,
    /// 95% bootstrap interval of the AUC.
    pub auc_interval: Option<(f64, f64)>,
    pub pr_auc: Option<f64>,
    /// (lift, recall) of the top 5% and 10% of test customers by predicted risk.
    pub top_5: Option<(f64, f64)>,
    pub top_10: Option<(f64, f64)>,
    pub calibration: Vec<CalibrationBin>,
    /// The logistic regression on [`BASELINE_INPUTS`], trained and tested on the same rows.
    pub baseline_auc: Option<f64>,
    /// The true hazard's ranking of the test rows, where the bank's truth is known.
    pub oracle_auc: Option<f64>,
    /// Test rows the oracle could place (its AUC is over these).
    #[serde(default)]
    pub oracle_rows: usize,
    pub warnings: Vec<SanityWarning>,
}

/// Why the evaluation could not be made.
fn not_evaluable(reason: impl Into<String>) -> ScoringError {
    ScoringError::NotTrainable {
        model: "churn (out-of-time evaluation)".to_owned(),
        reason: reason.into(),
    }
}

/// The evaluation with what it was made of: which of the given rows trained and which were
/// tested, and the model and baseline that scored them — all an export of its rows needs
/// ([`ChurnEvaluation::write_csv`]), kept here so that nothing else decides the split.
#[derive(Debug, Clone)]
pub struct ChurnEvaluation {
    pub validation: ChurnValidation,
    /// Per row of the training rows given: whether it trained (its customer is not tested).
    pub(super) trained: Vec<bool>,
    /// Per row of the test rows given: whether it was tested (its customer was drawn).
    pub(super) tested: Vec<bool>,
    /// The model trained on the training rows kept.
    pub(super) model: ChurnModel,
    /// The logistic baseline, when it could be fitted.
    pub(super) baseline: Option<Baseline>,
    /// The model's and the baseline's probabilities on the tested rows, in their order.
    pub(super) scores: Vec<f64>,
    pub(super) baseline_scores: Option<Vec<f64>>,
    pub(super) oracle: Option<ChurnOracle>,
}

/// Trains a churn model on `train` and evaluates it on `test`, whose rows are all of one
/// snapshot. Every training row's outcome window (its snapshot + `horizon_months`) must end by
/// the test snapshot — otherwise training would see the test period, and this refuses — and
/// the customers are split so that no test customer is among the training rows.
pub fn validate_out_of_time(
    train: Labelled<'_>,
    test: Labelled<'_>,
    horizon_months: u32,
    seed: u64,
    cfg: &ModelConfig,
    oracle: Option<&ChurnOracle>,
) -> Result<ChurnValidation, ScoringError> {
    evaluate_out_of_time(train, test, horizon_months, seed, cfg, oracle).map(|e| e.validation)
}

/// [`validate_out_of_time`], keeping the split and the fitted models for an export of the rows
/// ([`ChurnEvaluation::write_csv`]). The rows are picked by reference, never copied.
pub fn evaluate_out_of_time(
    train: Labelled<'_>,
    test: Labelled<'_>,
    horizon_months: u32,
    seed: u64,
    cfg: &ModelConfig,
    oracle: Option<&ChurnOracle>,
) -> Result<ChurnEvaluation, ScoringError> {
    let test_snapshot = one_snapshot(test.rows)?;
    check_no_overlap(train.rows, test_snapshot, horizon_months)?;
    let (trained, tested) = disjoint_customers(train, test, cfg.test_share, seed);
    let (train_rows, train_labels) = picked(train, &trained);
    let (test_rows, labels) = picked(test, &tested);
    let (model, _) = ChurnModel::train_on(&train_rows, &train_labels, seed, cfg)?;
    let scores = model.predict_many(test_rows.iter().copied());
    let baseline = Baseline::fit(&train_rows, &train_labels);
    let baseline_scores =
        (baseline.as_ref()).map(|b| test_rows.iter().map(|f| b.predict(f)).collect::<Vec<f64>>());
    let baseline_auc = baseline_scores.as_ref().and_then(|s| auc(s, &labels));
    let auc = auc(&scores, &labels).ok_or_else(|| not_evaluable("no AUC on the test rows"))?;
    let test_counts = counts(&test_rows, &labels);
    let (oracle_auc, oracle_rows) =
        oracle.map_or((None, 0), |o| o.auc(&test_rows, &labels, horizon_months));
    let mut warnings = sanity_check(auc, baseline_auc, oracle_auc);
    if test_counts.churned < MIN_TEST_POSITIVES {
        warnings.push(SanityWarning::FewPositives {
            positives: test_counts.churned,
        });
    }
    let validation = ChurnValidation {
        test_snapshot,
        horizon_months,
        train: counts(&train_rows, &train_labels),
        test: test_counts,
        auc,
        auc_interval: auc_interval(&scores, &labels, 200, 0.95, seed),
        pr_auc: pr_auc(&scores, &labels),
        top_5: lift_and_recall(&scores, &labels, 0.05),
        top_10: lift_and_recall(&scores, &labels, 0.10),
        calibration: calibration(&scores, &labels, 10),
        baseline_auc,
        oracle_auc,
        oracle_rows,
        warnings,
    };
    Ok(ChurnEvaluation {
        validation,
        trained,
        tested,
        model,
        baseline,
        scores,
        baseline_scores,
        oracle: oracle.cloned(),
    })
}

fn one_snapshot(rows: &[Features]) -> Result<NaiveDate, ScoringError> {
    let first = rows
        .first()
        .ok_or_else(|| not_evaluable("no test rows"))?
        .as_of;
    if rows.iter().any(|f| f.as_of != first) {
        return Err(not_evaluable("the test rows are not all of one snapshot"));
    }
    Ok(first)
}

/// Refuses training rows whose outcome window reaches past the test snapshot.
fn check_no_overlap(
    train: &[Features],
    test_snapshot: NaiveDate,
    horizon_months: u32,
) -> Result<(), ScoringError> {
    for f in train {
        let outcome_end = f
            .as_of
            .checked_add_months(Months::new(horizon_months))
            .ok_or_else(|| not_evaluable("a training snapshot's horizon is out of range"))?;
        if outcome_end > test_snapshot {
            return Err(not_evaluable(format!(
                "a training row of {} looks {horizon_months} months ahead, past the test \
                 snapshot {test_snapshot}: training would see the test period",
                f.as_of
            )));
        }
    }
    Ok(())
}

/// Which training rows train and which test rows are tested: the test customers are a seeded
/// share of the test snapshot's (stratified by outcome), and every training row of theirs is
/// left out.
fn disjoint_customers(
    train: Labelled<'_>,
    test: Labelled<'_>,
    test_share: f64,
    seed: u64,
) -> (Vec<bool>, Vec<bool>) {
    let ids: Vec<i64> = test.rows.iter().map(|f| f.party_id).collect();
    let tested = held_out(&ids, test.labels, test_share, seed);
    let test_customers: HashSet<i64> = (ids.iter().zip(&tested))
        .filter(|(_, t)| **t)
        .map(|(id, _)| *id)
        .collect();
    let trained = (train.rows.iter())
        .map(|f| !test_customers.contains(&f.party_id))
        .collect();
    (trained, tested)
}

/// The rows (by reference) and labels that `keep` marks.
fn picked<'a>(rows: Labelled<'a>, keep: &[bool]) -> (Vec<&'a Features>, Vec<bool>) {
    (rows.rows.iter().zip(rows.labels).zip(keep))
        .filter(|(_, k)| **k)
        .map(|((f, l), _)| (f, *l))
        .unzip()
}

fn counts(rows: &[&Features], labels: &[bool]) -> Counts {
    Counts {
        rows: rows.len(),
        customers: rows
            .iter()
            .map(|f| f.party_id)
            .collect::<HashSet<_>>()
            .len(),
        churned: labels.iter().filter(|l| **l).count(),
    }
}

/// The logistic regression on [`BASELINE_INPUTS`].
#[derive(Debug, Clone)]
pub(super) struct Baseline {
    /// Where each baseline input is in [`CHURN_INPUT_NAMES`].
    positions: Vec<usize>,
    model: LogisticBaseline,
}

impl Baseline {
    /// Fitted on the training rows; `None` when it cannot be (one class only).
    fn fit(rows: &[&Features], labels: &[bool]) -> Option<Self> {
        let positions: Vec<usize> = BASELINE_INPUTS
            .iter()
            .filter_map(|name| CHURN_INPUT_NAMES.iter().position(|n| n == name))
            .collect();
        let inputs: Vec<Vec<f64>> = rows.iter().map(|f| inputs(&positions, f)).collect();
        let model = LogisticBaseline::fit(&inputs, labels)?;
        Some(Self { positions, model })
    }

    /// The baseline's probability of churn for one row.
    pub(super) fn predict(&self, f: &Features) -> f64 {
        self.model.predict(&inputs(&self.positions, f))
    }
}

/// The churn inputs at `positions` of one row.
fn inputs(positions: &[usize], f: &Features) -> Vec<f64> {
    let all = churn_inputs(f);
    positions
        .iter()
        .filter_map(|p| all.get(*p).copied())
        .collect()
}
