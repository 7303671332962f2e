use std::collections::HashMap;

use rapport_scoring::{Features, ScoringConfig, ScoringError, score_all};

use crate::synth::{self, HORIZON};
use crate::trained;

#[test]
fn a_batch_with_bad_rows_is_refused_naming_each() {
    let t = trained();
    let mut rows = synth::snapshot(&t.customers[..20], HORIZON - 1);
    rows[3].current_deposits = -1;
    rows[7].digital_share = f64::NAN;
    let ids = (rows[3].party_id, rows[7].party_id);
    let err = score_all(
        &rows,
        &HashMap::new(),
        Some(&t.churn),
        &t.nbp,
        &ScoringConfig::default(),
    )
    .unwrap_err();
    let ScoringError::InvalidRows(bad) = &err else {
        panic!("{err}");
    };
    let named: Vec<(i64, &str)> = bad.iter().map(|b| (b.party_id, b.field.as_str())).collect();
    assert_eq!(
        named,
        [(ids.0, "current_deposits"), (ids.1, "digital_share")]
    );
    assert!(err.to_string().contains("current_deposits"), "{err}");
}

#[test]
fn features_that_can_be_missing_are_handled() {
    let t = trained();
    // No transaction in the window, a missed repayment without its month: scored, not refused.
    let f = Features {
        party_id: 1,
        open_accounts: 1,
        families_held: vec!["current_deposit".into(), "credit_card".into()],
        aum: [5_000_000; 12],
        current_deposits: 5_000_000,
        card_balance: 100_000,
        tenure_months: 40,
        days_since_last_tx: None,
        missed_repayments: 1,
        months_since_missed_repayment: None,
        ..Features::default()
    };
    let scores = score_all(
        &[f],
        &HashMap::new(),
        Some(&t.churn),
        &t.nbp,
        &ScoringConfig::default(),
    )
    .unwrap();
    let s = &scores[0];
    assert_eq!(s.rfm.recency_days, rapport_scoring::NO_TRANSACTION_DAYS);
    assert!(s.credit.overdue, "an undated miss counts as recent");
    assert!(
        s.churn
            .warnings
            .iter()
            .any(|w| w.rule.as_str() == "dormancy")
    );
}
