//! `rapport score` on a demo bank built by the real path (extracts → import → resolve), and
//! its bad input.
use std::collections::HashMap;
use std::path::Path;

use chrono::{Datelike, Months, NaiveDate};

use crate::{demo_bank, query_pairs, rapport, refused, stderr};

/// Rows of one of the generator's CSV files as header → value maps (the files hold no quoted
/// commas in the columns read here).
fn csv_rows(path: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_owned))
                .collect()
        })
        .collect()
}

fn month_end_before(month_start: NaiveDate) -> NaiveDate {
    month_start.pred_opt().unwrap()
}

/// The store's party of each truth party: the party holding most of its source records.
fn store_party_of_truth(extracts: &Path, records: &[(String, String)]) -> HashMap<String, String> {
    let store_party: HashMap<&str, &str> = records
        .iter()
        .map(|(k, p)| (k.as_str(), p.as_str()))
        .collect();
    let mut votes: HashMap<String, HashMap<String, usize>> = HashMap::new();
    for r in csv_rows(&extracts.join("truth_records.csv")) {
        let key = format!("{}/{}", r["source_system"], r["source_key"]);
        if let Some(p) = store_party.get(key.as_str()) {
            *votes
                .entry(r["party_id"].clone())
                .or_default()
                .entry((*p).to_owned())
                .or_default() += 1;
        }
    }
    votes
        .into_iter()
        .filter_map(|(truth, v)| {
            v.into_iter()
                .max_by_key(|(p, n)| (*n, p.clone()))
                .map(|(p, _)| (truth, p))
        })
        .collect()
}

