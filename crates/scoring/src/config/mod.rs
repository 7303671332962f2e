//! Everything a bank may tune, with defaults for a Chinese commercial bank. The caller loads
//! it from TOML ([`ScoringConfig::from_toml_str`]); every section and key may be left out
//! and then takes its default, and an unknown key is an error naming it.
//!
//! Amounts here are in whole units of the base currency (yuan); features are in minor units
//! (fen), converted with [`MINOR_PER_MAJOR`]. Rates are annual fractions (0.015 = 1.5 %).
use serde::{Deserialize, Serialize};

use crate::churn::event::ChurnEventConfig;

mod rules;
mod validate;

pub use rules::{
    ChurnRuleConfig, ClvClassConfig, CreditConfig, LifecycleConfig, ModelConfig, NbpConfig,
    RfmConfig, RfmSplit, TierConfig,
};

/// Minor units per major unit of the base currency (fen per yuan).
pub const MINOR_PER_MAJOR: i64 = 100;

/// The version of the scoring code (formulas, inputs, models); stored with every score
/// next to [`ScoringConfig::version`], so a score says which code and which settings made it.
pub const MODEL_VERSION: &str = "scoring-1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScoringConfig {
    /// The bank's name for this set of settings, stored with every score.
    pub version: String,
    pub value: ValueConfig,
    pub rates: Rates,
    pub tiers: TierConfig,
    pub rfm: RfmConfig,
    pub lifecycle: LifecycleConfig,
    pub churn_rules: ChurnRuleConfig,
    /// What counts as churning, for the churn model's labels.
    pub churn_event: ChurnEventConfig,
    pub churn_model: ModelConfig,
    pub nbp: NbpConfig,
    pub credit: CreditConfig,
    pub clv: ClvClassConfig,
}

impl Default for ScoringConfig {
    fn default() -> Self {
        Self {
            version: "default-1".to_owned(),
            value: ValueConfig::default(),
            rates: Rates::default(),
            tiers: TierConfig::default(),
            rfm: RfmConfig::default(),
            lifecycle: LifecycleConfig::default(),
            churn_rules: ChurnRuleConfig::default(),
            churn_event: ChurnEventConfig::default(),
            churn_model: ModelConfig::default(),
            nbp: NbpConfig::default(),
            credit: CreditConfig::default(),
            clv: ClvClassConfig::default(),
        }
    }
}

/// Weights of the four components in the composite value score; they need not add to 1
/// (the composite divides by their sum).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ValueConfig {
    pub financial_weight: f64,
    pub loyalty_weight: f64,
    pub credit_weight: f64,
    pub risk_weight: f64,
    pub financial: FinancialConfig,
    pub loyalty: LoyaltyConfig,
    pub risk: RiskConfig,
}

impl Default for ValueConfig {
    fn default() -> Self {
        Self {
            financial_weight: 0.45,
            loyalty_weight: 0.25,
            credit_weight: 0.15,
            risk_weight: 0.15,
            financial: FinancialConfig::default(),
            loyalty: LoyaltyConfig::default(),
            risk: RiskConfig::default(),
        }
    }
}

/// Financial contribution: points per part (adding to 100) and the log scale of each amount:
/// nothing at or below `*_floor`, all the points at `*_full` (yuan).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FinancialConfig {
    pub aum_points: f64,
    pub aum_floor: f64,
    pub aum_full: f64,
    pub loans_points: f64,
    pub loans_floor: f64,
    pub loans_full: f64,
    /// Wealth management, funds and insurance together.
    pub investments_points: f64,
    pub investments_floor: f64,
    pub investments_full: f64,
    /// The estimated annual profit ([`crate::ProfitEstimate`]).
    pub profit_points: f64,
    pub profit_floor: f64,
    pub profit_full: f64,
}

