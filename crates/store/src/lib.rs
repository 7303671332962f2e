//! The operational store's contract (操作型数据中心).
//!
//! One trait, [`Store`], implemented once per backend (`rapport-store-sqlite`,
//! `rapport-store-postgres`); the server is written against the trait and picks the backend from
//! the database URL once at start. Every method that reads customers takes a [`Viewer`] and
//! returns only what that viewer's [`DataScope`](rapport_domain::DataScope) allows: out-of-scope
//! and unknown customers are indistinguishable (`None`).

pub mod audit;
mod error;
pub mod identity;
pub mod ingest;
pub mod portfolio;
pub mod protect;
mod rows;
pub mod scope;
pub mod scores;
pub mod search;
pub mod segments;
pub mod staff_changes;
pub mod throttle;
pub mod work;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::records::{CustomerBatch, ReferenceData};
use rapport_domain::{BranchId, PartyId, StaffId, Username, Viewer};

use crate::audit::{AuditEntry, NewAuditEntry};
use crate::identity::{
    IdentityEvent, PairDecision, ResolutionApplied, ResolutionRecord, ResolvedParty,
    ReviewCandidate, ReviewItem, ReviewStatus, SourceRecordView,
};
use crate::ingest::{
    BatchOutcome, ImportEnd, ImportRun, NewImportRun, SourceAccountRow, SourceRecordRow,
};
use crate::portfolio::{
    NewReassignment, Reassignment, ReassignmentPreview, RmAssignment, RmScorecard, ScorecardPeriod,
    TierDecisionRequest, TierProposal,
};
use crate::scores::{
    AccountDimRow, AlertRow, NewScoreRun, ParetoCurve, ParetoMeasure, PartyDimRow, PartyScoreRow,
    PortfolioCache, PortfolioMark, PortfolioOverview, ScoreBatch, ScoreDashboard, ScoreRun,
    ScoreRunEnd,
};
use crate::segments::{NewSegment, SegmentDefinition, SegmentRef, SegmentRow};
use crate::staff_changes::{
    IssuedCredential, NewStaffChange, StaffChangeApplied, StaffChangeDecision, StaffChangeRow,
};
use crate::work::{
    AlertNeedingTask, ContactPlan, InteractionRow, NewContactPlan, NewInteraction, NewTask,
    PartyWorkFacts, TaskCompletion, TaskCounts, TaskQuery, TaskRow, WorkApplied, WorkPlan,
};

pub use error::StoreError;
pub use rows::*;

