//! Settings of the rule-based and trained parts: tiers, RFM, lifecycle, churn, next best
//! product, credit rating and CLV classes.
use serde::{Deserialize, Serialize};

/// Month-end AUM thresholds of the tiers (yuan) and the upgrade/downgrade rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TierConfig {
    pub private_banking: i64,
    pub diamond: i64,
    pub platinum: i64,
    pub gold: i64,
    /// Consecutive month-ends at or above a higher tier's threshold before an upgrade.
    pub upgrade_months: usize,
    /// Consecutive month-ends below the current tier's threshold before a downgrade.
    pub downgrade_months: usize,
}

impl Default for TierConfig {
    fn default() -> Self {
        Self {
            private_banking: 6_000_000,
            diamond: 2_000_000,
            platinum: 500_000,
            gold: 50_000,
            upgrade_months: 6,
            downgrade_months: 3,
        }
    }
}

/// How RFM segments split each of R, F and M into high and low.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RfmSplit {
    /// Better than the population median: robust to the few very rich customers.
    Median,
    /// Better than the population mean: the textbook rule; few customers are "high" on M.
    Mean,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RfmConfig {
    pub split: RfmSplit,
}

impl Default for RfmConfig {
    fn default() -> Self {
        Self {
            split: RfmSplit::Median,
        }
    }
}

/// Lifecycle stage rules (R3.6), checked in the order of the fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LifecycleConfig {
    /// Churned: no AUM, no loans and no transactions for this many month-ends.
    pub churned_inactive_months: usize,
    /// New: fewer months of tenure than this.
    pub new_tenure_months: u32,
    /// Declining: AUM fell by at least this share over `decline_months`…
    pub decline_aum_share: f64,
    pub decline_months: usize,
    /// …or transactions in the last 3 months fell by at least this share against the 3
    /// before, when those were at least `decline_tx_base`…
    pub decline_tx_share: f64,
    pub decline_tx_base: u32,
    /// …or no transaction at all for this many months while still holding balances (沉睡).
    pub dormant_months: usize,
    /// Growing: AUM rose by at least this share over `growth_months`.
    pub growth_aum_share: f64,
    pub growth_months: usize,
    /// AUM below this (yuan) counts as none, so that a few yuan of interest left on an
    /// emptied account does not keep a customer alive.
    pub negligible_aum: f64,
}

impl Default for LifecycleConfig {
    fn default() -> Self {
        Self {
            churned_inactive_months: 3,
            new_tenure_months: 6,
            decline_aum_share: 0.3,
            decline_months: 3,
            decline_tx_share: 0.5,
            decline_tx_base: 6,
            dormant_months: 6,
            growth_aum_share: 0.2,
            growth_months: 6,
            negligible_aum: 100.0,
        }
    }
}

/// Churn early-warning rules (R3.7). Amounts in yuan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChurnRuleConfig {
    /// AUM fell month over month by at least this share, from at least `balance_base`.
    pub balance_drop_share: f64,
    pub balance_base: f64,
    /// AUM fell by at least this share over `decline_months`, from at least `balance_base`.
    pub decline_share: f64,
    pub decline_months: usize,
    /// Debits (spend) of the as-of month fell by at least this share against the mean of the
    /// three months before, from a mean of at least `spend_base`.
    pub spend_drop_share: f64,
    pub spend_base: f64,
    /// Transactions of the last 3 months fell by at least this share against the 3 before,
    /// from at least `tx_base`.
    pub tx_drop_share: f64,
    pub tx_base: u32,
    /// AUM fell by at least this amount over `outflow_months`.
    pub outflow_amount: f64,
    pub outflow_months: usize,
    /// No transaction for at least this many days while holding AUM above `dormancy_min_aum`.
    pub dormant_days: u32,
    pub dormancy_min_aum: f64,
    /// The churn model's probability at or above which it raises a warning by itself.
    pub model_alert_probability: f64,
}

impl Default for ChurnRuleConfig {
    fn default() -> Self {
        Self {
            balance_drop_share: 0.3,
            balance_base: 10_000.0,
            decline_share: 0.5,
            decline_months: 6,
            spend_drop_share: 0.5,
            spend_base: 2_000.0,
            tx_drop_share: 0.5,
            tx_base: 6,
            outflow_amount: 200_000.0,
            outflow_months: 3,
            dormant_days: 90,
            dormancy_min_aum: 1_000.0,
            model_alert_probability: 0.5,
        }
    }
}

/// Training of a boosted-tree model (the churn model and each next-best-product model).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModelConfig {
    /// Perpetual's one hyperparameter: more budget, more and finer trees.
    pub budget: f32,
    /// Share of the parties held out to measure the AUC.
    pub test_share: f64,
    /// Training threads. 1 by default: the batch shares the machine, and one thread is
    /// bit-for-bit reproducible.
    pub threads: usize,
    /// Most rows a model learns from (training and held-out together). A bigger history is
    /// sampled by whole parties, uniformly (seeded), so probabilities keep the bank's churn
    /// rate and a million-customer bank trains in minutes.
    pub max_rows: usize,
}

impl Default for ModelConfig {
    fn default() -> Self {
        Self {
            budget: 1.0,
            test_share: 0.25,
            threads: 1,
            max_rows: 300_000,
        }
    }
}

/// Next best product (R3.8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NbpConfig {
    /// Recommendations kept per customer.
    pub top_n: usize,
    /// A family gets a model only when at least this many rows hold it and as many do not.
    pub min_holders: usize,
    pub model: ModelConfig,
}

impl Default for NbpConfig {
    fn default() -> Self {
        Self {
            top_n: 3,
            min_holders: 20,
            model: ModelConfig {
                budget: 0.5,
                ..ModelConfig::default()
            },
        }
    }
}

/// The credit component and the internal rating (R3.2, R3.9).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CreditConfig {
    /// Starting points of a customer with no loan and no card balance: no record to judge.
    pub no_credit_history_score: f64,
    /// Points lost per missed repayment when recent, at most `missed_max_penalty`.
    pub missed_penalty: f64,
    pub missed_max_penalty: f64,
    /// A miss this many months old or less counts in full…
    pub missed_recent_months: u32,
    /// …one 12 months old counts this much (linear in between).
    pub missed_old_factor: f64,
    /// Loans over AUM at which leverage starts to cost points, and where it costs all of
    /// `leverage_penalty`.
    pub leverage_start: f64,
    pub leverage_full: f64,
    pub leverage_penalty: f64,
    /// Lowest credit score of each grade, AAA first (9 grades: AAA AA A BBB BB B CCC CC C;
    /// below the last is C).
    pub grade_floors: [f64; 8],
}

impl Default for CreditConfig {
    fn default() -> Self {
        Self {
            no_credit_history_score: 80.0,
            missed_penalty: 15.0,
            missed_max_penalty: 70.0,
            missed_recent_months: 3,
            missed_old_factor: 0.3,
            leverage_start: 2.0,
            leverage_full: 10.0,
            leverage_penalty: 15.0,
            grade_floors: [95.0, 88.0, 80.0, 70.0, 60.0, 50.0, 40.0, 30.0],
        }
    }
}

/// CLV classes (R3.5): high or low on CLV and on current value, by population percentile
/// (0–1). 0.5 splits at the median (the classic two-by-two matrix).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClvClassConfig {
    pub high_clv_percentile: f64,
    pub high_value_percentile: f64,
}

impl Default for ClvClassConfig {
    fn default() -> Self {
        Self {
            high_clv_percentile: 0.5,
            high_value_percentile: 0.5,
        }
    }
}
