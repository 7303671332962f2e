use rapport_scoring::{NbpModel, ScoringConfig};

use crate::synth::{self, HORIZON};
use crate::trained;

#[test]
fn never_proposes_a_family_already_held_and_gives_reasons() {
    let t = trained();
    let rows = synth::snapshot(&t.customers, HORIZON - 1);
    let recs = t.nbp.recommend_many(&rows);
    let mut proposals = 0;
    for (f, recs) in rows.iter().zip(&recs) {
        assert!(recs.len() <= 3);
        for r in recs {
            assert!(
                !f.holds(r.family),
                "party {} holds {}",
                f.party_id,
                r.family
            );
            assert!((0.0..=1.0).contains(&r.propensity));
            assert!(!r.reason.is_empty());
            proposals += 1;
        }
        for w in recs.windows(2) {
            assert!(w[0].propensity >= w[1].propensity);
        }
    }
    assert!(proposals > rows.len(), "{proposals}");
}

#[test]
fn models_are_trained_on_the_data_and_better_than_chance() {
    let t = trained();
    let trained_families: Vec<_> = t
        .nbp
        .report
        .iter()
        .filter(|r| r.auc_holdout.is_some())
        .collect();
    for r in &t.nbp.report {
        eprintln!(
            "nbp {}: {} holders, held-out AUC {:?} {}",
            r.family,
            r.holders,
            r.auc_holdout,
            r.skipped.as_deref().unwrap_or("")
        );
    }
    assert!(trained_families.len() >= 6);
    // Fund holding follows digital use and wealth in the synthetic bank: learnable.
    let fund = t
        .nbp
        .report
        .iter()
        .find(|r| r.family.as_str() == "fund")
        .unwrap();
    assert!(fund.auc_holdout.unwrap() > 0.6, "{fund:?}");
    // A family nobody holds gets no model, and says why.
    let nobody = t
        .nbp
        .report
        .iter()
        .find(|r| r.family.as_str() == "consumer_loan")
        .unwrap();
    assert_eq!(nobody.holders, 0);
    assert!(
        nobody.skipped.as_deref().unwrap().contains("0 of"),
        "{nobody:?}"
    );
}

#[test]
fn too_few_rows_train_no_model_and_propose_nothing() {
    let customers = synth::population(5, 10, synth::Options::default());
    let rows = synth::snapshot(&customers, HORIZON - 1);
    let m = NbpModel::train(&rows, 1, &ScoringConfig::default().nbp).unwrap();
    assert!(m.report.iter().all(|r| r.skipped.is_some()));
    assert!(m.recommend(&rows[0]).is_empty());
}

#[test]
fn a_trained_nbp_model_survives_json() {
    let t = trained();
    let back: NbpModel = serde_json::from_str(&serde_json::to_string(&t.nbp).unwrap()).unwrap();
    let rows = synth::snapshot(&t.customers[..50], HORIZON - 1);
    assert_eq!(back.recommend_many(&rows), t.nbp.recommend_many(&rows));
}
