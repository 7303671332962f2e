//! The RM's work as `/api/v1/tasks`, `/api/v1/workbench` and a customer's interactions show it
//! (R4.2–R4.4). Customer names are masked per role like every customer body.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TaskDto {
    pub id: i64,
    pub customer_id: i64,
    /// Masked unless the caller's role sees names.
    pub customer_name: String,
    pub owner_staff_id: i64,
    /// call, visit, revisit, retention, care or follow_up.
    pub kind: String,
    /// Why the task was made. A generated task's reason is in the language `Accept-Language`
    /// asks for (zh-CN or en; English when absent); a typed one as it was typed.
    pub reason: String,
    pub alert_id: Option<i64>,
    pub due_on: NaiveDate,
    /// open, done or cancelled.
    pub status: String,
    pub outcome: Option<String>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub interaction_id: Option<i64>,
}

/// A task for a customer in the caller's scope; the owner is the caller unless given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTaskRequest {
    pub customer_id: i64,
    /// call, visit, revisit, retention, care or follow_up.
    pub kind: String,
    pub reason: String,
    pub due_on: NaiveDate,
    /// Another enabled staff member (branch managers assigning work); default: the caller.
    pub owner_staff_id: Option<i64>,
}

/// How the task was done: the contact it is logged as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteTaskRequest {
    /// branch_visit, phone, sms, wechat, email, app or event.
    pub channel: String,
    /// outbound (default) or inbound.
    pub direction: Option<String>,
    pub outcome: String,
    #[serde(default)]
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InteractionDto {
    pub id: i64,
    pub customer_id: i64,
    pub staff_id: i64,
    pub channel: String,
    pub direction: String,
    pub purpose: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub notes: String,
    pub outcome: String,
    pub task_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CompletedTaskDto {
    pub task: TaskDto,
    pub interaction: InteractionDto,
}

/// A contact with a customer in the caller's scope, logged by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogInteractionRequest {
    pub channel: String,
    /// outbound (default) or inbound.
    pub direction: Option<String>,
    /// A task kind when the contact was for one (e.g. care).
    pub purpose: Option<String>,
    pub outcome: String,
    #[serde(default)]
    pub notes: String,
    /// When it happened (default: now); not in the future.
    pub occurred_at: Option<DateTime<Utc>>,
}

/// The RM's day: tasks due today or overdue, and the next ones, and the portfolio at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WorkbenchDto {
    /// The bank's date the lists are for.
    pub today: NaiveDate,
    /// The first of the open tasks due today or overdue, oldest first (`GET /api/v1/tasks`
    /// pages through all of them).
    pub due: Vec<TaskDto>,
    /// How many open tasks are due today or overdue in all.
    pub due_total: i64,
    /// Of those, how many are overdue.
    pub overdue: i64,
    /// The first of the open tasks due in the next two weeks, soonest first.
    pub upcoming: Vec<TaskDto>,
    /// How many open tasks are due in the next two weeks in all.
    pub upcoming_total: i64,
    /// Open tasks due up to two weeks ahead, by kind (retention, care, call …).
    pub open_by_kind: Vec<KindCountDto>,
    pub portfolio: PortfolioDto,
}

