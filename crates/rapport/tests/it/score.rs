//! `rapport score` on a demo bank built by the real path (extracts → import → resolve), and
//! its bad input.
use std::collections::HashMap;
use std::path::Path;

use chrono::{Months, NaiveDate};

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
fn a_planted_declining_customer_gets_a_churn_alert_before_the_month_it_churns() {
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

    let churners = planted_churners(&data.join("extracts/truth_customers.csv"));
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
    assert_each_churner_was_warned_before_churning(&churners, &party_of, &alerts);
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

/// The planted churners and the month each churns in, from the generator's ground truth.
fn planted_churners(truth_customers: &Path) -> Vec<(String, NaiveDate)> {
    csv_rows(truth_customers)
        .into_iter()
        .filter(|r| r["archetype"] == "declining_then_churned")
        .map(|r| {
            let month =
                NaiveDate::parse_from_str(&format!("{}-01", r["churned_in"]), "%Y-%m-%d").unwrap();
            (r["party_id"].clone(), month)
        })
        .collect()
}

/// Scores the bank as it stood at earlier month-ends, as the pipeline would have then: every
/// two months from just before the first planted churn; the as-of dates scored.
fn score_every_two_months_through_the_churns(
    d: &str,
    churners: &[(String, NaiveDate)],
) -> Vec<NaiveDate> {
    let first = churners.iter().map(|c| c.1).min().unwrap();
    let last = churners.iter().map(|c| c.1).max().unwrap();
    let (mut runs, mut rules_only) = (Vec::new(), 0);
    let mut month = first;
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
        // Before any churn the model has nothing to learn from; the rules still warn.
        rules_only += usize::from(stderr(&out).contains("rules only"));
        runs.push(as_of);
        month = month.checked_add_months(Months::new(2)).unwrap();
    }
    assert!(
        rules_only >= 1,
        "the first run has no churn history to train on"
    );
    runs
}

/// Each planted churner (by the store's party it resolved into) was warned about by a churn or
/// outflow alert of a run before the month it churned.
fn assert_each_churner_was_warned_before_churning(
    churners: &[(String, NaiveDate)],
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

    let (mut checked, mut missed) = (0, Vec::new());
    for (truth, churn_month) in churners {
        checked += 1;
        let party = party_of
            .get(truth)
            .unwrap_or_else(|| panic!("truth party {truth} resolved into no party"));
        let warned = alerted
            .get(party.as_str())
            .is_some_and(|dates| dates.iter().any(|d| d < churn_month));
        if !warned {
            missed.push(format!("{truth} (churns {churn_month})"));
        }
    }
    assert!(
        missed.is_empty(),
        "{} of {checked} planted churners got no churn alert before churning: {missed:?}",
        missed.len()
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