pub type StoreResult<T> = Result<T, StoreError>;

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// `sqlite` or `postgres`, for logs and `/readyz`.
    fn backend(&self) -> &'static str;

    /// Answers when the database can be reached and queried.
    async fn ping(&self) -> StoreResult<()>;

    // --- loading -------------------------------------------------------------------------------

    /// Loads branches, staff and products; idempotent for identical data.
    async fn load_reference(&self, data: &ReferenceData) -> StoreResult<()>;

    /// Loads one batch of customers atomically: all of it or none of it, search keys included.
    async fn load_customers(&self, batch: &CustomerBatch) -> StoreResult<()>;

    async fn counts(&self) -> StoreResult<StoreCounts>;

    // --- staff and sessions --------------------------------------------------------------------

    /// Creates a staff member with a login (for staff not in reference data).
    async fn create_staff(&self, staff: &NewStaff) -> StoreResult<StaffId>;
    /// Sets a password the staff member chose (clears the must-change flag and any lock).
    async fn set_password(&self, staff_id: StaffId, password_hash: &str) -> StoreResult<()>;
    /// Sets a password an administrator gave and ends every session of the staff member, in
    /// one transaction; `must_change` when it is temporary (to be changed at the next login).
    async fn reset_password(
        &self,
        staff_id: StaffId,
        password_hash: &str,
        must_change: bool,
    ) -> StoreResult<()>;
    async fn update_staff(
        &self,
        username: &Username,
        update: &StaffUpdate,
    ) -> StoreResult<StaffAccount>;
    /// Live sessions and tokens, of one staff member or of everyone.
    async fn list_sessions(
        &self,
        staff_id: Option<StaffId>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<SessionSummary>>;
    /// Ends the session whose id (see [`SessionSummary::id`]) is given; false if none.
    async fn revoke_session(&self, id: &str) -> StoreResult<bool>;
    async fn set_disabled(&self, username: &Username, disabled: bool) -> StoreResult<()>;
    async fn staff_by_username(&self, username: &Username) -> StoreResult<Option<StaffAccount>>;
    async fn staff_by_id(&self, staff_id: StaffId) -> StoreResult<Option<StaffAccount>>;
    async fn list_staff(&self) -> StoreResult<Vec<StaffAccount>>;

    /// Counts one hit of `bucket` in the fixed window of `window_secs` that holds `now` and
    /// returns that window's hits, this one included ([`throttle`]).
    async fn throttle_hit(
        &self,
        bucket: &str,
        window_secs: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// The hits of `bucket` in the window that holds `now`, without counting one.
    async fn throttle_hits(
        &self,
        bucket: &str,
        window_secs: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;

    async fn create_session(&self, session: &NewSession) -> StoreResult<()>;
    /// The live session with this token hash and its staff member, if neither is expired,
    /// revoked nor disabled; refreshes the idle deadline.
    async fn touch_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        idle_timeout: chrono::Duration,
    ) -> StoreResult<Option<(SessionRecord, StaffAccount)>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;

    // --- staff changes awaiting a second administrator (see `staff_changes`) ---------------------

    /// Records a change that gives access, to take effect when another administrator approves.
    async fn request_staff_change(&self, change: &NewStaffChange) -> StoreResult<StaffChangeRow>;
    /// The changes still pending, oldest first.
    async fn pending_staff_changes(&self) -> StoreResult<Vec<StaffChangeRow>>;
    /// One change, whatever its status.
    async fn staff_change(&self, id: i64) -> StoreResult<Option<StaffChangeRow>>;
    /// Applies a pending change with the credential the approver hands over and marks it
    /// approved, in one transaction. `NotFound` for an unknown id, `Conflict` when it was
    /// decided already or cannot be applied (a username taken since, a login gone), `Invalid`
    /// when the decider is the requester or the credential does not fit the change.
    async fn approve_staff_change(
        &self,
        decision: &StaffChangeDecision,
        credential: &IssuedCredential,
    ) -> StoreResult<StaffChangeApplied>;
    /// Marks a pending change rejected; errors as for approval.
    async fn reject_staff_change(
        &self,
        decision: &StaffChangeDecision,
    ) -> StoreResult<StaffChangeRow>;

    // --- customers (always scoped) -------------------------------------------------------------

    async fn list_customers(
        &self,
        viewer: &Viewer,
        page: PageRequest,
    ) -> StoreResult<Page<CustomerSummary>>;

    async fn search_customers(
        &self,
        viewer: &Viewer,
        query: &search::SearchQuery,
        page: PageRequest,
    ) -> StoreResult<Page<CustomerSummary>>;

    async fn customer_360(
        &self,
        viewer: &Viewer,
        party_id: PartyId,
    ) -> StoreResult<Option<Customer360>>;

    // --- customer changes ----------------------------------------------------------------------

    /// Creates a prospect in the viewer's branch; returns its id.
    async fn create_prospect(
        &self,
        prospect: &NewProspect,
        author: &ChangeAuthor,
    ) -> StoreResult<PartyId>;

    /// Changes contact details of an in-scope customer made against `expected_version`.
    /// Unknown or out of scope → `NotFound`; another change came first → `Conflict`.
    /// Returns the new version. Every changed field is kept in the history.
    async fn update_contact(
        &self,
        viewer: &Viewer,
        party_id: PartyId,
        expected_version: i64,
        changes: &ContactChanges,
        author: &ChangeAuthor,
    ) -> StoreResult<i64>;

    /// The change history of an in-scope customer, oldest first (`None` if out of scope).
    async fn party_changes(
        &self,
        viewer: &Viewer,
        party_id: PartyId,
    ) -> StoreResult<Option<Vec<PartyChange>>>;

    // --- ingestion (source extracts) ----------------------------------------------------------

    /// Records the start of an import run; returns its id.
    async fn begin_import(&self, run: &NewImportRun) -> StoreResult<i64>;

    /// Upserts one batch of a source system's customer records in one transaction, keyed on
    /// (source system, source key): new rows are inserted, rows whose content hash differs are
    /// updated and marked for resolution, equal rows are left alone. The run's counters move in
    /// the same transaction.
    async fn import_source_records(
        &self,
        run_id: i64,
        source_system: rapport_domain::SourceSystem,
        rows: &[SourceRecordRow],
        now: DateTime<Utc>,
    ) -> StoreResult<BatchOutcome>;

    /// Upserts one batch of accounts in one transaction, like `import_source_records`. Rows whose
    /// customer record, product or branch is unknown are not written and come back as problems.
    /// An account whose customer record is already resolved follows it into `accounts`.
    async fn import_source_accounts(
        &self,
        run_id: i64,
        source_system: rapport_domain::SourceSystem,
        rows: &[SourceAccountRow],
    ) -> StoreResult<BatchOutcome>;

    /// Ends a run (closing unseen records of a completed full load) and returns it.
    async fn finish_import(&self, run_id: i64, end: &ImportEnd) -> StoreResult<ImportRun>;

    /// The latest runs, newest first.
    async fn import_runs(&self, limit: i64) -> StoreResult<Vec<ImportRun>>;

    // --- identity resolution ------------------------------------------------------------------

    /// Source records with `id > after` in id order (at most `limit`), identifiers opened.
    /// For the resolver only: nothing here is scoped or masked, so no handler may pass it on.
    async fn resolution_input(&self, after: i64, limit: i64) -> StoreResult<Vec<ResolutionRecord>>;

    /// The source records of these parties (merged-away ones included), identifiers opened.
    /// For the resolver only, like `resolution_input`.
    async fn resolution_records_of(
        &self,
        parties: &[PartyId],
    ) -> StoreResult<Vec<ResolutionRecord>>;

    /// The steward's approved and rejected pairs, which every resolution honours.
    async fn pair_decisions(&self) -> StoreResult<Vec<PairDecision>>;

    /// Writes golden records in one transaction: creates or updates each party (changes kept in
    /// its history), moves its source records to it (their accounts follow), and merges the
    /// parties it absorbs, keeping what each merge changed so that it can be undone.
    async fn apply_resolution(
        &self,
        parties: &[ResolvedParty],
        author: &ChangeAuthor,
    ) -> StoreResult<ResolutionApplied>;

    /// Every account's blind key and owning party (to roll warehouse balances up to parties).
    async fn account_owners(&self) -> StoreResult<Vec<(String, PartyId)>>;

    /// Sets these monthly AUM points, replacing any for the same party and month.
    async fn upsert_monthly_aum(
        &self,
        points: &[rapport_domain::records::MonthlyAumRecord],
    ) -> StoreResult<()>;

    /// Replaces the pending review queue with these pairs; decided pairs stay as they are.
    /// With `touching`, only the pending pairs with a record among those ids are replaced (a
    /// delta resolution); the rest of the queue stays.
    async fn replace_pending_reviews(
        &self,
        pairs: &[ReviewCandidate],
        touching: Option<&[i64]>,
        at: DateTime<Utc>,
    ) -> StoreResult<u64>;

    /// Review pairs with this status whose parties are both in the viewer's scope, most
    /// probable first.
    async fn list_reviews(
        &self,
        viewer: &Viewer,
        status: ReviewStatus,
        page: PageRequest,
    ) -> StoreResult<Page<ReviewItem>>;

    /// One review pair with its two source records (`None` if unknown or out of scope).
    async fn review(
        &self,
        viewer: &Viewer,
        id: i64,
    ) -> StoreResult<Option<(ReviewItem, SourceRecordView, SourceRecordView)>>;

    /// Records a steward's decision on a pending pair (`Conflict` if already decided).
    async fn decide_review(
        &self,
        viewer: &Viewer,
        id: i64,
        status: ReviewStatus,
        note: Option<&str>,
        author: &ChangeAuthor,
    ) -> StoreResult<ReviewItem>;

    /// Whether a live customer is in the viewer's scope: the proof that a customer's
    /// sub-records may be read (`None` when unknown or out of scope).
    async fn customer_in_scope(
        &self,
        viewer: &Viewer,
        party: PartyId,
    ) -> StoreResult<Option<crate::scope::InScope>>;

    /// The source records behind an in-scope party (`None` if out of scope).
    async fn party_source_records(
        &self,
        customer: &crate::scope::InScope,
    ) -> StoreResult<Option<Vec<SourceRecordView>>>;

    /// Merges and unmerges of an in-scope party, newest first.
    async fn identity_events(
        &self,
        customer: &crate::scope::InScope,
    ) -> StoreResult<Option<Vec<IdentityEvent>>>;

    /// Undoes a merge: the absorbed party returns with its records, accounts and RM
    /// assignments. Returns (kept party, restored party); `Conflict` if already undone.
    async fn undo_merge(
        &self,
        viewer: &Viewer,
        event_id: i64,
        author: &ChangeAuthor,
    ) -> StoreResult<(PartyId, PartyId)>;

    // --- scoring (R3) ---------------------------------------------------------------------------

    /// Every live party's accounts and party facts, for the warehouse's dimension snapshot.
    /// For the scoring batch job only (unscoped, like `resolution_input`).
    async fn scoring_dimensions(&self) -> StoreResult<(Vec<AccountDimRow>, Vec<PartyDimRow>)>;
    /// Each party's tier at its latest scoring before `before` (the tier rules' starting
    /// point). For the scoring batch job only.
    async fn previous_tiers(&self, before: NaiveDate) -> StoreResult<Vec<(PartyId, String)>>;
    async fn begin_score_run(&self, run: &NewScoreRun) -> StoreResult<i64>;
    /// One transaction: scores replace those of the same party and as-of date; alerts are
    /// raised once per dedup key, for the party's primary RM; tier proposals replace those of
    /// the same party and as-of date.
    async fn write_scores(
        &self,
        run_id: i64,
        batch: &ScoreBatch,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn finish_score_run(&self, run_id: i64, end: &ScoreRunEnd) -> StoreResult<()>;
    async fn score_runs(&self, limit: i64) -> StoreResult<Vec<ScoreRun>>;
    /// The RMs who served a party on `date` (assignments in force that day, ended ones
    /// included), primary first; `None` when the party is not in scope.
    async fn rms_on(
        &self,
        customer: &crate::scope::InScope,
        date: NaiveDate,
    ) -> StoreResult<Option<Vec<AssignedRm>>>;
    /// A party's scores, newest as-of first; `None` when the party is not in scope.
    async fn party_scores(
        &self,
        customer: &crate::scope::InScope,
        limit: i64,
    ) -> StoreResult<Option<Vec<PartyScoreRow>>>;
    /// A party's alerts, newest first; `None` when the party is not in scope.
    async fn party_alerts(
        &self,
        customer: &crate::scope::InScope,
        limit: i64,
    ) -> StoreResult<Option<Vec<AlertRow>>>;
    /// The viewer's portfolio at the latest scoring: AUM over the last `months` months, the
    /// `top` customers most at risk and the `top` most valuable, all within scope.
    async fn portfolio_overview(
        &self,
        viewer: &Viewer,
        months: i64,
        top: i64,
    ) -> StoreResult<PortfolioOverview>;
    /// The viewer's cached portfolio summary and the mark a current one carries (see
    /// [`PortfolioCache`]); nothing is cached for scopes other than one RM's own portfolio.
    async fn portfolio_cache(&self, viewer: &Viewer) -> StoreResult<PortfolioCache>;
    /// Keeps the viewer's portfolio summary, computed from `mark`, replacing the one before.
    /// Does nothing for scopes other than one RM's own portfolio.
    async fn save_portfolio_cache(
        &self,
        viewer: &Viewer,
        mark: &PortfolioMark,
        summary_json: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The names of those of `parties` in the viewer's scope (the others are left out).
    async fn party_names(
        &self,
        viewer: &Viewer,
        parties: &[PartyId],
    ) -> StoreResult<Vec<(PartyId, String)>>;
    /// Tier, lifecycle, CLV-class and churn-risk distributions and per-branch sums of the
    /// latest scores within the viewer's scope (and a branch subtree, if given).
    async fn score_dashboard(
        &self,
        viewer: &Viewer,
        branch: Option<BranchId>,
    ) -> StoreResult<ScoreDashboard>;
    /// The 80/20 curve of the latest scores within the viewer's scope, optionally within a
    /// branch subtree and one segment (an RFM segment or a tier).
    async fn pareto(
        &self,
        viewer: &Viewer,
        measure: ParetoMeasure,
        branch: Option<BranchId>,
        segment: Option<&str>,
    ) -> StoreResult<ParetoCurve>;

    // --- the RM's work (tasks, interactions) ----------------------------------------------------

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

    // --- portfolios ----------------------------------------------------------------------------

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
    /// Assigns an RM to a customer in the viewer's scope (`None` otherwise) and returns the
    /// customer's current RMs. `Invalid` naming `staff_id` when that is not an enabled RM
    /// within the viewer's staff scope.
    async fn assign_rm(
        &self,
        viewer: &Viewer,
        assignment: &RmAssignment,
    ) -> StoreResult<Option<Vec<AssignedRm>>>;
    /// Customers whose latest tier is one of `tiers` and who have no primary RM, with their
    /// home branch, by id (for the dedicated-RM rule of `rapport alerts`).
    async fn unserved_customers(&self, tiers: &[String]) -> StoreResult<Vec<(PartyId, BranchId)>>;
    /// Every enabled RM with a branch: (RM, branch, customers they serve as primary RM).
    async fn rm_loads(&self) -> StoreResult<Vec<(StaffId, BranchId, i64)>>;
    /// Makes each RM the primary RM of its customer from `on`, in one transaction, skipping a
    /// customer who has a primary RM by now or an RM no longer enabled; how many were made.
    async fn assign_primary_rms(
        &self,
        assignments: &[(PartyId, StaffId)],
        on: NaiveDate,
    ) -> StoreResult<u64>;
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
    /// The scorecards of the RMs the viewer may see (an RM: their own; a branch manager: the
    /// RMs of their branch subtree; bank-wide roles: every RM), by staff id.
    async fn rm_scorecards(
        &self,
        viewer: &Viewer,
        period: ScorecardPeriod,
    ) -> StoreResult<Vec<RmScorecard>>;
    /// Tier change proposals of customers in the viewer's scope with this status (one of
    /// `portfolio::TIER_PROPOSAL_STATUSES`), latest as-of first.
    async fn tier_proposals(
        &self,
        viewer: &Viewer,
        status: &str,
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

    // --- segments (R3.3) -----------------------------------------------------------------------

    /// Creates a segment; returns its id. Another active segment of the same name →
    /// `Conflict`.
    async fn create_segment(&self, segment: &NewSegment) -> StoreResult<i64>;
    /// The active segments by name, each with its members at its latest evaluation counted
    /// within the viewer's scope.
    async fn list_segments(&self, viewer: &Viewer) -> StoreResult<Vec<SegmentRow>>;
    /// One active segment, its members counted within the viewer's scope (`None` if unknown or
    /// deleted).
    async fn segment(&self, viewer: &Viewer, id: i64) -> StoreResult<Option<SegmentRow>>;
    /// Every active segment's definition, by id, for the scoring job that evaluates them
    /// (no customer data).
    async fn segment_definitions(&self) -> StoreResult<Vec<SegmentDefinition>>;
    /// Deletes a segment (kept, marked deleted, so its name may be used again); false if it was
    /// unknown or already deleted.
    async fn delete_segment(&self, id: i64, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Sets the members of an active segment at `as_of`, replacing any for that date, in one
    /// transaction (all or nothing: an unknown party changes nothing); `as_of` becomes the
    /// segment's latest evaluation unless a later one exists. Unknown or deleted → `NotFound`.
    async fn replace_segment_members(
        &self,
        id: i64,
        as_of: NaiveDate,
        parties: &[PartyId],
    ) -> StoreResult<()>;
    /// A page of a segment's members at `as_of` that are in the viewer's scope, by id.
    async fn segment_members(
        &self,
        viewer: &Viewer,
        id: i64,
        as_of: NaiveDate,
        page: PageRequest,
    ) -> StoreResult<Page<CustomerSummary>>;
    /// The active segments a party belongs to at their latest evaluations, by name; `None`
    /// when the party is not in the viewer's scope.
    async fn party_segments(
        &self,
        customer: &crate::scope::InScope,
    ) -> StoreResult<Option<Vec<SegmentRef>>>;

    // --- keys ----------------------------------------------------------------------------------

    /// Re-seals the identifiers of parties with id > `after` (at most `limit` parties, their
    /// accounts and their change history) under the active field key. Returns the last party
    /// id processed (`None` when there are no more) and how many values were rewritten.
    async fn reseal_batch(&self, after: i64, limit: i64) -> StoreResult<(Option<i64>, u64)>;

    /// A small store-wide setting (e.g. which key the data is sealed with).
    async fn meta(&self, key: &str) -> StoreResult<Option<String>>;
    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()>;

    // --- audit trail ---------------------------------------------------------------------------

    /// Appends entries to the hash chain in one transaction and returns them linked. The head
    /// row is locked for the duration, so appenders on several application nodes serialise.
    async fn append_audit(&self, entries: &[NewAuditEntry]) -> StoreResult<Vec<AuditEntry>>;

    /// Entries with `seq > after`, in `seq` order, at most `limit` (verification, export).
    async fn audit_entries_after(&self, after: i64, limit: i64) -> StoreResult<Vec<AuditEntry>>;

    /// The head record: the last appended `seq` and its hash.
    async fn audit_head(&self) -> StoreResult<(i64, String)>;

    /// Entries matching a filter, newest first (the auditor's viewer).
    async fn search_audit(
        &self,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AuditEntry>>;
}
