//! Scores, alerts, dashboards and segments (R3).
use crate::scores::{
    AccountDimRow, AlertRow, NewScoreRun, ParetoCurve, ParetoMeasure, PartyDimRow, PartyScoreRow,
    PortfolioOverview, ScoreBatch, ScoreDashboard, ScoreRun, ScoreRunEnd,
};
use crate::segments::{NewSegment, SegmentDefinition, SegmentRef, SegmentRow};
use crate::{AssignedRm, CustomerSummary, Page, PageRequest, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::{BranchId, PartyId, Tier, Viewer};

/// Scoring (R3): score runs, each party's scores and alerts, the RMs who served a party on a
/// day, and the portfolio overview and dashboards over the latest scores.
#[async_trait]
pub trait ScoreStore: Send + Sync {
    /// Every live party's accounts and party facts, for the warehouse's dimension snapshot.
    /// For the scoring batch job only (unscoped, like `resolution_input`).
    async fn scoring_dimensions(&self) -> StoreResult<(Vec<AccountDimRow>, Vec<PartyDimRow>)>;
    /// Each party's tier at its latest scoring before `before` (the tier rules' starting
    /// point). For the scoring batch job only.
    async fn previous_tiers(&self, before: NaiveDate) -> StoreResult<Vec<(PartyId, Tier)>>;
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
}

/// The RM workbench: the portfolio overview, kept per RM, and the names of the customers it
/// lists.
#[async_trait]
pub trait WorkbenchStore: Send + Sync {
    /// The viewer's portfolio at the latest scoring: AUM over the last `months` months, the
    /// `top` customers most at risk and the `top` most valuable, all within scope. For a
    /// caller whose scope is their own portfolio it is computed once per finished scoring run
    /// and change of their assignments (whatever makes it: a move, a merge, an undo) and kept;
    /// `computed_at` says when (`now` if computed by this call).
    async fn portfolio_overview(
        &self,
        viewer: &Viewer,
        months: i64,
        top: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<PortfolioOverview>;
    /// The names of those of `parties` in the viewer's scope (the others are left out).
    async fn party_names(
        &self,
        viewer: &Viewer,
        parties: &[PartyId],
    ) -> StoreResult<Vec<(PartyId, String)>>;
}

/// Saved segments (R3.3): their definitions, their members per evaluation, and a party's
/// segments.
#[async_trait]
pub trait SegmentStore: Send + Sync {
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
}
