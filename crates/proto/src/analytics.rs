//! The analytical views (R3.3, R3.4): distributions of the latest scores and the 80/20 curve,
//! always within the caller's data scope.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{BranchDto, MoneyDto};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CountDto {
    /// The category's code (tier, lifecycle stage, CLV class).
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    pub customers: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TierCountDto {
    pub tier: String,
    pub label_zh: String,
    pub label_en: String,
    pub customers: i64,
    pub aum: MoneyDto,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BranchFiguresDto {
    pub branch: BranchDto,
    pub customers: i64,
    pub aum: MoneyDto,
    /// Estimated annual profit (net interest and fee income).
    pub profit: MoneyDto,
}

/// Distributions of the latest scoring within the caller's scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DashboardDto {
    /// The as-of date of the latest scoring; null before the first `rapport score`.
    pub as_of: Option<NaiveDate>,
    pub customers: i64,
    pub tiers: Vec<TierCountDto>,
    /// In lifecycle order: prospect, new, growing, mature, declining, churned.
    pub lifecycle: Vec<CountDto>,
    pub clv_classes: Vec<CountDto>,
    /// Customers per churn-risk decile (0 = risk below 0.1 … 9 = 0.9 and above).
    pub churn_deciles: Vec<i64>,
    /// Branches by AUM, largest first (at most 200).
    pub branches: Vec<BranchFiguresDto>,
}

/// The 80/20 curve of the latest scoring within the caller's scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ParetoDto {
    pub as_of: Option<NaiveDate>,
    /// profit or aum.
    pub measure: String,
    pub customers: i64,
    pub total: MoneyDto,
    /// `shares[k]`: the share (0–1) of the total brought by the top (k+1)% of customers.
    pub shares: Vec<f64>,
    /// The share brought by the top 20% of customers.
    pub top_20_share: Option<f64>,
}
