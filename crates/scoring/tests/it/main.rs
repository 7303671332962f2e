//! Integration tests of rapport-scoring on a small synthetic bank (see `synth`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

mod churn;
mod clv;
mod config;
mod explain;
mod input;
mod lifecycle;
mod nbp;
mod out_of_time;
mod rfm;
mod synth;
mod tiers;

use std::sync::OnceLock;

use rapport_scoring::{ChurnModel, NbpModel, ScoringConfig, TrainReport};

pub const SEED: u64 = 20_240_601;

/// Models trained once for all tests (training is the slow part).
pub struct Trained {
    pub customers: Vec<synth::Customer>,
    pub churn: ChurnModel,
    pub report: TrainReport,
    pub nbp: NbpModel,
}

pub fn trained() -> &'static Trained {
    static TRAINED: OnceLock<Trained> = OnceLock::new();
    TRAINED.get_or_init(|| {
        let customers = synth::population(SEED, 2_000, synth::Options::default());
        let (rows, labels) = synth::churn_rows(&customers);
        let (churn, report) = ChurnModel::train(&rows, &labels, SEED).unwrap();
        let snapshot = synth::snapshot(&customers, synth::HORIZON - 1);
        let nbp = NbpModel::train(&snapshot, SEED, &ScoringConfig::default().nbp).unwrap();
        Trained {
            customers,
            churn,
            report,
            nbp,
        }
    })
}
