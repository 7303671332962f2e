//! The churn model's inputs, engineered from one feature row: levels, changes between
//! recent and older months, slopes and shares. Exported so that a benchmark can write the
//! same matrix for another library (LightGBM) and compare.
use crate::features::{Features, MONTHS};
use crate::rfm::NO_TRANSACTION_DAYS;

/// Names of [`churn_inputs`], in order.
pub const CHURN_INPUT_NAMES: [&str; 34] = [
    "log_aum",
    "log_aum_mean_3m",
    "log_aum_mean_12m",
    "aum_change_1m",
    "aum_change_3m",
    "aum_change_6m",
    "aum_change_11m",
    "aum_slope_6m",
    "aum_cv_12m",
    "aum_min_over_max_12m",
    "tx_month",
    "tx_3m",
    "tx_12m",
    "tx_change_3m",
    "tx_change_6m",
    "tx_zero_months_6m",
    "log_debits_3m",
    "log_credits_3m",
    "debit_change_3m",
    "credit_change_3m",
    "net_flow_3m_over_aum",
    "days_since_last_tx",
    "tenure_months",
    "open_accounts",
    "product_families",
    "payroll_months",
    "digital_share",
    "maturing_90d_share",
    "log_loans",
    "log_card_balance",
    "missed_repayments",
    "is_organisation",
    "investment_share",
    "time_deposit_share",
];

/// ln(1 + yuan): money spans orders of magnitude.
fn log_yuan(minor: f64) -> f64 {
    (minor.max(0.0) / 100.0).ln_1p()
}

/// Symmetric relative change from `before` to `now`, in −1…1: defined when either is 0
/// (−1 = fell to nothing, 1 = rose from nothing); `eps` keeps tiny amounts from swinging.
fn sym_change(now: f64, before: f64, eps: f64) -> f64 {
    (now - before) / (now.abs() + before.abs() + eps)
}

fn share(part: f64, whole: f64) -> f64 {
    if whole <= 0.0 {
        0.0
    } else {
        (part / whole).clamp(0.0, 10.0)
    }
}

/// Least-squares slope of the last `n` month-ends per month, over their mean (0 if the mean
/// is 0). Positive = rising towards as-of.
fn relative_slope(aum: &[i64; MONTHS], n: usize) -> f64 {
    // x runs from oldest (0) to as-of (n − 1).
    let ys: Vec<f64> = aum.iter().take(n).rev().map(|a| *a as f64).collect();
    let mean_y = ys.iter().sum::<f64>() / n as f64;
    if mean_y <= 0.0 {
        return 0.0;
    }
    let mean_x = (n as f64 - 1.0) / 2.0;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (x, y) in ys.iter().enumerate() {
        let dx = x as f64 - mean_x;
        sxy += dx * (y - mean_y);
        sxx += dx * dx;
    }
    sxy / sxx / mean_y
}

/// The inputs of the churn model for one row, named by [`CHURN_INPUT_NAMES`]. All finite
/// for a row that passes [`Features::validate`].
pub fn churn_inputs(f: &Features) -> Vec<f64> {
    // Called with month-ends below MONTHS only.
    let aum = |i: usize| f.aum.get(i).map_or(0.0, |a| *a as f64);
    let aum_mean = |n: usize| f.aum.iter().take(n).map(|a| *a as f64).sum::<f64>() / n as f64;
    let money_eps = 100_000.0; // 1,000 yuan
    let max = f.aum.iter().copied().max().unwrap_or(0) as f64;
    let min = f.aum.iter().copied().min().unwrap_or(0) as f64;
    let tx = |r: std::ops::Range<usize>| f64::from(f.tx_in(r));
    let debits3 = f.debits_in(0..3) as f64;
    let credits3 = f.credits_in(0..3) as f64;
    let holdings = (f.current_deposits + f.time_deposits + f.investments()) as f64;
    let inputs = vec![
        log_yuan(aum(0)),
        log_yuan(aum_mean(3)),
        log_yuan(aum_mean(MONTHS)),
        sym_change(aum(0), aum(1), money_eps),
        sym_change(aum(0), aum(3), money_eps),
        sym_change(aum(0), aum(6), money_eps),
        sym_change(aum(0), aum(11), money_eps),
        relative_slope(&f.aum, 6),
        f.aum_cv(),
        if max > 0.0 { min / max } else { 0.0 },
        f64::from(f.tx_count[0]),
        tx(0..3),
        tx(0..MONTHS),
        sym_change(tx(0..3), tx(3..6), 1.0),
        sym_change(tx(0..6), tx(6..12), 1.0),
        f.tx_count.iter().take(6).filter(|t| **t == 0).count() as f64,
        log_yuan(debits3),
        log_yuan(credits3),
        sym_change(debits3, f.debits_in(3..6) as f64, money_eps),
        sym_change(credits3, f.credits_in(3..6) as f64, money_eps),
        sym_change(credits3, debits3, money_eps + aum(0)),
        f64::from(f.days_since_last_tx.unwrap_or(NO_TRANSACTION_DAYS)),
        f64::from(f.tenure_months),
        f64::from(f.open_accounts),
        f.family_count() as f64,
        f64::from(f.payroll_months),
        f.digital_share,
        share(f.maturing_90d as f64, aum(0)),
        log_yuan(f.loans as f64),
        log_yuan(f.card_balance as f64),
        f64::from(f.missed_repayments),
        f64::from(u8::from(f.is_organisation)),
        share(f.investments() as f64, holdings),
        share(f.time_deposits as f64, holdings),
    ];
    debug_assert_eq!(inputs.len(), CHURN_INPUT_NAMES.len());
    inputs
}
