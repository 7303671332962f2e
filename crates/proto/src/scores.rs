//! A customer's scores as the 360 view and `/api/v1/customers/{id}/scores` show them (R3.2–R3.10):
//! every score with the parts that make it, the rule that decided each class, the model and
//! settings versions and the as-of date.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::MoneyDto;

/// A stored code with its names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CodeDto {
    pub code: String,
    pub label_zh: String,
    pub label_en: String,
}

/// One part of a score: what went in and how many points it gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ScorePartDto {
    pub name: String,
    pub input: f64,
    pub points: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExplainedDto {
    pub score: f64,
    pub parts: Vec<ScorePartDto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProductDto {
    pub family: CodeDto,
    pub propensity: f64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AlertDto {
    pub id: i64,
    /// churn_risk, tier_upgrade, tier_downgrade …
    pub kind: String,
    /// high, medium or low.
    pub severity: String,
    /// Why it was raised, with its numbers, in the language `Accept-Language` asks for (zh-CN
    /// or en; English when absent).
    pub reason: String,
    pub as_of: NaiveDate,
    /// open, done or dismissed.
    pub status: String,
}

/// One earlier scoring of the customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ScorePointDto {
    pub as_of: NaiveDate,
    pub value_score: f64,
    pub tier: String,
    pub lifecycle: String,
    /// `null` when no churn model could be trained for that run (rules only).
    pub churn_risk: Option<f64>,
}

/// The latest scoring of a customer, explained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ScoresDto {
    pub as_of: NaiveDate,
    pub model_version: String,
    pub config_version: String,
    /// The composite value score (0–100) and its components' contributions.
    pub value: ExplainedDto,
    pub value_percentile: f64,
    pub financial: ExplainedDto,
    pub loyalty: ExplainedDto,
    pub credit_score: ExplainedDto,
    pub risk: ExplainedDto,
    /// Estimated annual net interest and fee income.
    pub annual_profit: MoneyDto,
    pub profit_parts: Vec<ScorePartDto>,
    pub tier: CodeDto,
    pub tier_rule: String,
    pub dedicated_rm_proposed: bool,
    pub rfm_segment: CodeDto,
    pub rfm: ExplainedDto,
    pub lifecycle: CodeDto,
    pub lifecycle_rule: String,
    /// Probability (0–1) that the customer churns within the model's horizon; `null` when the
    /// bank's history was too short to train a model (the rules' warnings still stand).
    pub churn_risk: Option<f64>,
    /// Each warning with its numbers (rules and the model), in the language `Accept-Language`
    /// asks for (English when absent).
    pub churn_reasons: Vec<String>,
    /// What `churn_risk` is the probability of (the churn event and its horizon), in the
    /// requested language; null without a model.
    pub churn_definition: Option<String>,
    /// The model inputs that raised the probability most.
    pub churn_model_parts: Vec<ScorePartDto>,
    /// CLV over the configured horizon (an estimate); null when the customer has no spending.
    pub clv: Option<MoneyDto>,
    pub p_alive: Option<f64>,
    pub clv_class: Option<CodeDto>,
    pub clv_rule: Option<String>,
    pub next_best_products: Vec<ProductDto>,
    pub credit_rating: String,
    pub credit_flags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CustomerScoresDto {
    pub customer_id: i64,
    /// Null before the customer's first scoring.
    pub latest: Option<ScoresDto>,
    /// Newest first.
    pub history: Vec<ScorePointDto>,
    pub alerts: Vec<AlertDto>,
    /// The saved segments the customer belongs to at their latest evaluations, by name.
    #[serde(default)]
    pub segments: Vec<crate::SegmentRefDto>,
}
