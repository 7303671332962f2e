//! Portfolios (R4.1, R1.6): moving a relationship manager's customers to another RM in bulk,
//! with history kept (an assignment is ended, never deleted) and, above a size, a second
//! person's approval (maker-checker).
use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::{
    BranchId, DataScope, PartyId, ReassignmentStatus, StaffId, Tier, TierProposalStatus,
};
use serde::{Deserialize, Serialize};

use crate::{StoreError, StoreResult};

/// Who would move: the current assignments of `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReassignmentPreview {
    pub customers: i64,
    pub primary: i64,
    pub secondary: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReassignment {
    pub from: StaffId,
    pub to: StaffId,
    pub requested_by: StaffId,
    pub at: DateTime<Utc>,
    /// The bank's date the move takes effect (assignments end and start on it).
    pub effective_on: NaiveDate,
    /// More customers than this wait for a second person's approval.
    pub approval_threshold: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reassignment {
    pub id: i64,
    pub from: StaffId,
    pub to: StaffId,
    pub status: ReassignmentStatus,
    /// Customers counted when requested.
    pub customers: i64,
    /// Customers moved when applied.
    pub moved: i64,
    pub requested_by: StaffId,
    pub requested_at: DateTime<Utc>,
    pub approved_by: Option<StaffId>,
    pub approved_at: Option<DateTime<Utc>>,
}

/// A tier change the scoring rules proposed (R3.3), as a branch manager decides it: accepted
/// — with a dedicated RM where the new tier calls for one — or declined. The tier itself is the
/// score's; the decision is about who serves the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierProposal {
    pub id: i64,
    pub party_id: PartyId,
    /// The customer's name, masked at the edge like any other name.
    pub party_name: String,
    pub from_tier: Option<Tier>,
    pub to_tier: Tier,
    pub propose_dedicated_rm: bool,
    pub rule: String,
    pub as_of: NaiveDate,
    pub status: TierProposalStatus,
    /// The customer's current primary RM.
    pub primary_rm: Option<StaffId>,
    pub decided_by: Option<StaffId>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The dedicated RM the decision assigned, if it assigned one.
    pub assigned_rm: Option<StaffId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierDecision {
    /// Accepted; with `Some`, that RM becomes the customer's primary RM.
    Accept {
        dedicated_rm: Option<StaffId>,
    },
    Decline,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierDecisionRequest {
    pub id: i64,
    pub decision: TierDecision,
    pub by: StaffId,
    pub at: DateTime<Utc>,
    /// The bank's date a new assignment starts on (and the previous one ends).
    pub effective_on: NaiveDate,
}

/// One RM assigned to one customer by hand (R4.1): as the primary RM (the current primary's
/// assignment ends that day, kept as history) or as a secondary RM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RmAssignment {
    pub party: PartyId,
    pub staff: StaffId,
    pub primary: bool,
    /// The bank's date the assignment starts on.
    pub on: NaiveDate,
}

/// One RM's results over a period (R4.5), from the store's own records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RmScorecard {
    pub staff_id: StaffId,
    pub display_name: String,
    pub branch_id: Option<rapport_domain::BranchId>,
    /// Customers the RM serves as primary RM at the period's end.
    pub customers: i64,
    /// Month-end AUM of those customers in the period's first and last month (minor units of
    /// the base currency).
    pub aum_start_minor: i64,
    pub aum_end_minor: i64,
    /// Primary assignments that started and ended within the period.
    pub gained: i64,
    pub lost: i64,
    /// Accounts opened within the period by the RM's customers.
    pub products_sold: i64,
    /// The RM's tasks due within the period, and how many of them were done.
    pub tasks_due: i64,
    pub tasks_done: i64,
    /// Customers of the RM warned about (churn risk, large outflow) within the period, and how
    /// many of them have not churned at the latest scoring.
    pub at_risk: i64,
    pub retained: i64,
}

/// A period of whole months: `from` is the first day of its first month, `to` the last day of
/// its last month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScorecardPeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl NewReassignment {
    /// The maker-checker rule of portfolio moves: more customers than the threshold wait for
    /// a second person's approval.
    pub fn waits_for_approval(&self, customers: i64) -> bool {
        customers > self.approval_threshold
    }
}

/// The approver of a pending move is someone other than the person who requested it (the
/// store also requires the approver's scope to cover both RMs).
pub fn check_approver(r: &Reassignment, approver: StaffId) -> StoreResult<()> {
    if r.requested_by == approver {
        return Err(StoreError::Invalid(
            "approver: a reassignment needs a second person's approval".into(),
        ));
    }
    Ok(())
}

/// Which staff members a viewer may act on (move their portfolio, assign them to a customer,
/// see their scorecard): an RM themself, a branch manager the staff of their branch subtree,
/// bank-wide roles everyone. The one place this rule lives; the text is SQL both backends
/// run as it is (`$n` placeholders), over `staff` aliased as `alias`, with the one value it
/// binds at `$n`.
pub fn staff_scope_condition(scope: DataScope, alias: &str, n: usize) -> (String, i64) {
    match scope {
        DataScope::Portfolio(StaffId(staff)) => (format!("{alias}.id = ${n}"), staff),
        DataScope::BranchSubtree(BranchId(branch)) => (
            format!(
                "{alias}.branch_id IN (SELECT sb.id FROM branches sb WHERE sb.path LIKE \
                 (SELECT bp.path FROM branches bp WHERE bp.id = ${n}) || '%')"
            ),
            branch,
        ),
        DataScope::All => (format!("1 = ${n}"), 1),
        DataScope::Nothing => (format!("0 = ${n}"), 1),
    }
}

/// Counts (0 or 1) the staff member bound at `$1` if they are within the scope bound at `$2`
/// and, with `enabled_rm`, an enabled relationship manager.
pub fn staff_in_scope_sql(scope: DataScope, enabled_rm: bool) -> (String, i64) {
    let (condition, arg) = staff_scope_condition(scope, "s", 2);
    let rm = if enabled_rm {
        " AND s.disabled = FALSE AND s.role = 'rm'"
    } else {
        ""
    };
    (
        format!("SELECT count(*) FROM staff s WHERE s.id = $1{rm} AND {condition}"),
        arg,
    )
}

/// The refusal when a chosen RM is not an enabled RM the caller may act on; `field` names the
/// parameter that chose it. Out of scope and unknown read the same.
pub fn not_an_enabled_rm(field: &str, staff: StaffId) -> StoreError {
    StoreError::Invalid(format!(
        "{field}: staff {} is not an enabled relationship manager within your scope",
        staff.0
    ))
}