impl Default for FinancialConfig {
    fn default() -> Self {
        Self {
            aum_points: 35.0,
            aum_floor: 1_000.0,
            aum_full: 6_000_000.0,
            loans_points: 15.0,
            loans_floor: 10_000.0,
            loans_full: 5_000_000.0,
            investments_points: 15.0,
            investments_floor: 1_000.0,
            investments_full: 3_000_000.0,
            profit_points: 35.0,
            profit_floor: 10.0,
            profit_full: 100_000.0,
        }
    }
}

/// Loyalty: points per part and the value that earns all of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LoyaltyConfig {
    pub tenure_points: f64,
    pub tenure_full_months: f64,
    pub products_points: f64,
    pub products_full: f64,
    pub activity_points: f64,
    /// Mean transactions a month over the last 12 months.
    pub activity_full_per_month: f64,
    pub payroll_points: f64,
    pub digital_points: f64,
    /// Hook for service signals (not in the features yet, see [`crate::ServiceSignals`]):
    /// points lost per complaint in the last 12 months, at most `complaints_max_penalty`.
    pub complaint_penalty: f64,
    pub complaints_max_penalty: f64,
    /// Points for a satisfaction of 1 (−this for 0, nothing for 0.5).
    pub satisfaction_points: f64,
}

impl Default for LoyaltyConfig {
    fn default() -> Self {
        Self {
            tenure_points: 25.0,
            tenure_full_months: 120.0,
            products_points: 25.0,
            products_full: 6.0,
            activity_points: 20.0,
            activity_full_per_month: 20.0,
            payroll_points: 15.0,
            digital_points: 15.0,
            complaint_penalty: 5.0,
            complaints_max_penalty: 20.0,
            satisfaction_points: 10.0,
        }
    }
}

/// Risk (100 = no warning sign): points lost, in full at the given size of each sign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RiskConfig {
    pub outflow_penalty: f64,
    /// AUM fall over 3 months (share of the AUM 3 months ago) that costs all of `outflow_penalty`.
    pub outflow_full_share: f64,
    pub volatility_penalty: f64,
    /// Coefficient of variation of the 12 month-end AUMs that costs all of `volatility_penalty`.
    pub volatility_full_cv: f64,
    pub net_outflow_penalty: f64,
    /// Debits less credits over 3 months, as a share of as-of AUM (or of those debits when
    /// larger, so that a small balance with large flows is not ruled out), that costs all of it.
    pub net_outflow_full_share: f64,
}

impl Default for RiskConfig {
    fn default() -> Self {
        Self {
            outflow_penalty: 40.0,
            outflow_full_share: 0.5,
            volatility_penalty: 30.0,
            volatility_full_cv: 1.0,
            net_outflow_penalty: 30.0,
            net_outflow_full_share: 0.5,
        }
    }
}

/// Rates for the profit estimate: net interest income is the spread between each balance's
/// customer rate and the funds transfer price (FTP); fees are a rate on the balance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Rates {
    pub current_deposit_ftp: f64,
    pub current_deposit_rate: f64,
    pub time_deposit_ftp: f64,
    pub time_deposit_rate: f64,
    pub loan_ftp: f64,
    pub loan_rate: f64,
    pub wealth_fee_rate: f64,
    pub fund_fee_rate: f64,
    pub insurance_fee_rate: f64,
    /// Interchange on card spend. Card spend is not a feature yet: it is estimated as the
    /// card balance owed × `card_spend_months` (a statement balance is about a month's spend).
    pub card_interchange_rate: f64,
    pub card_spend_months: f64,
}

impl Default for Rates {
    fn default() -> Self {
        Self {
            current_deposit_ftp: 0.017,
            current_deposit_rate: 0.0015,
            time_deposit_ftp: 0.022,
            time_deposit_rate: 0.015,
            loan_ftp: 0.022,
            loan_rate: 0.037,
            wealth_fee_rate: 0.006,
            fund_fee_rate: 0.008,
            insurance_fee_rate: 0.01,
            card_interchange_rate: 0.0035,
            card_spend_months: 12.0,
        }
    }
}