/// The caller's customers at the latest scoring (R4.2), within their scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PortfolioDto {
    /// The latest scoring's as-of date; `None` before the first one.
    pub as_of: Option<NaiveDate>,
    pub customers: i64,
    pub tiers: Vec<crate::TierCountDto>,
    /// AUM month by month, oldest first (the last 12 months with figures).
    pub aum_trend: Vec<crate::AumPointDto>,
    /// The customers most at risk of leaving.
    pub at_risk: Vec<AtRiskDto>,
    /// The best next-product opportunities: a customer's top recommendation each.
    pub opportunities: Vec<OpportunityDto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AtRiskDto {
    pub customer_id: i64,
    /// Masked unless the caller's role sees names.
    pub customer_name: String,
    pub tier: String,
    /// The churn model's probability (0–1).
    pub churn_risk: f64,
    pub aum: crate::MoneyDto,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OpportunityDto {
    pub customer_id: i64,
    /// Masked unless the caller's role sees names.
    pub customer_name: String,
    /// The product family recommended.
    pub family: String,
    pub propensity: f64,
    pub reason: String,
}

/// Move every customer of one RM to another (branch_manager, admin). With `preview` only the
/// counts come back; above the bank's threshold the move waits for a second person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReassignRequest {
    pub from_staff_id: i64,
    pub to_staff_id: i64,
    #[serde(default)]
    pub preview: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReassignPreviewDto {
    pub customers: i64,
    pub primary: i64,
    pub secondary: i64,
    /// Moves of more customers than this wait for a second person's approval.
    pub approval_threshold: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReassignmentDto {
    pub id: i64,
    pub from_staff_id: i64,
    pub to_staff_id: i64,
    /// applied or pending (waiting for a second person).
    pub status: String,
    pub customers: i64,
    pub moved: i64,
    pub requested_by: i64,
    pub requested_at: DateTime<Utc>,
    pub approved_by: Option<i64>,
    pub approved_at: Option<DateTime<Utc>>,
}

/// A contact cadence for every customer of a tier (branch_manager, admin) or for one customer
/// in the caller's scope (also rm). Replaces the plan the tier or customer had.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactPlanRequest {
    /// A tier code (private_banking, diamond, platinum, gold, ordinary).
    pub tier: Option<String>,
    pub customer_id: Option<i64>,
    /// Days between contacts; at least 1.
    pub cadence_days: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ContactPlanDto {
    pub id: i64,
    pub tier: Option<String>,
    pub customer_id: Option<i64>,
    pub cadence_days: i32,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct KindCountDto {
    pub kind: String,
    pub count: i64,
}

/// A tier change the scoring rules proposed, for a branch manager to decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TierProposalDto {
    pub id: i64,
    pub customer_id: i64,
    /// Masked unless the caller's role sees names.
    pub customer_name: String,
    pub from_tier: Option<String>,
    pub to_tier: String,
    /// The new tier calls for a dedicated RM.
    pub propose_dedicated_rm: bool,
    /// The rule that fired, e.g. six consecutive months above the tier's threshold.
    pub rule: String,
    pub as_of: NaiveDate,
    /// proposed, accepted or declined.
    pub status: String,
    pub primary_rm_staff_id: Option<i64>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub assigned_rm_staff_id: Option<i64>,
}

/// One page of the caller's own tasks, soonest due first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TaskPage {
    pub items: Vec<TaskDto>,
    pub page: u32,
    pub page_size: u32,
    pub has_more: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TierProposalPage {
    pub items: Vec<TierProposalDto>,
    pub page: u32,
    pub page_size: u32,
    pub has_more: bool,
}

/// Accept (optionally making an RM the customer's dedicated primary RM) or decline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TierDecisionBody {
    /// accept or decline.
    pub decision: String,
    /// With accept: an enabled RM who becomes the customer's primary RM today.
    pub dedicated_rm_staff_id: Option<i64>,
}

/// Assign an RM to the customer (branch_manager, admin): as the primary RM — the current
/// primary's assignment ends today, kept as history — or as a secondary RM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRmRequest {
    pub staff_id: i64,
    /// true: the primary RM; false (default): a secondary RM.
    #[serde(default)]
    pub primary: bool,
}

/// One RM's results over the period (R4.5). Shares are `None` when there is nothing to divide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RmScorecardDto {
    /// 1 for the best AUM growth in the list.
    pub rank: usize,
    pub staff_id: i64,
    pub display_name: String,
    pub branch_id: Option<i64>,
    pub customers: i64,
    pub aum_start: crate::MoneyDto,
    pub aum_end: crate::MoneyDto,
    pub aum_growth: crate::MoneyDto,
    /// AUM growth as a share of the start (0.1 = 10 %).
    pub aum_growth_share: Option<f64>,
    /// Primary customers gained minus lost.
    pub net_new_customers: i64,
    pub products_sold: i64,
    /// Tasks due in the period that were done (contact-plan and alert work).
    pub task_completion: Option<f64>,
    /// Customers warned about (churn risk, large outflow) who have not churned.
    pub at_risk: i64,
    pub retention: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ScorecardsDto {
    /// First day of the first month and last day of the last month.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The leaderboard: best AUM growth first.
    pub rms: Vec<RmScorecardDto>,
}
