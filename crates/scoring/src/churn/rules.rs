//! Churn early-warning rules (流失预警, R3.7): each rule that fires gives a warning with
//! the observed number and the threshold it crossed.
use rapport_domain::string_enum;
use serde::{Deserialize, Serialize};

use crate::config::{ChurnRuleConfig, MINOR_PER_MAJOR};
use crate::features::Features;
use crate::input::yuan;
use crate::labels::labels;

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
    /// The warning in words with its numbers (English).
    pub message: String,
}

fn major(x: f64) -> i64 {
    (x * MINOR_PER_MAJOR as f64) as i64
}

/// Every rule that fires for this row.
pub fn churn_warnings(f: &Features, c: &ChurnRuleConfig) -> Vec<ChurnWarning> {
    let mut out = Vec::new();
    let (now, before) = (f.aum[0], f.aum[1]);
    if before >= major(c.balance_base) && before > 0 {
        let drop = (before - now) as f64 / before as f64;
        if drop >= c.balance_drop_share {
            out.push(ChurnWarning {
                rule: ChurnRule::BalanceDrop,
                observed: drop,
                threshold: c.balance_drop_share,
                message: format!(
                    "AUM fell {:.0} % in a month ({:.0} → {:.0} yuan)",
                    drop * 100.0,
                    yuan(before),
                    yuan(now)
                ),
            });
        }
    }
    // A slow leak: no single month is sharp, but half the money has gone in half a year.
    let k = c.decline_months;
    let (then, now) = (f.aum[k], f.aum[0]);
    if then >= major(c.balance_base) && then > 0 {
        let drop = (then - now) as f64 / then as f64;
        if drop >= c.decline_share {
            out.push(ChurnWarning {
                rule: ChurnRule::SustainedDecline,
                observed: drop,
                threshold: c.decline_share,
                message: format!(
                    "AUM fell {:.0} % over {k} months ({:.0} → {:.0} yuan)",
                    drop * 100.0,
                    yuan(then),
                    yuan(now)
                ),
            });
        }
    }
    let spend_before = f.debits_in(1..4) as f64 / 3.0;
    if spend_before >= major(c.spend_base) as f64 && spend_before > 0.0 {
        let spend_now = f.debit_amount[0] as f64;
        let drop = (spend_before - spend_now) / spend_before;
        if drop >= c.spend_drop_share {
            out.push(ChurnWarning {
                rule: ChurnRule::SpendDrop,
                observed: drop,
                threshold: c.spend_drop_share,
                message: format!(
                    "spending fell {:.0} %: {:.0} yuan this month against {:.0} a month over \
                     the 3 before",
                    drop * 100.0,
                    spend_now / 100.0,
                    spend_before / 100.0
                ),
            });
        }
    }
    let (tx_now, tx_before) = (f.tx_in(0..3), f.tx_in(3..6));
    if tx_before >= c.tx_base && tx_before > 0 {
        let drop = f64::from(tx_before.saturating_sub(tx_now)) / f64::from(tx_before);
        if drop >= c.tx_drop_share {
            out.push(ChurnWarning {
                rule: ChurnRule::TransactionDrop,
                observed: drop,
                threshold: c.tx_drop_share,
                message: format!(
                    "transactions fell {:.0} %: {tx_now} in the last 3 months against \
                     {tx_before} in the 3 before",
                    drop * 100.0
                ),
            });
        }
    }
    let k = c.outflow_months;
    let outflow = f.aum[k] - f.aum[0];
    if outflow >= major(c.outflow_amount) && outflow > 0 {
        out.push(ChurnWarning {
            rule: ChurnRule::AumOutflow,
            observed: yuan(outflow),
            threshold: c.outflow_amount,
            message: format!(
                "{:.0} yuan of AUM left over {k} months ({:.0} → {:.0} yuan)",
                yuan(outflow),
                yuan(f.aum[k]),
                yuan(f.aum[0])
            ),
        });
    }
    if f.aum[0] >= major(c.dormancy_min_aum) {
        let days = f.days_since_last_tx;
        if days.is_none_or(|d| d >= c.dormant_days) {
            let message = match days {
                Some(d) => format!(
                    "no transaction for {d} days while holding {:.0} yuan",
                    yuan(f.aum[0])
                ),
                None => format!(
                    "no transaction in the warehouse's window while holding {:.0} yuan",
                    yuan(f.aum[0])
                ),
            };
            out.push(ChurnWarning {
                rule: ChurnRule::Dormancy,
                observed: f64::from(days.unwrap_or(crate::rfm::NO_TRANSACTION_DAYS)),
                threshold: f64::from(c.dormant_days),
                message,
            });
        }
    }
    out
}
