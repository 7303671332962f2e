//! The trained churn-risk model: boosted trees over [`churn_inputs`], its quality measured
//! on parties held out of training.
use rapport_domain::reason::ChurnDefinition;
use serde::{Deserialize, Serialize};

use super::inputs::{CHURN_INPUT_NAMES, churn_inputs};
use crate::booster::Classifier;
use crate::config::{MODEL_VERSION, ModelConfig};
use crate::error::ScoringError;
use crate::explain::Part;
use crate::features::Features;
use crate::metrics::{auc, held_out, sample_parties};
use crate::score::check_rows;

/// How many inputs a prediction names as its reasons.
pub const REASONS: usize = 3;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChurnModel {
    classifier: Classifier,
    /// The training report, kept with the model so that its quality travels with it.
    pub report: TrainReport,
    /// The event its labels marked, when the caller says ([`ChurnModel::defined_as`]).
    #[serde(default)]
    pub definition: Option<ChurnDefinition>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainReport {
    pub model_version: String,
    /// AUC on the held-out parties: the model's quality (R3.7).
    pub auc_holdout: f64,
    /// AUC on the training rows; far above the held-out AUC means overfitting.
    pub auc_train: f64,
    pub n_train: usize,
    pub n_test: usize,
    pub positives_train: usize,
    pub positives_test: usize,
    pub seed: u64,
    pub budget: f32,
    pub trees: usize,
    /// The log-odds shift that makes the mean held-out probability the held-out churn rate.
    pub calibration_offset: f64,
    /// Inputs by share of split gain, largest first (those with none left out).
    pub importance: Vec<(String, f64)>,
}

impl ChurnModel {
    /// Trains with the default [`ModelConfig`].
    pub fn train(
        rows: &[Features],
        labels: &[bool],
        seed: u64,
    ) -> Result<(Self, TrainReport), ScoringError> {
        Self::train_with(rows, labels, seed, &ModelConfig::default())
    }

    /// Trains on the parties not held out (`test_share` of them, stratified by whether the
    /// party churned, in an order fixed by `seed`) and reports the AUC on the held-out ones.
    /// The returned model is the one measured; it has not seen the held-out parties except to
    /// calibrate the level of its probabilities (which leaves the AUC as it is).
    pub fn train_with(
        rows: &[Features],
        labels: &[bool],
        seed: u64,
        cfg: &ModelConfig,
    ) -> Result<(Self, TrainReport), ScoringError> {
        let rows: Vec<&Features> = rows.iter().collect();
        Self::train_on(&rows, labels, seed, cfg)
    }

    /// [`ChurnModel::train_with`] on rows held elsewhere (a subset of a larger set, picked
    /// without copying it).
    pub(crate) fn train_on(
        rows: &[&Features],
        labels: &[bool],
        seed: u64,
        cfg: &ModelConfig,
    ) -> Result<(Self, TrainReport), ScoringError> {
        if rows.len() != labels.len() {
            return Err(ScoringError::LabelCount {
                rows: rows.len(),
                labels: labels.len(),
            });
        }
        check_rows(rows.iter().copied())?;
        let (rows, labels) = sampled(rows, labels, cfg.max_rows, seed);
        let ids: Vec<i64> = rows.iter().map(|f| f.party_id).collect();
        let test = held_out(&ids, &labels, cfg.test_share, seed);
        let inputs: Vec<Vec<f64>> = rows.iter().map(|f| churn_inputs(f)).collect();
        let (mut train_x, mut train_y, mut test_x, mut test_y) = (vec![], vec![], vec![], vec![]);
        for ((x, y), is_test) in inputs.into_iter().zip(&labels).zip(&test) {
            if *is_test {
                test_x.push(x);
                test_y.push(*y);
            } else {
                train_x.push(x);
                train_y.push(*y);
            }
        }
        let not_trainable = |reason: &str| ScoringError::NotTrainable {
            model: "churn".to_owned(),
            reason: reason.to_owned(),
        };
        let both = |ys: &[bool]| ys.iter().any(|y| *y) && ys.iter().any(|y| !*y);
        if !both(&train_y) || !both(&test_y) {
            return Err(not_trainable(
                "the training and held-out parts each need churned and retained parties",
            ));
        }
        let mut classifier = Classifier::fit("churn", &train_x, &train_y, seed, cfg)?;
        classifier.calibrate(&test_x, &test_y);
        let auc_of = |x: &[Vec<f64>], y: &[bool]| auc(&classifier.predict(x), y);
        let auc_holdout =
            auc_of(&test_x, &test_y).ok_or_else(|| not_trainable("no AUC on the held-out part"))?;
        let auc_train = auc_of(&train_x, &train_y)
            .ok_or_else(|| not_trainable("no AUC on the training part"))?;
        let mut importance: Vec<(String, f64)> = CHURN_INPUT_NAMES
            .iter()
            .zip(classifier.importance())
            .filter(|(_, share)| *share > 0.0)
            .map(|(name, share)| ((*name).to_owned(), share))
            .collect();
        importance.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let report = TrainReport {
            model_version: MODEL_VERSION.to_owned(),
            auc_holdout,
            auc_train,
            n_train: train_y.len(),
            n_test: test_y.len(),
            positives_train: train_y.iter().filter(|y| **y).count(),
            positives_test: test_y.iter().filter(|y| **y).count(),
            seed,
            budget: cfg.budget,
            trees: classifier.trees(),
            calibration_offset: classifier.offset(),
            importance,
        };
        let model = Self {
            classifier,
            report: report.clone(),
            definition: None,
        };
        Ok((model, report))
    }

    /// The model with the event its labels marked, which every score it makes then carries.
    pub fn defined_as(self, definition: ChurnDefinition) -> Self {
        Self {
            definition: Some(definition),
            ..self
        }
    }

    /// The probability that this customer churns.
    pub fn predict(&self, f: &Features) -> f64 {
        self.predict_many(std::slice::from_ref(f))
            .first()
            .copied()
            .unwrap_or(0.0)
    }

    pub fn predict_many<'a>(&self, rows: impl IntoIterator<Item = &'a Features>) -> Vec<f64> {
        let inputs: Vec<Vec<f64>> = rows.into_iter().map(churn_inputs).collect();
        self.classifier.predict(&inputs)
    }

    /// Per row, the [`REASONS`] inputs that raise the churn log-odds most (only those that
    /// raise it): the input's name and value, and its contribution in log-odds.
    pub fn reasons_many(&self, rows: &[Features]) -> Vec<Vec<Part>> {
        let inputs: Vec<Vec<f64>> = rows.iter().map(churn_inputs).collect();
        let contributions = self.classifier.contributions(&inputs);
        inputs
            .iter()
            .zip(contributions)
            .map(|(x, c)| top_reasons(&CHURN_INPUT_NAMES, x, &c, REASONS))
            .collect()
    }
}

