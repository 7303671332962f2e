//! Predictions for a whole book of customers, once per pattern.

use std::collections::HashMap;

use crate::bgnbd::BgNbd;
use crate::clv::ClvHorizon;
use crate::error::{Result, non_negative_arg};
use crate::patterns::Patterns;

/// What BG/NBD predicts for one (x, t_x, T) pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PatternPrediction {
    /// P(alive at T).
    pub p_alive: f64,
    /// Expected purchases over the next `t` time units.
    pub expected_purchases: f64,
    /// Discounted expected purchases over the CLV horizon; times expected spend gives CLV.
    pub discounted_purchases: f64,
}

/// P(alive), expected purchases over `t` (model unit) and discounted expected purchases over
/// `horizon`, for every pattern in order.
///
/// Equation (10) factors into a part that depends on (x, T) only (the expectation for a
/// customer known to be alive, the costly hypergeometric series) times P(alive), which alone
/// involves t_x. Day-resolution books have a few thousand (x, T) pairs for a hundred thousand
/// patterns, so the series are summed once per pair.
pub fn predict_patterns(
    bg: &BgNbd,
    patterns: &Patterns,
    t: f64,
    horizon: &ClvHorizon,
) -> Result<Vec<PatternPrediction>> {
    non_negative_arg("t", t)?;
    let step = bg.unit().from_days(horizon.month_days());
    let growth = 1.0 + horizon.monthly_discount_rate();
    let mut if_alive: HashMap<(u32, u64), (f64, f64)> = HashMap::new();
    patterns.map(|p| {
        let key = (p.frequency, p.age.to_bits());
        let (expected, discounted) = match if_alive.get(&key) {
            Some(&v) => v,
            None => {
                let expected = bg.expected_if_alive(t, p.frequency, p.age)?;
                let (mut previous, mut total, mut discount) = (0.0, 0.0, 1.0);
                for i in 1..=horizon.months() {
                    let cumulative =
                        bg.expected_if_alive(step * f64::from(i), p.frequency, p.age)?;
                    discount /= growth;
                    total += (cumulative - previous) * discount;
                    previous = cumulative;
                }
                if_alive.insert(key, (expected, total));
                (expected, total)
            }
        };
        let p_alive = bg.p_alive(p.frequency, p.recency, p.age)?;
        Ok(PatternPrediction {
            p_alive,
            expected_purchases: expected * p_alive,
            discounted_purchases: discounted * p_alive,
        })
    })
}
