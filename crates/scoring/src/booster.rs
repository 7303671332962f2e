//! A binary classifier of boosted trees (the `perpetual` crate, pure Rust), shared by the
//! churn model and the next-best-product models: fit on row vectors, predict probabilities
//! and each input's contribution to the log-odds.
use perpetual::booster::config::{ContributionsMethod, ImportanceMethod};
use perpetual::objective::Objective;
use perpetual::{Matrix, PerpetualBooster};
use serde::{Deserialize, Serialize};

use crate::config::ModelConfig;
use crate::error::ScoringError;

#[derive(Clone, Serialize, Deserialize)]
pub struct Classifier {
    booster: PerpetualBooster,
    inputs: usize,
    /// Added to the ensemble's log-odds so that probabilities average to the base rate (see
    /// [`Classifier::calibrate`]).
    offset: f64,
}

impl std::fmt::Debug for Classifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Classifier")
            .field("inputs", &self.inputs)
            .field("trees", &self.booster.get_prediction_trees().len())
            .field("offset", &self.offset)
            .finish()
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// perpetual's matrices are column-major.
fn column_major(rows: &[Vec<f64>], inputs: usize) -> Vec<f64> {
    let mut data = vec![0.0; rows.len() * inputs];
    if rows.is_empty() {
        return data;
    }
    // One chunk per input (column), one slot per row in it.
    for (c, column) in data.chunks_mut(rows.len()).enumerate() {
        for (slot, row) in column.iter_mut().zip(rows) {
            if let Some(x) = row.get(c) {
                *slot = *x;
            }
        }
    }
    data
}

impl Classifier {
    pub fn fit(
        model: &str,
        rows: &[Vec<f64>],
        labels: &[bool],
        seed: u64,
        cfg: &ModelConfig,
    ) -> Result<Self, ScoringError> {
        let inputs = rows.first().map_or(0, Vec::len);
        let data = column_major(rows, inputs);
        let matrix = Matrix::new(&data, rows.len(), inputs);
        let y: Vec<f64> = labels.iter().map(|l| f64::from(u8::from(*l))).collect();
        let mut booster = PerpetualBooster::default()
            .set_objective(Objective::LogLoss)
            .set_budget(cfg.budget)
            .set_seed(seed)
            .set_num_threads(Some(cfg.threads));
        // perpetual weights the rare class up by default. That ranks better here (churners
        // are a few percent) but lifts every probability: `calibrate` brings them back.
        booster
            .fit(&matrix, &y, None, None)
            .map_err(|e| ScoringError::Booster {
                model: model.to_owned(),
                reason: e.to_string(),
            })?;
        Ok(Self {
            booster,
            inputs,
            offset: 0.0,
        })
    }

    /// Calibration in the large: shifts the log-odds so that the mean probability over
    /// `rows` is the share of positive `labels`. A shift keeps the order of the rows, so the
    /// AUC is unchanged; pass rows the model was not trained on.
    pub fn calibrate(&mut self, rows: &[Vec<f64>], labels: &[bool]) {
        if rows.is_empty() || rows.len() != labels.len() {
            return;
        }
        let rate = labels.iter().filter(|l| **l).count() as f64 / labels.len() as f64;
        if rate <= 0.0 || rate >= 1.0 {
            return;
        }
        let logits = self.logits(rows);
        let mean_at = |shift: f64| {
            logits.iter().map(|z| sigmoid(z + shift)).sum::<f64>() / logits.len() as f64
        };
        // The mean probability rises with the shift: bisect.
        let (mut low, mut high) = (-40.0, 40.0);
        for _ in 0..100 {
            let mid = (low + high) / 2.0;
            if mean_at(mid) < rate {
                low = mid;
            } else {
                high = mid;
            }
        }
        self.offset = (low + high) / 2.0;
    }

    pub fn offset(&self) -> f64 {
        self.offset
    }

    fn logits(&self, rows: &[Vec<f64>]) -> Vec<f64> {
        if rows.is_empty() {
            return Vec::new();
        }
        let data = column_major(rows, self.inputs);
        let matrix = Matrix::new(&data, rows.len(), self.inputs);
        self.booster.predict(&matrix, false)
    }

    /// Probabilities of the positive class, one per row.
    pub fn predict(&self, rows: &[Vec<f64>]) -> Vec<f64> {
        // The ensemble's log-odds (the sum that `contributions` splits up), shifted by the
        // calibration, through the logistic function.
        self.logits(rows)
            .into_iter()
            .map(|z| sigmoid(z + self.offset))
            .collect()
    }

    /// Each input's contribution to each row's log-odds (tree path averages); one vector of
    /// `inputs` numbers per row.
    pub fn contributions(&self, rows: &[Vec<f64>]) -> Vec<Vec<f64>> {
        if rows.is_empty() {
            return Vec::new();
        }
        let data = column_major(rows, self.inputs);
        let matrix = Matrix::new(&data, rows.len(), self.inputs);
        let flat = self
            .booster
            .predict_contributions(&matrix, ContributionsMethod::Average, false);
        // One row is `inputs` contributions and the bias.
        flat.chunks(self.inputs + 1)
            .map(|c| c.iter().take(self.inputs).copied().collect())
            .collect()
    }

    /// Share of the total split gain per input (sums to 1 over the inputs used).
    pub fn importance(&self) -> Vec<f64> {
        let map = self
            .booster
            .calculate_feature_importance(ImportanceMethod::TotalGain, true);
        (0..self.inputs)
            .map(|i| map.get(&i).map_or(0.0, |v| f64::from(*v)))
            .collect()
    }

    pub fn trees(&self) -> usize {
        self.booster.get_prediction_trees().len()
    }
}
