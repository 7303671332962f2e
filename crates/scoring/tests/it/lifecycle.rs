use rapport_scoring::{Features, Labelled, LifecycleConfig, LifecycleStage, lifecycle};

use crate::synth::{self, Archetype, HORIZON};

#[test]
fn each_archetype_lands_in_its_expected_stage() {
    let cfg = LifecycleConfig::default();
    let customers = synth::one_of_each(11, 40);
    let last = HORIZON - 1;
    for c in &customers {
        // Declining customers are judged two months before they churn, and after it.
        let (t, expected): (usize, &[LifecycleStage]) = match c.archetype {
            Archetype::Steady => (last, &[LifecycleStage::Mature]),
            Archetype::HighNetWorth => (last, &[LifecycleStage::Mature]),
            Archetype::Growing => (last, &[LifecycleStage::Growing]),
            Archetype::Seasonal => (last, &[LifecycleStage::Mature, LifecycleStage::Growing]),
            Archetype::Dormant => (last, &[LifecycleStage::Declining]),
            Archetype::New => (last, &[LifecycleStage::New]),
            Archetype::DecliningThenChurned => {
                let churn = c.churn.unwrap();
                let before = c.features_at(churn - 2).unwrap();
                let d = lifecycle(&before, &cfg);
                assert_eq!(
                    d.stage,
                    LifecycleStage::Declining,
                    "party {}: {}",
                    c.id,
                    d.rule
                );
                (churn.max(last), &[LifecycleStage::Churned])
            }
        };
        let f = c.features_at(t.min(last)).unwrap();
        let d = lifecycle(&f, &cfg);
        assert!(
            expected.contains(&d.stage),
            "party {} ({:?}) is {:?}: {}",
            c.id,
            c.archetype,
            d.stage,
            d.rule
        );
        assert!(!d.rule.is_empty() && !d.rule_key.is_empty());
    }
}

#[test]
fn a_party_with_no_account_and_no_history_is_a_prospect() {
    let d = lifecycle(&Features::default(), &LifecycleConfig::default());
    assert_eq!(d.stage, LifecycleStage::Prospect);
    assert_eq!(
        (d.stage.label_zh(), d.stage.label_en()),
        ("潜在客户", "Prospect")
    );
}
