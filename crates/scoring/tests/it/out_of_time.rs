//! The out-of-time churn evaluation: training never sees the test period or the test
//! customers, the baseline is scored on the same rows, and a leak is flagged.
use std::collections::{HashMap, HashSet};

use chrono::{Months, NaiveDate};
use rapport_scoring::churn::out_of_time::{
    ChurnEvaluation, ChurnOracle, ChurnValidation, Labelled, evaluate_out_of_time,
    validate_out_of_time,
};
use rapport_scoring::validation::SanityWarning;
use rapport_scoring::{CHURN_INPUT_NAMES, Features, ModelConfig, ScoringError, auc};

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

fn labelled(rows: &Rows) -> Labelled<'_> {
    Labelled {
        rows: &rows.0,
        labels: &rows.1,
    }
}

/// The evaluation of `train` against `test` with its split kept, and its rows as CSV.
fn evaluate_and_export(
    train: &Rows,
    test: &Rows,
    oracle: Option<&ChurnOracle>,
) -> (ChurnEvaluation, String) {
    let e = evaluate_out_of_time(
        labelled(train),
        labelled(test),
        H as u32,
        SEED,
        &ModelConfig::default(),
        oracle,
    )
    .unwrap();
    let mut csv = Vec::new();
    e.write_csv(labelled(train), labelled(test), &mut csv)
        .unwrap();
    (e, String::from_utf8(csv).unwrap())
}

/// One exported row: its cells by column name.
struct Exported<'a> {
    cells: HashMap<&'a str, &'a str>,
}

impl Exported<'_> {
    fn num(&self, column: &str) -> Option<f64> {
        let cell = self.cells[column];
        (!cell.is_empty()).then(|| cell.parse().unwrap())
    }
    fn snapshot(&self) -> NaiveDate {
        self.cells["snapshot"].parse().unwrap()
    }
}

fn parse(csv: &str) -> (Vec<&str>, Vec<Exported<'_>>) {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows = lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), header.len(), "{line}");
            Exported {
                cells: header.iter().copied().zip(cells).collect(),
            }
        })
        .collect();
    (header, rows)
}

#[test]
fn the_export_holds_the_rows_the_evaluation_trained_and_tested_on() {
    let customers = synth::population(SEED, 2_000, synth::Options::default());
    let (train, test) = out_of_time(&customers);
    // An oracle that places two customers in three.
    let oracle =
        ChurnOracle::new(|party, _, _| (party % 3 != 0).then(|| (party % 97) as f64 / 97.0));
    let (e, csv) = evaluate_and_export(&train, &test, Some(&oracle));
    let v = &e.validation;
    let (header, rows) = parse(&csv);
    let mut want = vec!["party_id", "snapshot", "set", "label"];
    want.extend(CHURN_INPUT_NAMES);
    want.extend(["model", "baseline", "oracle"]);
    assert_eq!(header, want);

    let (test_rows, train_rows): (Vec<&Exported>, Vec<&Exported>) =
        rows.iter().partition(|r| r.cells["set"] == "test");
    assert!(train_rows.iter().all(|r| r.cells["set"] == "train"));
    let customers_of = |rows: &[&Exported]| -> HashSet<i64> {
        rows.iter()
            .map(|r| r.cells["party_id"].parse().unwrap())
            .collect()
    };
    let (train_customers, test_customers) = (customers_of(&train_rows), customers_of(&test_rows));
    assert!(
        train_customers.is_disjoint(&test_customers),
        "customers both trained and tested: {:?}",
        train_customers
            .intersection(&test_customers)
            .take(5)
            .collect::<Vec<_>>()
    );
    assert_eq!(
        (train_rows.len(), test_rows.len()),
        (v.train.rows, v.test.rows)
    );
    assert_eq!(train_customers.len(), v.train.customers);
    assert_eq!(test_customers.len(), v.test.customers);
    // Tested at S, trained on snapshots whose outcome windows end by S.
    let s = v.test_snapshot;
    assert!(test_rows.iter().all(|r| r.snapshot() == s));
    let latest_training = s.checked_sub_months(Months::new(H as u32)).unwrap();
    assert!(train_rows.iter().all(|r| r.snapshot() <= latest_training));

    // The test rows' columns give back the reported figures.
    let labels: Vec<bool> = test_rows.iter().map(|r| r.cells["label"] == "1").collect();
    assert_eq!(labels.iter().filter(|l| **l).count(), v.test.churned);
    let column =
        |name: &str| -> Vec<f64> { test_rows.iter().map(|r| r.num(name).unwrap()).collect() };
    assert_eq!(auc(&column("model"), &labels), Some(v.auc));
    assert_eq!(auc(&column("baseline"), &labels), v.baseline_auc);
    let placed: (Vec<f64>, Vec<bool>) = (test_rows.iter().zip(&labels))
        .filter_map(|(r, l)| r.num("oracle").map(|o| (o, *l)))
        .unzip();
    assert_eq!(placed.0.len(), v.oracle_rows);
    assert_eq!(auc(&placed.0, &placed.1), v.oracle_auc);
    // Every row carries the model's inputs and both models' probabilities.
    for r in &rows {
        assert!(
            CHURN_INPUT_NAMES
                .iter()
                .all(|n| r.num(n).unwrap().is_finite())
        );
        assert!((0.0..=1.0).contains(&r.num("model").unwrap()));
        assert!((0.0..=1.0).contains(&r.num("baseline").unwrap()));
    }
}

#[test]
fn an_export_of_other_rows_is_refused() {
    let customers = synth::population(SEED, 600, synth::Options::default());
    let (train, test) = out_of_time(&customers);
    let (e, _) = evaluate_and_export(&train, &test, None);
    let fewer = (train.0[1..].to_vec(), train.1[1..].to_vec());
    let err = e
        .write_csv(labelled(&fewer), labelled(&test), Vec::new())
        .unwrap_err();
    assert!(err.to_string().contains("not those"), "{err}");
}

/// Writes the out-of-time rows of the synthetic bank as `rapport score --export-churn` does,
/// for bench/churn.sh's comparison with LightGBM:
/// `RAPPORT_CHURN_CSV=/tmp/churn.csv cargo test -p rapport-scoring --test it -- --ignored`
/// (`RAPPORT_CHURN_CUSTOMERS` sets the bank's size, 2,000 by default). No oracle: the
/// synthetic bank's hazard is not a probability over the horizon.
#[test]
#[ignore = "writes a file; run by hand for the LightGBM comparison"]
fn export_churn_matrix() {
    let Ok(path) = std::env::var("RAPPORT_CHURN_CSV") else {
        return;
    };
    let n = std::env::var("RAPPORT_CHURN_CUSTOMERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let customers = synth::population(SEED, n, synth::Options::default());
    let (train, test) = out_of_time(&customers);
    let (e, csv) = evaluate_and_export(&train, &test, None);
    eprintln!("out-of-time AUC {:.4}", e.validation.auc);
    std::fs::write(path, csv).unwrap();
}
