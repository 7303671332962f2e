//! Churn early-warning rules (流失预警, R3.7): each rule that fires gives a warning with
//! the observed number and the threshold it crossed.
use rapport_domain::reason::percent;
use rapport_domain::{ChurnSignal, labels, string_enum};
use serde::{Deserialize, Serialize};

use crate::config::{ChurnRuleConfig, MINOR_PER_MAJOR};
use crate::features::Features;
use crate::input::{months, yuan};

string_enum! {
    pub enum ChurnRule {
        BalanceDrop => "balance_drop",
        SustainedDecline => "sustained_decline",
        SpendDrop => "spend_drop",
        TransactionDrop => "transaction_drop",
        AumOutflow => "aum_outflow",
        Dormancy => "dormancy",
        Model => "model",
    }
}

labels!(ChurnRule {
    BalanceDrop => ("资产环比骤降", "Sharp month-over-month fall in balances"),
    SustainedDecline => ("资产持续下降", "Balances falling for months"),
    SpendDrop => ("消费骤降", "Sharp fall in spending"),
    TransactionDrop => ("交易骤减", "Sharp fall in transactions"),
    AumOutflow => ("资产流出", "AUM outflow"),
    Dormancy => ("账户沉睡", "Dormant"),
    Model => ("流失模型预警", "Churn model"),
});

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnWarning {
    pub rule: ChurnRule,
    /// What was seen, in the unit of the rule (a share, yuan, days or a probability).
    pub observed: f64,
    pub threshold: f64,
    /// The warning in words with its numbers (English): `signal` read out.
    pub message: String,
    /// The same as data, for reading out in the viewer's language. Absent in scores stored
    /// before warnings carried it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<ChurnSignal>,
}

impl ChurnWarning {
    pub fn new(rule: ChurnRule, observed: f64, threshold: f64, signal: ChurnSignal) -> Self {
        Self {
            rule,
            observed,
            threshold,
            message: signal.english(),
            signal: Some(signal),
        }
    }
}

fn major(x: f64) -> i64 {
    (x * MINOR_PER_MAJOR as f64) as i64
}

/// Every rule that fires for this row.
pub fn churn_warnings(f: &Features, c: &ChurnRuleConfig) -> Vec<ChurnWarning> {
    [
        balance_drop(f, c),
        sustained_decline(f, c),
        spend_drop(f, c),
        transaction_drop(f, c),
        aum_outflow(f, c),
        dormancy(f, c),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// A sharp fall in balances from last month's end to this one's.
fn balance_drop(f: &Features, c: &ChurnRuleConfig) -> Option<ChurnWarning> {
    let (now, before) = (f.aum[0], f.aum[1]);
    let above_base = before >= major(c.balance_base) && before > 0;
    let drop = (before - now) as f64 / before as f64;
    (above_base && drop >= c.balance_drop_share).then(|| {
        ChurnWarning::new(
            ChurnRule::BalanceDrop,
            drop,
            c.balance_drop_share,
            ChurnSignal::BalanceDrop {
                percent: percent(drop),
                before_minor: before,
                now_minor: now,
            },
        )
    })
}

/// A slow leak: no single month is sharp, but half the money has gone in half a year.
fn sustained_decline(f: &Features, c: &ChurnRuleConfig) -> Option<ChurnWarning> {
    let k = c.decline_months;
    // `k` is validated to be 1..MONTHS; were it not, `then` = 0 keeps the rule quiet.
    let (then, now) = (f.aum.get(k).copied().unwrap_or(0), f.aum[0]);
    let above_base = then >= major(c.balance_base) && then > 0;
    let drop = (then - now) as f64 / then as f64;
    (above_base && drop >= c.decline_share).then(|| {
        ChurnWarning::new(
            ChurnRule::SustainedDecline,
            drop,
            c.decline_share,
            ChurnSignal::SustainedDecline {
                percent: percent(drop),
                months: months(k),
                then_minor: then,
                now_minor: now,
            },
        )
    })
}

/// This month's spending against a month's on average over the three before.
fn spend_drop(f: &Features, c: &ChurnRuleConfig) -> Option<ChurnWarning> {
    let spend_before = f.debits_in(1..4) as f64 / 3.0;
    let spend_now = f.debit_amount[0] as f64;
    let above_base = spend_before >= major(c.spend_base) as f64 && spend_before > 0.0;
    let drop = (spend_before - spend_now) / spend_before;
    (above_base && drop >= c.spend_drop_share).then(|| {
        ChurnWarning::new(
            ChurnRule::SpendDrop,
            drop,
            c.spend_drop_share,
            ChurnSignal::SpendDrop {
                percent: percent(drop),
                now_minor: spend_now.round() as i64,
                before_minor: spend_before.round() as i64,
            },
        )
    })
}

/// Transactions in the last three months against the three before.
fn transaction_drop(f: &Features, c: &ChurnRuleConfig) -> Option<ChurnWarning> {
    let (tx_now, tx_before) = (f.tx_in(0..3), f.tx_in(3..6));
    let above_base = tx_before >= c.tx_base && tx_before > 0;
    let drop = f64::from(tx_before.saturating_sub(tx_now)) / f64::from(tx_before);
    (above_base && drop >= c.tx_drop_share).then(|| {
        ChurnWarning::new(
            ChurnRule::TransactionDrop,
            drop,
            c.tx_drop_share,
            ChurnSignal::TransactionDrop {
                percent: percent(drop),
                now: tx_now,
                before: tx_before,
            },
        )
    })
}

/// An amount of AUM gone over the configured months, whatever the share.
fn aum_outflow(f: &Features, c: &ChurnRuleConfig) -> Option<ChurnWarning> {
    let k = c.outflow_months;
    // `k` is validated to be 1..MONTHS; were it not, there is no outflow to report.
    let then = f.aum.get(k).copied().unwrap_or(f.aum[0]);
    let outflow = then - f.aum[0];
    (outflow >= major(c.outflow_amount) && outflow > 0).then(|| {
        ChurnWarning::new(
            ChurnRule::AumOutflow,
            yuan(outflow),
            c.outflow_amount,
            ChurnSignal::AumOutflow {
                months: months(k),
                then_minor: then,
                now_minor: f.aum[0],
            },
        )
    })
}

/// Money at rest: no transaction for the configured days (or at all) while holding enough AUM.
fn dormancy(f: &Features, c: &ChurnRuleConfig) -> Option<ChurnWarning> {
    let days = f.days_since_last_tx;
    let dormant = days.is_none_or(|d| d >= c.dormant_days);
    (f.aum[0] >= major(c.dormancy_min_aum) && dormant).then(|| {
        ChurnWarning::new(
            ChurnRule::Dormancy,
            f64::from(days.unwrap_or(crate::rfm::NO_TRANSACTION_DAYS)),
            f64::from(c.dormant_days),
            ChurnSignal::Dormancy {
                days,
                aum_minor: f.aum[0],
            },
        )
    })
}
