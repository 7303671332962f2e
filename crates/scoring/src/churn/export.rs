//! The rows of the out-of-time churn evaluation as CSV, for setting other learners (LightGBM,
//! scikit-learn) beside the model and its baseline on exactly the rows it trained and tested on
//! (`bench/churn-bank.sh`). Streamed: a bank's training rows are never copied, and the model
//! scores them a chunk at a time.
use std::io::{self, Write};

use super::inputs::{CHURN_INPUT_NAMES, churn_inputs};
use super::out_of_time::{ChurnEvaluation, Labelled};
use crate::features::Features;

/// Training rows the model scores at a time.
const CHUNK: usize = 8_192;

impl ChurnEvaluation {
    /// Writes one CSV row per (customer, snapshot) the evaluation used: `party_id, snapshot,
    /// set` (`train` or `test`), `label` (1 = churned within the horizon), the model's inputs
    /// by [`CHURN_INPUT_NAMES`], then `model` (the trained model's probability: out of sample
    /// on the test rows, in sample on the training rows), `baseline` (the logistic baseline's
    /// probability; empty when it could not be fitted) and `oracle` (the true probability,
    /// empty when no oracle knows the customer). Training rows first, then the test rows.
    ///
    /// `train` and `test` must be the rows the evaluation was made from
    /// ([`evaluate_out_of_time`](super::out_of_time::evaluate_out_of_time)); rows of other
    /// lengths are refused. The model column of the test rows is the one the reported AUC was
    /// computed from.
    pub fn write_csv(
        &self,
        train: Labelled<'_>,
        test: Labelled<'_>,
        out: impl Write,
    ) -> io::Result<()> {
        let matches = |rows: Labelled<'_>, marks: &[bool]| {
            rows.rows.len() == marks.len() && rows.labels.len() == marks.len()
        };
        if !matches(train, &self.trained) || !matches(test, &self.tested) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the rows given are not those the churn evaluation was made from",
            ));
        }
        let mut out = io::BufWriter::new(out);
        writeln!(
            out,
            "party_id,snapshot,set,label,{},model,baseline,oracle",
            CHURN_INPUT_NAMES.join(",")
        )?;
        let mut chunk: Vec<(&Features, bool)> = Vec::with_capacity(CHUNK);
        for ((f, label), _) in (train.rows.iter().zip(train.labels).zip(&self.trained))
            .filter(|(_, trained)| **trained)
        {
            chunk.push((f, *label));
            if chunk.len() == CHUNK {
                self.write_training_chunk(&mut out, &chunk)?;
                chunk.clear();
            }
        }
        self.write_training_chunk(&mut out, &chunk)?;
        let tested = (test.rows.iter().zip(test.labels).zip(&self.tested))
            .filter(|(_, tested)| **tested)
            .map(|((f, label), _)| (f, *label));
        for (i, (f, label)) in tested.enumerate() {
            let model = self.scores.get(i).copied();
            let baseline = (self.baseline_scores.as_ref()).and_then(|s| s.get(i).copied());
            self.write_row(&mut out, "test", f, label, model, baseline)?;
        }
        out.flush()
    }

    /// Training rows, scored by the model and the baseline as they are written.
    fn write_training_chunk(
        &self,
        out: &mut impl Write,
        chunk: &[(&Features, bool)],
    ) -> io::Result<()> {
        let scores = self.model.predict_many(chunk.iter().map(|(f, _)| *f));
        for ((f, label), model) in chunk.iter().zip(scores) {
            let baseline = self.baseline.as_ref().map(|b| b.predict(f));
            self.write_row(out, "train", f, *label, Some(model), baseline)?;
        }
        Ok(())
    }

    fn write_row(
        &self,
        out: &mut impl Write,
        set: &str,
        f: &Features,
        label: bool,
        model: Option<f64>,
        baseline: Option<f64>,
    ) -> io::Result<()> {
        write!(out, "{},{},{set},{}", f.party_id, f.as_of, u8::from(label))?;
        for x in churn_inputs(f) {
            write!(out, ",{x}")?;
        }
        let horizon = self.validation.horizon_months;
        let oracle =
            (self.oracle.as_ref()).and_then(|o| o.probability(f.party_id, f.as_of, horizon));
        let cell = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
        writeln!(out, ",{},{},{}", cell(model), cell(baseline), cell(oracle))
    }
}
