//! CLV classes (R3.5): high or low future value (CLV, from `rapport-clv`) against high or
//! low current value (the composite value score), both as population percentiles.
use std::collections::HashMap;

use rapport_domain::ClvClass;
use serde::{Deserialize, Serialize};

use crate::config::ClvClassConfig;
use crate::rfm::mid_rank_percentiles;
use crate::score::PartyScore;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClvDecision {
    pub class: ClvClass,
    pub clv: f64,
    pub clv_percentile: f64,
    pub value_percentile: f64,
    pub rule: String,
}

impl ClvClassConfig {
    /// The class of a customer at these percentiles (0–1) of CLV and of current value;
    /// "high" is at or above the configured percentile.
    pub fn classify(&self, clv_percentile: f64, value_percentile: f64) -> ClvClass {
        let high_clv = clv_percentile >= self.high_clv_percentile;
        let high_value = value_percentile >= self.high_value_percentile;
        match (high_clv, high_value) {
            (true, true) => ClvClass::Vip,
            (true, false) => ClvClass::Growth,
            (false, true) => ClvClass::Maintenance,
            (false, false) => ClvClass::LowValue,
        }
    }
}

/// Sets `clv_class` on every score whose party has a CLV in `clv_by_party`, CLV percentiles
/// taken over those parties (and current-value percentiles as [`crate::score_all`] computed
/// them). Parties without a CLV keep `None`.
pub fn assign_clv_classes(
    scores: &mut [PartyScore],
    clv_by_party: &HashMap<i64, f64>,
    cfg: &ClvClassConfig,
) {
    let with_clv: Vec<(usize, f64)> = scores
        .iter()
        .enumerate()
        .filter_map(|(i, s)| clv_by_party.get(&s.party_id).map(|c| (i, *c)))
        .collect();
    let clvs: Vec<f64> = with_clv.iter().map(|(_, c)| *c).collect();
    let percentiles = mid_rank_percentiles(&clvs);
    for ((i, clv), p) in with_clv.into_iter().zip(percentiles) {
        let Some(s) = scores.get_mut(i) else {
            continue;
        };
        let class = cfg.classify(p, s.value_percentile);
        s.clv_class = Some(ClvDecision {
            class,
            clv,
            clv_percentile: p,
            value_percentile: s.value_percentile,
            rule: format!(
                "CLV at percentile {:.0} (high from {:.0}), current value at percentile {:.0} \
                 (high from {:.0})",
                p * 100.0,
                cfg.high_clv_percentile * 100.0,
                s.value_percentile * 100.0,
                cfg.high_value_percentile * 100.0
            ),
        });
    }
}
