use std::collections::HashMap;

use rapport_scoring::{
    CHURN_INPUT_NAMES, ChurnModel, Features, ScoringConfig, auc, churn_inputs, churn_warnings,
    score_all,
};

use crate::synth::{self, Archetype, HORIZON};
use crate::{SEED, Trained, trained};

#[test]
fn the_churn_model_ranks_held_out_churners_high() {
    let t = trained();
    let r = &t.report;
    eprintln!(
        "churn model: held-out AUC {:.4} (train {:.4}), {} train rows ({} churn), {} test rows \
         ({} churn), {} trees; top inputs {:?}",
        r.auc_holdout,
        r.auc_train,
        r.n_train,
        r.positives_train,
        r.n_test,
        r.positives_test,
        r.trees,
        &r.importance[..5.min(r.importance.len())]
    );
    assert!(r.auc_holdout > 0.8, "held-out AUC {}", r.auc_holdout);
    assert!(r.positives_test > 0 && r.n_test > 0 && r.n_train > r.n_test);
}

#[test]
fn held_out_auc_on_a_fresh_population_matches_the_report() {
    let t = trained();
    let fresh = synth::population(SEED + 1, 600, synth::Options::default());
    let (rows, labels) = synth::churn_rows(&fresh);
    let p = t.churn.predict_many(&rows);
    let fresh_auc = auc(&p, &labels).unwrap();
    eprintln!("churn model: AUC on a fresh population {fresh_auc:.4}");
    assert!(fresh_auc > 0.8, "{fresh_auc}");
    // One row at a time gives the batch's numbers.
    assert_eq!(t.churn.predict(&rows[0]), p[0]);
}

#[test]
fn every_declining_customer_is_warned_before_the_month_it_churns() {
    let t = trained();
    let cfg = ScoringConfig::default();
    let mut checked = 0;
    for c in t
        .customers
        .iter()
        .filter(|c| c.archetype == Archetype::DecliningThenChurned)
    {
        let churn = c.churn.unwrap();
        if churn < 13 {
            continue;
        }
        let f = c.features_at(churn - 2).unwrap();
        let rules = churn_warnings(&f, &cfg.churn_rules);
        let p = t.churn.predict(&f);
        assert!(
            !rules.is_empty() || p >= cfg.churn_rules.model_alert_probability,
            "party {} two months before churning: no rule and p = {p}",
            c.id
        );
        checked += 1;
    }
    assert!(checked > 50, "{checked}");
}

/// The features of a customer with a long history, a month before it churns.
fn month_before_churn(t: &Trained) -> Features {
    let c = t
        .customers
        .iter()
        .find(|c| c.archetype == Archetype::DecliningThenChurned && c.churn.unwrap() > 14)
        .unwrap();
    c.features_at(c.churn.unwrap() - 1).unwrap()
}

#[test]
fn warnings_carry_their_numbers_and_reasons_name_inputs() {
    let t = trained();
    let f = month_before_churn(t);
    let scores = score_all(
        std::slice::from_ref(&f),
        &HashMap::new(),
        Some(&t.churn),
        &t.nbp,
        &ScoringConfig::default(),
    )
    .unwrap();
    let churn = &scores[0].churn;
    assert!(churn.is_warning());
    for w in &churn.warnings {
        assert!(!w.message.is_empty() && w.observed.is_finite(), "{w:?}");
    }
    assert!(!churn.model_reasons.is_empty());
    for r in &churn.model_reasons {
        assert!(CHURN_INPUT_NAMES.contains(&r.name.as_str()) && r.points > 0.0);
    }
}

#[test]
fn without_a_model_the_rules_still_warn_and_no_probability_is_made_up() {
    let t = trained();
    let f = month_before_churn(t);
    let cfg = ScoringConfig::default();
    let scores = score_all(
        std::slice::from_ref(&f),
        &HashMap::new(),
        None,
        &t.nbp,
        &cfg,
    )
    .unwrap();
    let churn = &scores[0].churn;
    assert_eq!(churn.probability, None);
    assert!(churn.model_reasons.is_empty());
    assert!(churn.is_warning(), "the rules fire on a declining customer");
    assert!(churn.warnings.iter().all(|w| w.rule.as_str() != "model"));
}

#[test]
fn inputs_are_finite_and_named() {
    let t = trained();
    for c in t.customers.iter().take(200) {
        if let Some(f) = c.features_at(HORIZON - 1) {
            let x = churn_inputs(&f);
            assert_eq!(x.len(), CHURN_INPUT_NAMES.len());
            assert!(x.iter().all(|v| v.is_finite()), "{x:?}");
        }
    }
}

#[test]
fn training_is_deterministic_and_refuses_one_class() {
    let customers = synth::population(7, 300, synth::Options::default());
    let (rows, labels) = synth::churn_rows(&customers);
    let (a, ra) = ChurnModel::train(&rows, &labels, 3).unwrap();
    let (b, rb) = ChurnModel::train(&rows, &labels, 3).unwrap();
    assert_eq!(ra, rb);
    assert_eq!(a.predict_many(&rows), b.predict_many(&rows));
    let none = vec![false; rows.len()];
    let err = ChurnModel::train(&rows, &none, 3).unwrap_err();
    assert!(err.to_string().contains("churn"), "{err}");
    let err = ChurnModel::train(&rows, &labels[1..], 3).unwrap_err();
    assert!(err.to_string().contains("labels"), "{err}");
}

#[test]
fn a_trained_model_survives_json() {
    let t = trained();
    let json = serde_json::to_string(&t.churn).unwrap();
    let back: ChurnModel = serde_json::from_str(&json).unwrap();
    let rows = synth::snapshot(&t.customers[..50], HORIZON - 1);
    assert_eq!(back.predict_many(&rows), t.churn.predict_many(&rows));
    assert_eq!(back.report, t.report);
}
