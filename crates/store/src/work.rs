//! The relationship manager's work (R4.2–R4.4): tasks with a due date, an owner and an outcome,
//! and the interactions log. A task is completed by logging the contact that did it; any
//! logged contact counts for the customer's contact plan whoever made it.
use chrono::{DateTime, NaiveDate, Utc};
pub use rapport_domain::states::{Channel, Direction, TaskKind, TaskStatus};
use rapport_domain::{PartyId, Reason, StaffId, Tier};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTask {
    pub party_id: PartyId,
    pub owner: StaffId,
    pub kind: TaskKind,
    /// Why, in words (the alert's reason, or what the creator wrote).
    pub reason: String,
    /// The alert's reason as data; `None` for what a person wrote.
    pub detail: Option<Reason>,
    pub alert_id: Option<i64>,
    pub due_on: NaiveDate,
    /// `None` for tasks the alert engine created.
    pub created_by: Option<StaffId>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRow {
    pub id: i64,
    pub party_id: PartyId,
    /// The customer's name as stored (the edge masks it per role).
    pub party_name: String,
    pub owner: StaffId,
    pub kind: TaskKind,
    pub reason: String,
    pub detail: Option<Reason>,
    pub alert_id: Option<i64>,
    pub due_on: NaiveDate,
    pub status: TaskStatus,
    pub outcome: Option<String>,
    pub created_by: Option<StaffId>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub interaction_id: Option<i64>,
}

/// Which of the viewer's own tasks to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskQuery {
    pub status: Option<TaskStatus>,
    /// Only tasks due after this date (the upcoming ones, when it is today).
    pub due_after: Option<NaiveDate>,
    /// Only tasks due on or before this date (today's and overdue ones, when it is today).
    pub due_until: Option<NaiveDate>,
    /// Tasks skipped from the start of the list, for paging.
    pub offset: i64,
    pub limit: i64,
}

/// A value for one placeholder of [`TaskQuery::conditions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskBind {
    Text(&'static str),
    Date(NaiveDate),
}

impl TaskQuery {
    /// The conditions on tasks aliased `t` that this query asks for, each `" AND …"` with one
    /// `?` placeholder and its value, in order. Only those asked for — no `? IS NULL OR …` —
    /// so a planner can walk the owner's index in due order and stop at the page's end.
    pub fn conditions(&self) -> Vec<(&'static str, TaskBind)> {
        let mut out = Vec::with_capacity(3);
        if let Some(status) = self.status {
            out.push((" AND t.status = ?", TaskBind::Text(status.as_str())));
        }
        if let Some(after) = self.due_after {
            out.push((" AND t.due_on > ?", TaskBind::Date(after)));
        }
        if let Some(until) = self.due_until {
            out.push((" AND t.due_on <= ?", TaskBind::Date(until)));
        }
        out
    }
}

/// How many open tasks the viewer owns, due on or before a date, by when and by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskCounts {
    pub overdue: i64,
    pub due_today: i64,
    /// Due after today, up to the date asked for.
    pub upcoming: i64,
    /// (kind, open tasks of that kind due up to the date), by kind.
    pub by_kind: Vec<(String, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInteraction {
    pub party_id: PartyId,
    pub staff_id: StaffId,
    pub channel: Channel,
    pub direction: Direction,
    /// What the contact was for, when it was for one of the task kinds (a care call resets
    /// the care plan, whoever made it).
    pub purpose: Option<TaskKind>,
    pub occurred_at: DateTime<Utc>,
    pub notes: String,
    pub outcome: String,
    pub task_id: Option<i64>,
    pub alert_id: Option<i64>,
}

/// A recorded contact: its id and the interaction as it was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InteractionRow {
    pub id: i64,
    pub interaction: NewInteraction,
}

/// How a task was done: the contact it becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskCompletion {
    pub channel: Channel,
    pub direction: Direction,
    pub notes: String,
    pub outcome: String,
    pub at: DateTime<Utc>,
}

/// Longest notes and outcome kept, in characters.
pub const MAX_NOTES_CHARS: usize = 4000;
pub const MAX_OUTCOME_CHARS: usize = 500;

/// What the alert job needs to know of one customer (a batch read for `rapport alerts`
/// only, never reached from a handler).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyWorkFacts {
    pub party_id: PartyId,
    pub is_person: bool,
    pub birth_date: Option<NaiveDate>,
    /// `solar` or `lunar`.
    pub birthday_calendar: String,
    pub onboarded_on: NaiveDate,
    pub primary_rm: Option<StaffId>,
    pub contacted_since_onboarding: bool,
    /// The latest care contact or care task.
    pub last_care: Option<DateTime<Utc>>,
    /// The latest contact of any kind, by anyone.
    pub last_contact: Option<DateTime<Utc>>,
    /// The tier of the latest scoring, if scored.
    pub tier: Option<Tier>,
    /// Open deposits and wealth products maturing on or before the window's end.
    pub maturities: Vec<MaturityRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaturityRow {
    /// The account's blind key (never its number).
    pub account_key: String,
    pub family: String,
    pub matures_on: NaiveDate,
    pub balance_minor: i64,
}

/// An alert to raise once (by `dedup_key`, for the customer's primary RM) and the task it
/// makes for that RM, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkPlan {
    pub alert: crate::scores::NewAlert,
    pub task: Option<(TaskKind, NaiveDate)>,
}

/// What applying plans changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkApplied {
    pub alerts: u64,
    pub tasks: u64,
}

/// An open alert no task has been made for yet: its id and the alert as it was raised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertNeedingTask {
    pub alert_id: i64,
    pub alert: crate::scores::NewAlert,
}

/// A contact cadence (R4.3): for every customer of a tier, or for one customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContactPlan {
    pub tier: Option<Tier>,
    pub party_id: Option<PartyId>,
    pub cadence_days: i32,
    pub created_by: StaffId,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPlan {
    pub id: i64,
    pub tier: Option<Tier>,
    pub party_id: Option<PartyId>,
    pub cadence_days: i32,
    pub created_by: StaffId,
    pub created_at: DateTime<Utc>,
}

/// A reason's data as the `reason_detail` column keeps it (JSON text).
pub fn reason_to_column(reason: Option<&Reason>) -> Option<String> {
    // Plain enums of strings, numbers and dates: serialising them cannot fail.
    reason.and_then(|r| serde_json::to_string(r).ok())
}

/// A `reason_detail` column read back. A value this version cannot read (written by a newer
/// one) leaves the reason's English text to stand alone rather than failing the read.
pub fn reason_of_column(column: Option<String>) -> Option<Reason> {
    column.and_then(|json| serde_json::from_str(&json).ok())
}
