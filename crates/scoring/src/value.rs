//! The customer value evaluation system (客户价值评价体系, R3.2): four component scores of
//! 0–100 (higher is better in each) and their weighted composite, plus the annual profit
//! estimate behind the 80/20 analysis. Each is a pure function of one feature row.
use serde::{Deserialize, Serialize};

use crate::config::{Rates, ScoringConfig, ValueConfig};
use crate::credit::credit_score;
use crate::explain::{Explained, Part, linear_share, log_share};
use crate::features::{Features, MONTHS};
use crate::input::yuan;

/// What the bank earns from a customer in a year, before costs and credit losses: net
/// interest income (spread to the funds transfer price) and fees. Parts are in yuan: the
/// balance (input) and the income it brings (points).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfitEstimate {
    pub annual_nii_minor: i64,
    pub annual_fee_minor: i64,
    pub annual_profit_minor: i64,
    pub parts: Vec<Part>,
}

/// Service signals that are not in the features yet (complaints from the call center,
/// satisfaction surveys). Loyalty takes them when a caller has them; [`crate::score_all`]
/// passes none, and then they change nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceSignals {
    pub complaints_12m: Option<u32>,
    /// 0 (very dissatisfied) to 1 (very satisfied).
    pub satisfaction: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueScores {
    pub financial: Explained,
    pub loyalty: Explained,
    pub credit: Explained,
    pub risk: Explained,
    /// Weighted mean of the four; each part is a component with its weighted points.
    pub composite: Explained,
}

/// All four components and the composite for one row.
pub fn value_scores(
    f: &Features,
    profit: &ProfitEstimate,
    signals: &ServiceSignals,
    cfg: &ScoringConfig,
) -> ValueScores {
    let financial = financial_score(f, profit, &cfg.value);
    let loyalty = loyalty_score(f, signals, &cfg.value);
    let credit = credit_score(f, &cfg.credit);
    let risk = risk_score(f, &cfg.value);
    let composite = composite(&financial, &loyalty, &credit, &risk, &cfg.value);
    ValueScores {
        financial,
        loyalty,
        credit,
        risk,
        composite,
    }
}

pub fn profit_estimate(f: &Features, r: &Rates) -> ProfitEstimate {
    let lines = [
        (
            "nii_current_deposits",
            f.current_deposits,
            r.current_deposit_ftp - r.current_deposit_rate,
            true,
        ),
        (
            "nii_time_deposits",
            f.time_deposits,
            r.time_deposit_ftp - r.time_deposit_rate,
            true,
        ),
        ("nii_loans", f.loans, r.loan_rate - r.loan_ftp, true),
        ("fee_wealth", f.wealth, r.wealth_fee_rate, false),
        ("fee_funds", f.funds, r.fund_fee_rate, false),
        ("fee_insurance", f.insurance, r.insurance_fee_rate, false),
        (
            "fee_card_interchange",
            f.card_balance,
            r.card_spend_months * r.card_interchange_rate,
            false,
        ),
    ];
    let (mut nii, mut fee) = (0i64, 0i64);
    let mut parts = Vec::with_capacity(lines.len());
    for (name, balance, rate, is_interest) in lines {
        let income = (balance as f64 * rate).round() as i64;
        if is_interest {
            nii = nii.saturating_add(income);
        } else {
            fee = fee.saturating_add(income);
        }
        parts.push(Part::new(name, yuan(balance), yuan(income)));
    }
    ProfitEstimate {
        annual_nii_minor: nii,
        annual_fee_minor: fee,
        annual_profit_minor: nii.saturating_add(fee),
        parts,
    }
}

pub fn financial_score(f: &Features, profit: &ProfitEstimate, v: &ValueConfig) -> Explained {
    let c = &v.financial;
    let aum = yuan(f.aum[0]);
    let loans = yuan(f.loans);
    let investments = yuan(f.investments());
    let profit = yuan(profit.annual_profit_minor);
    Explained::bounded(vec![
        Part::new(
            "aum_yuan",
            aum,
            c.aum_points * log_share(aum, c.aum_floor, c.aum_full),
        ),
        Part::new(
            "loans_yuan",
            loans,
            c.loans_points * log_share(loans, c.loans_floor, c.loans_full),
        ),
        Part::new(
            "investments_yuan",
            investments,
            c.investments_points * log_share(investments, c.investments_floor, c.investments_full),
        ),
        Part::new(
            "annual_profit_yuan",
            profit,
            c.profit_points * log_share(profit, c.profit_floor, c.profit_full),
        ),
    ])
}

