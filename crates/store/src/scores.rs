//! What the scoring pipeline hands the store (R3.2–R3.10): one scored row per party and as-of
//! date with its model version (history kept), the alerts it raised for the customer's RM, and
//! tier changes proposed for a dedicated RM. The scores themselves are computed elsewhere
//! (`rapport-scoring`); the store keeps them and reads them back within the viewer's scope.
use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::{
    AlertKind, AlertSeverity, AlertStatus, BranchId, ClvClass, CreditGrade, LifecycleStage,
    PartyId, Reason, RfmSegment, StaffId, Tier,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewScoreRun {
    pub as_of: NaiveDate,
    pub model_version: String,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
}

/// How a scoring run ended.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRunEnd {
    pub finished_at: DateTime<Utc>,
    pub parties: i64,
    /// The churn model's out-of-time AUC (on customers it did not learn from).
    pub churn_auc: Option<f64>,
    /// JSON: stage name → seconds.
    pub stages_json: String,
    /// JSON: the churn model's whole out-of-time evaluation, when one was made.
    pub churn_validation_json: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreRun {
    pub id: i64,
    pub as_of: NaiveDate,
    pub model_version: String,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub parties: i64,
    pub churn_auc: Option<f64>,
    pub stages_json: Option<String>,
    pub churn_validation_json: Option<String>,
}

/// One party's scores at an as-of date. The columns are what lists, dashboards and filters
/// need; `detail_json` keeps everything with its explanation (R3.10: inputs, parts, rules).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartyScoreRow {
    pub party_id: PartyId,
    pub as_of: NaiveDate,
    pub model_version: String,
    pub value_score: f64,
    pub tier: Tier,
    pub lifecycle: LifecycleStage,
    /// `None` when the run had no churn model (rules only).
    pub churn_risk: Option<f64>,
    pub clv_minor: i64,
    pub p_alive: f64,
    /// `None` when the party had no CLV (no transactions to fit).
    pub clv_class: Option<ClvClass>,
    pub rfm_segment: RfmSegment,
    pub credit_rating: CreditGrade,
    /// Estimated annual profit (net interest and fee income), minor units.
    pub profit_minor: i64,
    /// Month-end AUM at as-of, minor units.
    pub aum_minor: i64,
    pub detail_json: String,
}

/// A warning for the customer's RM (R3.7). Raised at most once per `dedup_key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAlert {
    pub party_id: PartyId,
    pub kind: AlertKind,
    pub severity: AlertSeverity,
    /// Why, in words staff read (numbers, not identifiers; English).
    pub reason: String,
    /// The same as data, read out in the viewer's language where it is shown.
    pub detail: Option<Reason>,
    pub as_of: NaiveDate,
    /// Same key → the same alert (e.g. `churn_risk:<party>:<as_of month>`).
    pub dedup_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertRow {
    pub id: i64,
    pub party_id: PartyId,
    pub kind: AlertKind,
    pub severity: AlertSeverity,
    pub reason: String,
    /// `None` for alerts raised before reasons were kept as data.
    pub detail: Option<Reason>,
    pub as_of: NaiveDate,
    pub created_at: DateTime<Utc>,
    /// The party's primary RM when the alert was raised, if it had one.
    pub staff_id: Option<StaffId>,
    pub status: AlertStatus,
}

/// A tier change that the rules decided, with a dedicated RM proposed where the tier calls
/// for one. A proposal, not an assignment: a branch manager decides (audited there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierChangeProposal {
    pub party_id: PartyId,
    pub from_tier: Option<Tier>,
    pub to_tier: Tier,
    pub propose_dedicated_rm: bool,
    pub rule: String,
    pub as_of: NaiveDate,
}

/// One batch of a scoring run, written in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreBatch {
    pub scores: Vec<PartyScoreRow>,
    pub alerts: Vec<NewAlert>,
    pub tier_changes: Vec<TierChangeProposal>,
}

