//! The credit component of value (R3.2) and the internal credit rating (R3.9): repayment
//! behaviour (missed repayments, weighted by how recent the last one was) and leverage
//! (loans against AUM).
use rapport_domain::CreditGrade;
use serde::{Deserialize, Serialize};

use crate::config::CreditConfig;
use crate::explain::{Explained, Part, linear_share};
use crate::features::Features;

/// The credit view of a customer: rating, the score it comes from and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreditView {
    pub grade: CreditGrade,
    pub score: Explained,
    /// A repayment was missed in the as-of month (逾期).
    pub overdue: bool,
    /// Loans over AUM (0 without loans).
    pub leverage: f64,
    /// Risk flags (stable names): `overdue`, `missed_repayments_12m`, `high_leverage`.
    pub flags: Vec<String>,
    /// The part that cost the most points, in words.
    pub reason: String,
}

/// Loans over AUM; a customer with loans and no AUM gets the loans in yuan over 1 yuan.
pub fn leverage(f: &Features) -> f64 {
    if f.loans <= 0 {
        return 0.0;
    }
    f.loans as f64 / (f.aum[0] as f64).max(100.0)
}

pub fn credit_score(f: &Features, c: &CreditConfig) -> Explained {
    let mut parts = Vec::with_capacity(3);
    if f.has_credit() {
        parts.push(Part::new("credit_record", 1.0, 100.0));
    } else {
        parts.push(Part::new(
            "no_credit_record",
            0.0,
            c.no_credit_history_score,
        ));
    }
    if f.missed_repayments > 0 {
        // A miss without its recency is taken as recent: the cautious reading.
        let months = f.months_since_missed_repayment.unwrap_or(0);
        let factor = recency_factor(months, c);
        let penalty =
            (f64::from(f.missed_repayments) * c.missed_penalty * factor).min(c.missed_max_penalty);
        parts.push(Part::new(
            "missed_repayments_12m",
            f64::from(f.missed_repayments),
            -penalty,
        ));
    }
    let lev = leverage(f);
    if lev > c.leverage_start {
        let share = linear_share(lev - c.leverage_start, c.leverage_full - c.leverage_start);
        parts.push(Part::new(
            "loans_over_aum",
            lev,
            -c.leverage_penalty * share,
        ));
    }
    Explained::bounded(parts)
}

/// 1 for a miss at most `missed_recent_months` old, falling linearly to `missed_old_factor`
/// at 12 months.
fn recency_factor(months: u32, c: &CreditConfig) -> f64 {
    if months <= c.missed_recent_months {
        return 1.0;
    }
    let span = (12u32.saturating_sub(c.missed_recent_months)).max(1) as f64;
    let t = (f64::from(months - c.missed_recent_months) / span).min(1.0);
    1.0 - t * (1.0 - c.missed_old_factor)
}

pub fn grade_of(score: f64, c: &CreditConfig) -> CreditGrade {
    c.grade_floors
        .iter()
        .zip(CreditGrade::ALL)
        .find(|(floor, _)| score >= **floor)
        .map_or(CreditGrade::C, |(_, grade)| *grade)
}

pub fn credit_view(f: &Features, score: &Explained, c: &CreditConfig) -> CreditView {
    let grade = grade_of(score.score, c);
    let lev = leverage(f);
    let overdue = f.missed_repayments > 0 && f.months_since_missed_repayment.unwrap_or(0) == 0;
    let mut flags = Vec::new();
    if overdue {
        flags.push("overdue".to_owned());
    }
    if f.missed_repayments > 0 {
        flags.push("missed_repayments_12m".to_owned());
    }
    if lev > c.leverage_start {
        flags.push("high_leverage".to_owned());
    }
    let worst = score
        .parts
        .iter()
        .filter(|p| p.points < 0.0)
        .min_by(|a, b| a.points.total_cmp(&b.points));
    let reason = match worst {
        Some(p) if p.name == "missed_repayments_12m" => format!(
            "{} missed repayment(s) in 12 months, the last {} month(s) ago: {:.1} points",
            f.missed_repayments,
            f.months_since_missed_repayment.unwrap_or(0),
            p.points
        ),
        Some(p) if p.name == "loans_over_aum" => {
            format!("loans are {lev:.1}× AUM: {:.1} points", p.points)
        }
        Some(p) => format!("{}: {:.1} points", p.name, p.points),
        None if f.has_credit() => "no missed repayment in 12 months".to_owned(),
        None => "no credit record: neutral score".to_owned(),
    };
    CreditView {
        grade,
        score: score.clone(),
        overdue,
        leverage: lev,
        flags,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_misses_cost_more_than_old_ones() {
        let c = CreditConfig::default();
        let miss = |months| Features {
            loans: 100_000 * 100,
            aum: [100_000 * 100; 12],
            missed_repayments: 2,
            months_since_missed_repayment: Some(months),
            ..Features::default()
        };
        let recent = credit_score(&miss(1), &c).score;
        let old = credit_score(&miss(11), &c).score;
        assert!(recent < old, "{recent} vs {old}");
        assert_eq!(grade_of(100.0, &c), CreditGrade::Aaa);
        assert_eq!(grade_of(0.0, &c), CreditGrade::C);
    }
}
