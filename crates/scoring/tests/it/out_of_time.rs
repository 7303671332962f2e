//! The out-of-time churn evaluation: training never sees the test period or the test
//! customers, the baseline is scored on the same rows, and a leak is flagged.
use rapport_scoring::ScoringError;
use std::collections::HashMap;

use rapport_scoring::churn::out_of_time::{
    ChurnOracle, ChurnValidation, Labelled, validate_out_of_time,
};
use rapport_scoring::validation::SanityWarning;
use rapport_scoring::{Features, ModelConfig};

use crate::SEED;
use crate::synth::{self, Customer, HORIZON};

const H: usize = 3;

type Rows = (Vec<Features>, Vec<bool>);

/// Rows and labels at months `months`, for customers active then.
fn rows_at(customers: &[Customer], months: &[usize]) -> Rows {
    let mut rows = Vec::new();
    let mut labels = Vec::new();
    for c in customers {
        for t in months {
            if let (true, Some(f)) = (c.active_at(*t), c.features_at(*t)) {
                rows.push(f);
                labels.push(c.churns_within(*t, H));
            }
        }
    }
    (rows, labels)
}

/// The test snapshot S = the last month − H, and training snapshots at S − H and before.
fn out_of_time(customers: &[Customer]) -> (Rows, Rows) {
    let s = HORIZON - 1 - H;
    let train_months: Vec<usize> = (12..=s - H).rev().step_by(H).collect();
    (rows_at(customers, &train_months), rows_at(customers, &[s]))
}

/// The evaluation of `train` against `test` with the default model settings.
fn validate(train: &Rows, test: &Rows) -> Result<ChurnValidation, ScoringError> {
    validate_with(train, test, None)
}

fn validate_with(
    train: &Rows,
    test: &Rows,
    oracle: Option<&ChurnOracle>,
) -> Result<ChurnValidation, ScoringError> {
    validate_out_of_time(
        Labelled {
            rows: &train.0,
            labels: &train.1,
        },
        Labelled {
            rows: &test.0,
            labels: &test.1,
        },
        H as u32,
        SEED,
        &ModelConfig::default(),
        oracle,
    )
}

#[test]
fn the_model_is_tested_out_of_time_on_customers_it_never_saw() {
    let customers = synth::population(SEED, 2_000, synth::Options::default());
    let (train, test) = out_of_time(&customers);
    let v = validate(&train, &test).unwrap();
    eprintln!("{v:#?}");
    assert_eq!(v.test_snapshot, synth::month_end(HORIZON - 1 - H));
    assert!(v.test.churned > 0 && v.train.churned > 0, "{v:?}");
    // About a quarter of the test snapshot's customers are tested; none of them trained.
    let test_share = v.test.customers as f64 / test.0.len() as f64;
    assert!((0.2..0.3).contains(&test_share), "{test_share}");
    assert!(v.train.customers + v.test.customers <= customers.len());
    let (lo, hi) = v.auc_interval.unwrap();
    assert!(lo <= v.auc && v.auc <= hi, "{lo} {} {hi}", v.auc);
    assert!(v.baseline_auc.unwrap() > 0.5, "{v:?}");
    assert!(v.top_10.unwrap().0 > 1.0, "{v:?}");
    assert_eq!(
        v.calibration.iter().map(|b| b.rows).sum::<usize>(),
        v.test.rows
    );
}

#[test]
fn training_that_looks_into_the_test_period_is_refused() {
    let customers = synth::population(SEED, 300, synth::Options::default());
    let s = HORIZON - 1 - H;
    // A training snapshot one month before the test snapshot: its outcome window reaches past S.
    let train = rows_at(&customers, &[s - 1]);
    let test = rows_at(&customers, &[s]);
    let err = validate(&train, &test).unwrap_err().to_string();
    assert!(err.contains("training would see the test period"), "{err}");
}

#[test]
fn a_leaky_feature_sets_off_the_sanity_check() {
    let customers = synth::population(SEED, 2_000, synth::Options::default());
    let (mut train, mut test) = out_of_time(&customers);
    // The leak: the outcome written into a feature (the way a look-ahead snapshot would).
    for (rows, labels) in [(&mut train.0, &train.1), (&mut test.0, &test.1)] {
        for (f, churned) in rows.iter_mut().zip(labels.iter()) {
            f.payroll_months = if *churned { 0 } else { 12 };
        }
    }
    let v = validate(&train, &test).unwrap();
    assert!(
        v.warnings
            .iter()
            .any(|w| matches!(w, SanityWarning::TooGood { .. })),
        "AUC {} raised {:?}",
        v.auc,
        v.warnings
    );
}

#[test]
fn the_model_is_set_beside_the_oracle_on_the_same_rows() {
    let customers = synth::population(SEED, 2_000, synth::Options::default());
    let (train, test) = out_of_time(&customers);
    let without = validate(&train, &test).unwrap();
    assert_eq!((without.oracle_auc, without.oracle_rows), (None, 0));
    // An oracle that knows each outcome ranks perfectly, and the model is far below it.
    let outcome: HashMap<i64, bool> = test
        .0
        .iter()
        .map(|f| f.party_id)
        .zip(test.1.clone())
        .collect();
    let knows =
        ChurnOracle::new(move |party, _, _| outcome.get(&party).map(|c| f64::from(u8::from(*c))));
    let v = validate_with(&train, &test, Some(&knows)).unwrap();
    assert_eq!(v.oracle_auc, Some(1.0));
    assert_eq!(v.oracle_rows, v.test.rows);
    assert!(
        v.warnings
            .iter()
            .any(|w| matches!(w, SanityWarning::FarFromOracle { .. })),
        "{v:?}"
    );
    // One that places nobody says nothing.
    let blind = ChurnOracle::new(|_, _, _| None);
    let v = validate_with(&train, &test, Some(&blind)).unwrap();
    assert_eq!((v.oracle_auc, v.oracle_rows), (None, 0));
}