/// What a party's account looked like to the warehouse's dimension snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountDimRow {
    /// The blind index the warehouse keys the account by.
    pub account_key: String,
    pub party_id: PartyId,
    pub family: String,
    pub opened_on: NaiveDate,
    pub matures_on: Option<NaiveDate>,
    pub status: String,
    /// When a closed account was closed, if known.
    pub closed_on: Option<NaiveDate>,
    pub balance_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyDimRow {
    pub party_id: PartyId,
    pub branch_id: Option<BranchId>,
    pub is_organisation: bool,
    pub onboarded_on: Option<NaiveDate>,
}

/// Counts and sums of a dashboard, within the viewer's scope, at the latest as-of date.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScoreDashboard {
    pub as_of: Option<NaiveDate>,
    pub customers: i64,
    /// (tier, customers, AUM minor units)
    pub tiers: Vec<(Tier, i64, i64)>,
    /// (stage, customers)
    pub lifecycle: Vec<(LifecycleStage, i64)>,
    /// (CLV class — `None`: no CLV —, customers)
    pub clv_classes: Vec<(Option<ClvClass>, i64)>,
    /// Customers per churn-risk decile: index 0 = risk below 0.1 … 9 = 0.9 and above.
    pub churn_deciles: Vec<i64>,
    /// (branch id, code, zh name, en name, customers, AUM, profit)
    pub branches: Vec<(i64, String, String, String, i64, i64, i64)>,
}

/// The 80/20 curve: per percentile of customers ranked by profit (or AUM), the share of the
/// total they bring.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ParetoCurve {
    pub as_of: Option<NaiveDate>,
    pub customers: i64,
    pub total_minor: i64,
    /// `points[k]`: the share (0–1) of the total brought by the top (k+1)% of customers.
    pub points: Vec<f64>,
}

/// What to rank customers by in an 80/20 analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ParetoMeasure {
    Profit,
    Aum,
}

impl ParetoMeasure {
    pub fn column(self) -> &'static str {
        match self {
            Self::Profit => "profit_minor",
            Self::Aum => "aum_minor",
        }
    }
}

/// Turns per-percentile sums (descending rank order, 100 buckets) into a cumulative curve.
pub fn cumulative_shares(bucket_sums: &[i64]) -> Vec<f64> {
    let total: i128 = bucket_sums.iter().map(|&v| i128::from(v.max(0))).sum();
    let mut running: i128 = 0;
    bucket_sums
        .iter()
        .map(|&v| {
            running += i128::from(v.max(0));
            if total == 0 {
                0.0
            } else {
                running as f64 / total as f64
            }
        })
        .collect()
}

/// A customer of the viewer's portfolio at the latest scoring, for the workbench's lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortfolioCustomer {
    pub party_id: PartyId,
    /// Masked at the edge like any other name.
    pub name: String,
    pub tier: Tier,
    pub churn_risk: Option<f64>,
    pub value_score: f64,
    pub aum_minor: i64,
    /// The scores with their parts (next best products among them).
    pub detail_json: String,
}

/// The viewer's portfolio at a glance (R4.2), within their scope.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PortfolioOverview {
    /// The latest scoring's as-of date; `None` before the first one.
    pub as_of: Option<NaiveDate>,
    /// (tier, customers, AUM minor units) at the latest scoring, most AUM first.
    pub tiers: Vec<(Tier, i64, i64)>,
    /// (first day of the month, month-end AUM in minor units of the base currency), oldest
    /// first.
    pub aum_trend: Vec<(NaiveDate, i64)>,
    /// The customers most at risk of leaving, highest model probability first.
    pub at_risk: Vec<PortfolioCustomer>,
    /// The most valuable customers, highest value score first: their next best products are
    /// the portfolio's opportunities.
    pub most_valuable: Vec<PortfolioCustomer>,
    /// When this overview was computed (it may have been kept since: see
    /// `WorkbenchStore::portfolio_overview`).
    pub computed_at: DateTime<Utc>,
}