/// The rows (and their labels) a model learns from: all of them, or at most `max_rows` of
/// them by whole parties ([`sample_parties`]).
fn sampled<'a>(
    rows: &[&'a Features],
    labels: &[bool],
    max_rows: usize,
    seed: u64,
) -> (Vec<&'a Features>, Vec<bool>) {
    let ids: Vec<i64> = rows.iter().map(|f| f.party_id).collect();
    let keep = sample_parties(&ids, max_rows, seed);
    rows.iter()
        .zip(labels)
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|((f, l), _)| (*f, *l))
        .unzip()
}

/// The `n` largest positive contributions as parts, largest first (ties by input order).
pub(crate) fn top_reasons(
    names: &[&str],
    inputs: &[f64],
    contributions: &[f64],
    n: usize,
) -> Vec<Part> {
    // (input order, name, input, contribution) of the positive contributions.
    let mut order: Vec<(usize, &str, f64, f64)> = names
        .iter()
        .zip(inputs)
        .zip(contributions)
        .enumerate()
        .filter(|(_, (_, c))| **c > 0.0)
        .map(|(i, ((name, input), c))| (i, *name, *input, *c))
        .collect();
    order.sort_by(|a, b| b.3.total_cmp(&a.3).then(a.0.cmp(&b.0)));
    order
        .into_iter()
        .take(n)
        .map(|(_, name, input, c)| Part::new(name, input, c))
        .collect()
}
