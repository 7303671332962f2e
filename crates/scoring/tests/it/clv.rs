use std::collections::HashMap;

use rapport_scoring::{
    ClvClass, ClvClassConfig, Labelled, ScoringConfig, assign_clv_classes, score_all,
};

use crate::synth::{self, HORIZON};
use crate::trained;

#[test]
fn the_four_classes_split_on_clv_and_current_value() {
    let cfg = ClvClassConfig::default();
    assert_eq!(cfg.classify(0.9, 0.9), ClvClass::Vip);
    assert_eq!(cfg.classify(0.9, 0.1), ClvClass::Growth);
    assert_eq!(cfg.classify(0.1, 0.9), ClvClass::Maintenance);
    assert_eq!(cfg.classify(0.1, 0.1), ClvClass::LowValue);
    assert_eq!(ClvClass::Growth.label_zh(), "改进型客户");
    assert_eq!(ClvClass::LowValue.as_str(), "low_value");
}

#[test]
fn classes_are_assigned_from_population_percentiles() {
    let t = trained();
    let rows = synth::snapshot(&t.customers[..200], HORIZON - 1);
    let mut scores = score_all(
        &rows,
        &HashMap::new(),
        Some(&t.churn),
        &t.nbp,
        &ScoringConfig::default(),
    )
    .unwrap();
    // CLV that follows current value: everyone is high on both or low on both.
    let mut clv: HashMap<i64, f64> = scores
        .iter()
        .map(|s| (s.party_id, s.value.composite.score * 10.0))
        .collect();
    assign_clv_classes(&mut scores, &clv, &ClvClassConfig::default());
    for s in &scores {
        let d = s.clv_class.as_ref().unwrap();
        assert!(
            matches!(d.class, ClvClass::Vip | ClvClass::LowValue),
            "{d:?}"
        );
        assert!(!d.rule.is_empty());
    }
    // A party without a CLV gets no class.
    clv.remove(&scores[0].party_id);
    scores[0].clv_class = None;
    assign_clv_classes(&mut scores, &clv, &ClvClassConfig::default());
    assert!(scores[0].clv_class.is_none());
}