pub fn loyalty_score(f: &Features, signals: &ServiceSignals, v: &ValueConfig) -> Explained {
    let c = &v.loyalty;
    let tenure = f64::from(f.tenure_months);
    let products = f.family_count() as f64;
    let activity = f64::from(f.tx_in(0..MONTHS)) / MONTHS as f64;
    let payroll = f64::from(f.payroll_months);
    let mut parts = vec![
        Part::new(
            "tenure_months",
            tenure,
            c.tenure_points * linear_share(tenure, c.tenure_full_months),
        ),
        Part::new(
            "product_families",
            products,
            c.products_points * linear_share(products, c.products_full),
        ),
        Part::new(
            "tx_per_month",
            activity,
            c.activity_points * linear_share(activity, c.activity_full_per_month),
        ),
        Part::new(
            "payroll_months",
            payroll,
            c.payroll_points * linear_share(payroll, MONTHS as f64),
        ),
        Part::new(
            "digital_share",
            f.digital_share,
            c.digital_points * f.digital_share.clamp(0.0, 1.0),
        ),
    ];
    if let Some(n) = signals.complaints_12m {
        let penalty = (f64::from(n) * c.complaint_penalty).min(c.complaints_max_penalty);
        parts.push(Part::new("complaints_12m", f64::from(n), -penalty));
    }
    if let Some(s) = signals.satisfaction.filter(|s| s.is_finite()) {
        let s = s.clamp(0.0, 1.0);
        parts.push(Part::new(
            "satisfaction",
            s,
            (2.0 * s - 1.0) * c.satisfaction_points,
        ));
    }
    Explained::bounded(parts)
}

/// 100 less the warning signs: AUM outflow, balance volatility and net outflow of money.
pub fn risk_score(f: &Features, v: &ValueConfig) -> Explained {
    let c = &v.risk;
    let before = f.aum[3] as f64;
    let fall = if before > 0.0 {
        ((before - f.aum[0] as f64) / before).max(0.0)
    } else {
        0.0
    };
    let cv = f.aum_cv();
    let net_out = (f.debits_in(0..3) - f.credits_in(0..3)) as f64;
    let base = (f.aum[0] as f64).max(f.debits_in(0..3) as f64).max(1.0);
    let net_share = (net_out / base).max(0.0);
    Explained::bounded(vec![
        Part::new("base", 100.0, 100.0),
        Part::new(
            "aum_fall_3m_share",
            fall,
            -c.outflow_penalty * linear_share(fall, c.outflow_full_share),
        ),
        Part::new(
            "aum_cv_12m",
            cv,
            -c.volatility_penalty * linear_share(cv, c.volatility_full_cv),
        ),
        Part::new(
            "net_outflow_3m_share",
            net_share,
            -c.net_outflow_penalty * linear_share(net_share, c.net_outflow_full_share),
        ),
    ])
}

pub fn composite(
    financial: &Explained,
    loyalty: &Explained,
    credit: &Explained,
    risk: &Explained,
    v: &ValueConfig,
) -> Explained {
    let weighted = [
        ("financial", financial.score, v.financial_weight),
        ("loyalty", loyalty.score, v.loyalty_weight),
        ("credit", credit.score, v.credit_weight),
        ("risk", risk.score, v.risk_weight),
    ];
    let total: f64 = weighted.iter().map(|(_, _, w)| w).sum();
    let parts = weighted
        .iter()
        .map(|(name, score, w)| {
            let share = if total > 0.0 { w / total } else { 0.0 };
            Part::new(*name, *score, score * share)
        })
        .collect();
    Explained::bounded(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> Features {
        Features {
            party_id: 1,
            aum: [1_000_000 * 100; MONTHS],
            current_deposits: 200_000 * 100,
            time_deposits: 500_000 * 100,
            wealth: 300_000 * 100,
            loans: 400_000 * 100,
            tx_count: [10; MONTHS],
            tenure_months: 60,
            families_held: vec!["current_deposit".into(), "mortgage".into()],
            ..Features::default()
        }
    }

    #[test]
    fn profit_is_spread_times_balance() {
        let p = profit_estimate(&row(), &Rates::default());
        // 200k × 1.55 % + 500k × 0.7 % + 400k × 1.5 % = 3,100 + 3,500 + 6,000 yuan.
        assert_eq!(p.annual_nii_minor, 12_600 * 100);
        // 300k × 0.6 % = 1,800 yuan.
        assert_eq!(p.annual_fee_minor, 1_800 * 100);
        assert_eq!(p.annual_profit_minor, 14_400 * 100);
    }

    #[test]
    fn service_signals_enter_loyalty_only_when_given() {
        let v = ValueConfig::default();
        let without = loyalty_score(&row(), &ServiceSignals::default(), &v);
        let with = loyalty_score(
            &row(),
            &ServiceSignals {
                complaints_12m: Some(2),
                satisfaction: Some(0.5),
            },
            &v,
        );
        assert_eq!(without.parts.len(), 5);
        assert!((with.score - (without.score - 10.0)).abs() < 1e-9);
    }
}