#[test]
fn most_planted_churners_who_wind_down_get_a_churn_alert_before_the_month_they_churn() {
    let (_dir, data, out) = demo_bank("1500", &[]);
    let d = data.to_str().unwrap();
    assert!(
        stderr(&out).contains("held-out AUC"),
        "the demo scores its bank: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("churn model, out of time: tested at"),
        "the churn model is evaluated out of time: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("; oracle AUC 0."),
        "a generated bank's evaluation sets the oracle beside the model: {}",
        stderr(&out)
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let db = data.join("rapport.db");
    // …and raises the RMs' alerts, each kind making its task for the customer's primary RM.
    rt.block_on(assert_each_alert_kind_made_a_task_for_the_primary_rm(&db));
    let again = rapport(&["alerts", "--data-dir", d, "--today", "2026-06-30"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stderr(&again).contains(" 0 new alerts") && stderr(&again).contains(" 0 new tasks"),
        "the same day again changes nothing: {}",
        stderr(&again)
    );

    let truth = data.join("extracts/truth_customers.csv");
    let churners = planted_churners(&truth);
    assert!(churners.len() >= 20, "{} planted churners", churners.len());
    let runs = score_every_two_months_through_the_churns(d, &churners);

    let (records, alerts) = rt.block_on(async {
        let records = query_pairs(
            &db,
            "SELECT source_system || '/' || source_key, CAST(party_id AS TEXT) \
             FROM source_records WHERE party_id IS NOT NULL",
        )
        .await;
        let alerts = query_pairs(
            &db,
            "SELECT CAST(party_id AS TEXT), as_of FROM alerts \
             WHERE kind IN ('churn_risk', 'large_outflow')",
        )
        .await;
        (records, alerts)
    });
    let party_of = store_party_of_truth(&data.join("extracts"), &records);
    let stayers = csv_rows(&truth)
        .into_iter()
        .filter(|r| !r["archetype"].is_empty() && r["decided_in"].is_empty())
        .map(|r| r["party_id"].clone())
        .collect::<Vec<_>>();
    assert_most_churners_who_wind_down_were_warned_before_churning(
        &churners, &stayers, &runs, &party_of, &alerts,
    );
    // The warnings are aimed: most of the bank is not flagged in those months.
    let first_run = runs[0].format("%Y-%m-%d").to_string();
    let flagged_first_run = alerts.iter().filter(|(_, a)| *a == first_run).count();
    let customers = csv_rows(&data.join("extracts/truth_customers.csv"))
        .iter()
        .filter(|r| !r["archetype"].is_empty())
        .count();
    assert!(
        flagged_first_run * 2 < customers,
        "{flagged_first_run} of {customers} customers flagged at {}",
        runs[0]
    );
    assert_the_first_month_is_scored_by_the_rules_alone(d);
    assert_the_churn_export_holds_the_rows_evaluated_out_of_time(&data);
}

/// `rapport score --export-churn` writes the rows the out-of-time evaluation trained and
/// tested on: no customer on both sides, the test rows at the test snapshot S, the training
/// rows a horizon or more before it, and the model's probabilities on the test rows giving back
/// the AUC the run reported (stored with the run).
fn assert_the_churn_export_holds_the_rows_evaluated_out_of_time(data: &Path) {
    let d = data.to_str().unwrap();
    let csv = data.join("churn-rows.csv");
    let extracts = data.join("extracts");
    let out = rapport(&[
        "score",
        "--data-dir",
        d,
        "--truth",
        extracts.to_str().unwrap(),
        "--export-churn",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let runs = rt.block_on(query_pairs(
        &data.join("rapport.db"),
        "SELECT churn_validation, CAST(id AS TEXT) FROM score_runs ORDER BY id DESC LIMIT 1",
    ));
    let v: rapport_scoring::churn::out_of_time::ChurnValidation =
        serde_json::from_str(&runs[0].0).unwrap();
    let rows = csv_rows(&csv);
    let (test, train): (Vec<_>, Vec<_>) = rows.iter().partition(|r| r["set"] == "test");
    assert_eq!((train.len(), test.len()), (v.train.rows, v.test.rows));
    let customers = |rows: &[&HashMap<String, String>]| -> std::collections::HashSet<String> {
        rows.iter().map(|r| r["party_id"].clone()).collect()
    };
    assert!(customers(&train).is_disjoint(&customers(&test)));
    let snapshot = |r: &HashMap<String, String>| r["snapshot"].parse::<NaiveDate>().unwrap();
    let s = v.test_snapshot;
    let latest_training = s.checked_sub_months(Months::new(v.horizon_months)).unwrap();
    assert!(test.iter().all(|r| snapshot(r) == s));
    assert!(
        train
            .iter()
            .all(|r| r["set"] == "train" && snapshot(r) <= latest_training)
    );
    let labels: Vec<bool> = test.iter().map(|r| r["label"] == "1").collect();
    let model: Vec<f64> = test.iter().map(|r| r["model"].parse().unwrap()).collect();
    assert_eq!(rapport_scoring::auc(&model, &labels), Some(v.auc));
    // With the bank's truth given, the oracle places the test customers the store resolved.
    let placed = test.iter().filter(|r| !r["oracle"].is_empty()).count();
    assert_eq!(placed, v.oracle_rows);
    assert!(placed * 10 >= test.len() * 9, "{placed} of {}", test.len());
}

/// At the first month of the bank's history no customer has a horizon of outcomes behind a
/// snapshot, so no churn model can be trained and the rules alone warn.
fn assert_the_first_month_is_scored_by_the_rules_alone(d: &str) {
    let first = rapport_synth::SynthConfig::default_as_of()
        .with_day(1)
        .and_then(|m| m.checked_sub_months(Months::new(22)))
        .unwrap();
    let as_of = month_end_before(first).format("%Y-%m-%d").to_string();
    let out = rapport(&["score", "--data-dir", d, "--as-of", &as_of]);
    assert!(
        out.status.success(),
        "score as of {as_of}: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("churn warnings come from the rules only"),
        "as of {as_of}: {}",
        stderr(&out)
    );
}

/// Each kind of alert made its task, owned by the customer's current primary RM.
async fn assert_each_alert_kind_made_a_task_for_the_primary_rm(db: &Path) {
    let kinds = query_pairs(
        db,
        "SELECT al.kind || '/' || t.kind, CAST(count(*) AS TEXT) FROM tasks t \
         JOIN alerts al ON al.id = t.alert_id \
         JOIN rm_assignments ra ON ra.party_id = t.party_id AND ra.staff_id = t.owner_staff_id \
          AND ra.is_primary = 1 AND ra.effective_to IS NULL \
         GROUP BY 1",
    )
    .await;
    let made: Vec<&str> = kinds.iter().map(|(k, _)| k.as_str()).collect();
    for want in [
        "churn_risk/retention",
        "maturity/call",
        "birthday/care",
        "revisit_due/revisit",
    ] {
        assert!(made.contains(&want), "no {want} task in {kinds:?}");
    }
}

/// A `YYYY-MM` month of the ground truth as its first day.
fn truth_month(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").unwrap()
}

/// A customer who churned within the generated months, by the generator's ground truth.
struct Churner {
    party: String,
    decided_in: NaiveDate,
    churned_in: NaiveDate,
    wind_down_months: u32,
}

/// The planted churners: every customer whose churn month is in the generated months.
fn planted_churners(truth_customers: &Path) -> Vec<Churner> {
    csv_rows(truth_customers)
        .into_iter()
        .filter(|r| !r["churned_in"].is_empty())
        .map(|r| Churner {
            party: r["party_id"].clone(),
            decided_in: truth_month(&r["decided_in"]),
            churned_in: truth_month(&r["churned_in"]),
            wind_down_months: r["wind_down_months"].parse().unwrap(),
        })
        .collect()
}

/// Scores the bank as it stood at earlier month-ends, as the pipeline would have then: every
/// two months from the end of the second month with transactions (the rules read them) until
/// the last planted churn; the as-of dates scored.
fn score_every_two_months_through_the_churns(d: &str, churners: &[Churner]) -> Vec<NaiveDate> {
    let as_of_month = rapport_synth::SynthConfig::default_as_of()
        .with_day(1)
        .unwrap();
    let transactions_from = as_of_month
        .checked_sub_months(Months::new(rapport_synth::TRANSACTION_MONTHS - 1))
        .unwrap();
    let last = churners.iter().map(|c| c.churned_in).max().unwrap();
    let (mut runs, mut trained) = (Vec::new(), 0);
    let mut month = transactions_from
        .checked_add_months(Months::new(2))
        .unwrap();
    while month <= last {
        let as_of = month_end_before(month);
        let out = rapport(&[
            "score",
            "--data-dir",
            d,
            "--as-of",
            &as_of.format("%Y-%m-%d").to_string(),
        ]);
        assert!(
            out.status.success(),
            "score as of {as_of}: {}",
            stderr(&out)
        );
        trained += usize::from(stderr(&out).contains("churn model: random held-out AUC"));
        runs.push(as_of);
        month = month.checked_add_months(Months::new(2)).unwrap();
    }
    // Customers leave in every month of the history, so every run has churn to learn from.
    assert_eq!(trained, runs.len(), "every run trains the churn model");
    runs
}

/// The runs can see a churner coming only while it winds down: most churners who wind down
/// over two months or more, with a run in their wind-down, were warned about (by a churn or
/// outflow alert of the store's party they resolved into) before the month they churned, and
/// a customer who never decided to leave was flagged by a run far less often than such a
/// churner. Abrupt churners and those leaving over a single month are counted, not asserted:
/// nothing in their data need show it coming.
fn assert_most_churners_who_wind_down_were_warned_before_churning(
    churners: &[Churner],
    stayers: &[String],
    runs: &[NaiveDate],
    party_of: &HashMap<String, String>,
    alerts: &[(String, String)],
) {
    let mut alerted: HashMap<&str, Vec<NaiveDate>> = HashMap::new();
    for (party, as_of) in alerts {
        alerted
            .entry(party.as_str())
            .or_default()
            .push(NaiveDate::parse_from_str(as_of, "%Y-%m-%d").unwrap());
    }
    let warned_in = |truth: &str, from: NaiveDate, until: NaiveDate| {
        let party = party_of
            .get(truth)
            .unwrap_or_else(|| panic!("truth party {truth} resolved into no party"));
        alerted
            .get(party.as_str())
            .is_some_and(|dates| dates.iter().any(|d| *d >= from && *d < until))
    };
    // Per wind-down length: (churners with a run in their wind-down, warned before churning).
    let mut by_length: HashMap<u32, (usize, usize)> = HashMap::new();
    let mut missed = Vec::new();
    // Over the runs in the wind-downs of 2+ months: (runs, runs that flagged the churner).
    let (mut winding_runs, mut winding_flagged) = (0usize, 0usize);
    for c in churners {
        let during: Vec<&NaiveDate> = runs
            .iter()
            .filter(|r| **r >= c.decided_in && **r < c.churned_in)
            .collect();
        if during.is_empty() {
            continue;
        }
        let warned = warned_in(&c.party, NaiveDate::MIN, c.churned_in);
        let e = by_length.entry(c.wind_down_months).or_default();
        e.0 += 1;
        e.1 += usize::from(warned);
        if c.wind_down_months >= 2 {
            winding_runs += during.len();
            winding_flagged += during
                .iter()
                .filter(|r| warned_in(&c.party, ***r, r.succ_opt().unwrap()))
                .count();
            if !warned {
                missed.push(format!("{} (churns {})", c.party, c.churned_in));
            }
        }
    }
    let (checked, warned) = by_length
        .iter()
        .filter(|(d, _)| **d >= 2)
        .fold((0, 0), |(n, w), (_, (a, b))| (n + a, w + b));
    // The share of run-customer pairs flagged among customers who never decided to leave.
    let flagged_runs: usize = stayers
        .iter()
        .filter(|p| party_of.contains_key(*p))
        .map(|p| {
            runs.iter()
                .filter(|r| warned_in(p, **r, r.succ_opt().unwrap()))
                .count()
        })
        .sum();
    let stayer_rate = flagged_runs as f64 / (stayers.len() * runs.len()).max(1) as f64;
    let winding_rate = winding_flagged as f64 / winding_runs.max(1) as f64;
    eprintln!(
        "churners seen winding down, by wind-down months: (seen, warned) {by_length:?}; \
         warned {warned} of {checked} winding down over 2+ months; flagged per run: \
         {winding_rate:.2} of those winding down, {stayer_rate:.3} of customers who stayed"
    );
    assert!(checked >= 10, "only {checked} churners seen winding down");
    assert!(
        warned * 5 >= checked * 3,
        "{} of {checked} churners winding down over 2+ months got no churn alert before \
         churning: {missed:?}",
        missed.len()
    );
    assert!(
        stayer_rate * 2.0 < winding_rate,
        "a run flags {stayer_rate:.3} of the customers who stay, {winding_rate:.2} of those \
         winding down"
    );
}

#[test]
fn score_names_its_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let d = data.to_str().unwrap();

    refused(
        &["score", "--data-dir", d, "--as-of", "2026-02-30"],
        &["--as-of"],
    );

    // An empty bank has nothing to score, and says what is missing.
    refused(&["score", "--data-dir", d], &["import them first"]);

    let cfg = dir.path().join("scoring.toml");
    std::fs::write(&cfg, "[tiers]\nunknown_knob = 3\n").unwrap();
    refused(
        &[
            "score",
            "--data-dir",
            d,
            "--as-of",
            "2026-06-30",
            "--scoring-config",
            cfg.to_str().unwrap(),
        ],
        &["scoring.toml", "unknown_knob"],
    );

    for (flag, value) in [
        ("--churn-horizon-months", "0"),
        ("--clv-months", "0"),
        ("--clv-monthly-discount", "1.5"),
        ("--clv-monthly-discount", "NaN"),
        ("--batch", "0"),
    ] {
        let out = rapport(&["score", "--data-dir", d, flag, value]);
        assert!(!out.status.success(), "{flag} {value}");
        assert!(
            stderr(&out).contains(flag),
            "{flag} {value}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn alerts_names_its_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let d = data.to_str().unwrap();
    refused(
        &["alerts", "--data-dir", d, "--today", "2026-13-01"],
        &["--today"],
    );

    let rules = dir.path().join("work.toml");
    std::fs::write(&rules, "maturity_days = 30\ncare_quiet = 7\n").unwrap();
    refused(
        &[
            "alerts",
            "--data-dir",
            d,
            "--rules",
            rules.to_str().unwrap(),
        ],
        &["work.toml", "care_quiet"],
    );

    std::fs::write(&rules, "maturity_days = -3\n").unwrap();
    refused(
        &[
            "alerts",
            "--data-dir",
            d,
            "--rules",
            rules.to_str().unwrap(),
        ],
        &["maturity_days"],
    );

    // An empty bank has nothing due.
    let empty = rapport(&["alerts", "--data-dir", d, "--today", "2026-06-30"]);
    assert!(empty.status.success(), "{}", stderr(&empty));
    assert!(
        stderr(&empty).contains("0 new alerts (due: none due)"),
        "{}",
        stderr(&empty)
    );
}
