//! CLV classes (R3.5): high or low future value (CLV, from `rapport-clv`) against high or
//! low current value (the composite value score), both as population percentiles.
use std::collections::HashMap;

use rapport_domain::string_enum;
use serde::{Deserialize, Serialize};

use crate::config::ClvClassConfig;
use crate::labels::labels;
use crate::rfm::mid_rank_percentiles;
use crate::score::PartyScore;

string_enum! {
    pub enum ClvClass {
        /// High CLV, high current value.
        Vip => "vip",
        /// High CLV, low current value: worth developing (改进型).
        Growth => "growth",
        /// Low CLV, high current value: keep at low cost (维持型).
        Maintenance => "maintenance",
        /// Low on both (放弃型).
        LowValue => "low_value",
    }
}

labels!(ClvClass {
    Vip => ("VIP客户", "VIP"),
    Growth => ("改进型客户", "Growth"),
    Maintenance => ("维持型客户", "Maintenance"),
    LowValue => ("放弃型客户", "Low value"),
});

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClvDecision {
    pub class: ClvClass,
    pub clv: f64,
    pub clv_percentile: f64,
    pub value_percentile: f64,
    pub rule: String,
}

impl ClvClass {
    /// The class of a customer at these percentiles (0–1) of CLV and of current value;
    /// "high" is at or above the configured percentile.
    pub fn classify(clv_percentile: f64, value_percentile: f64, cfg: &ClvClassConfig) -> Self {
        let high_clv = clv_percentile >= cfg.high_clv_percentile;
        let high_value = value_percentile >= cfg.high_value_percentile;
        match (high_clv, high_value) {
            (true, true) => Self::Vip,
            (true, false) => Self::Growth,
            (false, true) => Self::Maintenance,
            (false, false) => Self::LowValue,
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
        let class = ClvClass::classify(p, s.value_percentile, cfg);
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
