//! The RM's work: tasks, interactions, contact plans, portfolios, assignments and tier decisions.
use crate::portfolio::{
    NewReassignment, Reassignment, ReassignmentPreview, RmAssignment, RmScorecard, ScorecardPeriod,
    TierDecisionRequest, TierProposal,
};
use crate::work::{
    AlertNeedingTask, ContactPlan, InteractionRow, NewContactPlan, NewInteraction, NewTask,
    PartyWorkFacts, TaskCompletion, TaskCounts, TaskQuery, TaskRow, WorkApplied, WorkPlan,
};
use crate::{AssignedRm, Page, PageRequest, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::{BranchId, PartyId, StaffId, Tier, TierProposalStatus, Viewer};

/// The RM's work: tasks, interactions and contact plans, and the alert job's reads and writes.
#[async_trait]
pub trait WorkStore: Send + Sync {
    /// Creates a task for a customer in the viewer's scope; `None` when the customer is not in
    /// scope (or unknown). The owner must be an enabled staff member (`StoreError::Invalid` names it otherwise).
    async fn create_task(&self, viewer: &Viewer, task: &NewTask) -> StoreResult<Option<TaskRow>>;
    /// The viewer's own tasks, soonest due first.
    async fn my_tasks(&self, viewer: &Viewer, query: &TaskQuery) -> StoreResult<Vec<TaskRow>>;
    /// How many open tasks the viewer owns that are due on or before `until`: overdue, due
    /// `today`, upcoming, and by kind; only those whose customer is in the viewer's scope.
    async fn task_counts(
        &self,
        viewer: &Viewer,
        today: NaiveDate,
        until: NaiveDate,
    ) -> StoreResult<TaskCounts>;
    /// Completes one of the viewer's own open tasks by logging the contact that did it, in one
    /// transaction. `None` when the task is not the viewer's, not open, or its customer has
    /// left the viewer's scope.
    async fn complete_task(
        &self,
        viewer: &Viewer,
        task_id: i64,
        done: &TaskCompletion,
    ) -> StoreResult<Option<(TaskRow, InteractionRow)>>;
    /// Logs a contact with a customer in the viewer's scope (`staff_id` is the viewer);
    /// `None` when the customer is not in scope.
    async fn log_interaction(
        &self,
        viewer: &Viewer,
        interaction: &NewInteraction,
    ) -> StoreResult<Option<InteractionRow>>;
    /// A customer's interactions, newest first; `None` when the customer is not in scope.
    async fn party_interactions(
        &self,
        customer: &crate::scope::InScope,
        limit: i64,
    ) -> StoreResult<Option<Vec<InteractionRow>>>;
    /// A customer's tasks (any owner), newest first; `None` when not in scope.
    async fn party_tasks(
        &self,
        customer: &crate::scope::InScope,
        limit: i64,
    ) -> StoreResult<Option<Vec<TaskRow>>>;

    /// The alert job's facts of parties with id > `after` (at most `limit`, in id order):
    /// unscoped, for `rapport alerts` only. Maturities are those from `today` to
    /// `maturity_until`.
    async fn work_facts(
        &self,
        after: i64,
        limit: i64,
        today: NaiveDate,
        maturity_until: NaiveDate,
    ) -> StoreResult<Vec<PartyWorkFacts>>;
    /// Open alerts with id > `after` that have no task yet (at most `limit`, in id order).
    async fn alerts_needing_tasks(
        &self,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<AlertNeedingTask>>;
    /// Raises each plan's alert once (by `dedup_key`) for the party's primary RM and makes its
    /// task for that RM when the alert has none (a party without a primary RM, or whose RM is
    /// disabled, gets the alert only). All plans in one transaction.
    async fn apply_work_plans(
        &self,
        plans: &[WorkPlan],
        at: DateTime<Utc>,
    ) -> StoreResult<WorkApplied>;

    /// Sets the cadence of a tier or of one customer (replacing the one it had). A customer
    /// plan needs the customer in the viewer's scope (`None` otherwise).
    async fn set_contact_plan(
        &self,
        viewer: &Viewer,
        plan: &NewContactPlan,
    ) -> StoreResult<Option<ContactPlan>>;
    /// Every plan (for the alert job and the plans page).
    async fn contact_plans(&self) -> StoreResult<Vec<ContactPlan>>;
}

/// Portfolio moves: all of an RM's customers reassigned to another RM, above a threshold only
/// when a second person approves.
#[async_trait]
pub trait ReassignmentStore: Send + Sync {
    /// How many customers `from` currently serves (primary and secondary); `NotFound` when
    /// `from` is not a staff member within the viewer's staff scope
    /// ([`portfolio::staff_scope_condition`]).
    async fn reassignment_preview(
        &self,
        viewer: &Viewer,
        from: StaffId,
    ) -> StoreResult<ReassignmentPreview>;
    /// Records a reassignment of all of `from`'s customers to `to` and applies it at once, or
    /// leaves it `pending` when it moves more than the threshold. `NotFound` when `from` is
    /// out of the viewer's staff scope; `to` must be an enabled RM within it
    /// (`StoreError::Invalid` names it otherwise).
    async fn request_reassignment(
        &self,
        viewer: &Viewer,
        r: &NewReassignment,
    ) -> StoreResult<Reassignment>;
    /// Applies a pending reassignment, approved by the viewer: someone other than its
    /// requester whose staff scope covers both RMs. `NotFound` when there is no such pending
    /// one within the viewer's scope, `Invalid` when the viewer requested it or `to` was
    /// disabled since.
    async fn approve_reassignment(
        &self,
        viewer: &Viewer,
        id: i64,
        at: DateTime<Utc>,
        effective_on: NaiveDate,
    ) -> StoreResult<Reassignment>;
    /// Pending reassignments whose both RMs are within the viewer's staff scope.
    async fn pending_reassignments(&self, viewer: &Viewer) -> StoreResult<Vec<Reassignment>>;
}

/// One customer's RMs changed by hand: an RM assigned, a secondary RM's assignment ended.
#[async_trait]
pub trait RmAssignmentStore: Send + Sync {
    /// Assigns an RM to a customer in the viewer's scope (`None` otherwise) and returns the
    /// customer's current RMs. `Invalid` naming `staff_id` when that is not an enabled RM
    /// within the viewer's staff scope.
    async fn assign_rm(
        &self,
        viewer: &Viewer,
        assignment: &RmAssignment,
    ) -> StoreResult<Option<Vec<AssignedRm>>>;
    /// Ends a secondary RM's assignment on `on` (kept as history) and returns the customer's
    /// current RMs; `None` when the customer is not in scope. A primary RM is replaced, never
    /// just ended (`Invalid`), so that every served customer keeps one; `NotFound` when
    /// `staff` is not a current RM of the customer.
    async fn end_secondary_rm(
        &self,
        viewer: &Viewer,
        party: PartyId,
        staff: StaffId,
        on: NaiveDate,
    ) -> StoreResult<Option<Vec<AssignedRm>>>;
}

/// The dedicated-RM rule of `rapport alerts`: customers without a primary RM, the RMs' loads,
/// and the primary assignments the rule decides.
#[async_trait]
pub trait DedicatedRmStore: Send + Sync {
    /// Customers whose latest tier is one of `tiers` and who have no primary RM, with their
    /// home branch, by id (for the dedicated-RM rule of `rapport alerts`).
    async fn unserved_customers(&self, tiers: &[Tier]) -> StoreResult<Vec<(PartyId, BranchId)>>;
    /// Every enabled RM with a branch: (RM, branch, customers they serve as primary RM).
    async fn rm_loads(&self) -> StoreResult<Vec<(StaffId, BranchId, i64)>>;
    /// Makes each RM the primary RM of its customer from `on`, in one transaction, skipping a
    /// customer who has a primary RM by now or an RM no longer enabled; how many were made.
    async fn assign_primary_rms(
        &self,
        assignments: &[(PartyId, StaffId)],
        on: NaiveDate,
    ) -> StoreResult<u64>;
}

/// RM scorecards over whole months, within the viewer's staff scope.
#[async_trait]
pub trait ScorecardStore: Send + Sync {
    /// The scorecards of the RMs the viewer may see (an RM: their own; a branch manager: the
    /// RMs of their branch subtree; bank-wide roles: every RM), by staff id.
    async fn rm_scorecards(
        &self,
        viewer: &Viewer,
        period: ScorecardPeriod,
    ) -> StoreResult<Vec<RmScorecard>>;
}

/// The tier change proposals of scoring, listed and decided within the viewer's scope.
#[async_trait]
pub trait TierProposalStore: Send + Sync {
    /// Tier change proposals of customers in the viewer's scope with this status, latest
    /// as-of first.
    async fn tier_proposals(
        &self,
        viewer: &Viewer,
        status: TierProposalStatus,
        page: PageRequest,
    ) -> StoreResult<Page<TierProposal>>;
    /// Decides a proposal of a customer in the viewer's scope (`None` for an unknown one or one
    /// out of scope). Accepting with a dedicated RM makes that RM the primary from
    /// `effective_on`: the previous assignment ends (kept as history), scope follows at once.
    /// `Conflict` when it was decided already; `Invalid` naming `dedicated_rm_staff_id` when
    /// that is not an enabled relationship manager within the viewer's staff scope.
    async fn decide_tier_proposal(
        &self,
        viewer: &Viewer,
        request: &TierDecisionRequest,
    ) -> StoreResult<Option<TierProposal>>;
}
