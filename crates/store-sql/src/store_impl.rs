//! The [`Store`] of a backend, written once: each backend module includes this file, and its
//! area modules (most of them written once too) do the work.
use super::*;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::records::{CustomerBatch, ReferenceData};
use rapport_domain::{BranchId, PartyId, StaffId, Username, Viewer};
// Every area's row types: this file only passes them between the interface and the areas.
use rapport_store::search::SearchQuery;
use rapport_store::{audit::*, identity::*, ingest::*, portfolio::*, scores::*, segments::*};
use rapport_store::{staff_changes::*, work::*};
use rapport_store::{
    AssignedRm, AuditFilter, AuditStore, ChangeAuthor, ContactChanges, Customer360,
    CustomerStore, CustomerSummary, IdentityStore, IngestStore, NewProspect, NewSession, NewStaff,
    Page, PageRequest, PartyChange, ScoreStore, SessionRecord, SessionSummary, StaffAccount,
    StaffStore, StaffUpdate, Store, StoreCounts, StoreResult, WorkStore,
};

#[async_trait]
impl Store for super::Backend {
    fn backend(&self) -> &'static str {
        super::BACKEND
    }
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

#[async_trait]
impl StaffStore for super::Backend {
    async fn create_staff(&self, staff: &NewStaff) -> StoreResult<StaffId> {
        staff::create_staff(&self.pool, staff).await
    }

    async fn set_password(&self, staff_id: StaffId, password_hash: &str) -> StoreResult<()> {
        staff::set_password(&self.pool, staff_id, password_hash).await
    }

    async fn reset_password(
        &self,
        staff_id: StaffId,
        password_hash: &str,
        must_change: bool,
    ) -> StoreResult<()> {
        staff::reset_password(&self.pool, staff_id, password_hash, must_change).await
    }

    async fn update_staff(
        &self,
        username: &Username,
        update: &StaffUpdate,
    ) -> StoreResult<StaffAccount> {
        staff::update_staff(&self.pool, username, update).await
    }

    async fn list_sessions(
        &self,
        staff_id: Option<StaffId>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<SessionSummary>> {
        staff::list_sessions(&self.pool, staff_id, now).await
    }

    async fn revoke_session(&self, id: &str) -> StoreResult<bool> {
        staff::revoke_session(&self.pool, id).await
    }

    async fn set_disabled(&self, username: &Username, disabled: bool) -> StoreResult<()> {
        staff::set_disabled(&self.pool, username, disabled).await
    }

    async fn staff_by_username(&self, username: &Username) -> StoreResult<Option<StaffAccount>> {
        staff::staff_by_username(&self.pool, username).await
    }

    async fn staff_by_id(&self, staff_id: StaffId) -> StoreResult<Option<StaffAccount>> {
        staff::staff_by_id(&self.pool, staff_id).await
    }

    async fn list_staff(&self) -> StoreResult<Vec<StaffAccount>> {
        staff::list_staff(&self.pool).await
    }

    async fn throttle_hit(
        &self,
        bucket: &str,
        window_secs: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        staff::throttle_hit(&self.pool, bucket, window_secs, now).await
    }

    async fn throttle_hits(
        &self,
        bucket: &str,
        window_secs: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        staff::throttle_hits(&self.pool, bucket, window_secs, now).await
    }

    async fn create_session(&self, session: &NewSession) -> StoreResult<()> {
        staff::create_session(&self.pool, session).await
    }

    async fn touch_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        idle_timeout: chrono::Duration,
    ) -> StoreResult<Option<(SessionRecord, StaffAccount)>> {
        staff::touch_session(&self.pool, token_hash, now, idle_timeout).await
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        staff::delete_session(&self.pool, token_hash).await
    }

    async fn request_staff_change(&self, change: &NewStaffChange) -> StoreResult<StaffChangeRow> {
        staff_changes::request(&self.pool, change).await
    }

    async fn pending_staff_changes(&self) -> StoreResult<Vec<StaffChangeRow>> {
        staff_changes::pending(&self.pool).await
    }

    async fn staff_change(&self, id: i64) -> StoreResult<Option<StaffChangeRow>> {
        staff_changes::one(&self.pool, id).await
    }

    async fn approve_staff_change(
        &self,
        decision: &StaffChangeDecision,
        credential: &IssuedCredential,
    ) -> StoreResult<StaffChangeApplied> {
        staff_changes::approve(&self.pool, decision, credential).await
    }

    async fn reject_staff_change(
        &self,
        decision: &StaffChangeDecision,
    ) -> StoreResult<StaffChangeRow> {
        staff_changes::reject(&self.pool, decision).await
    }
}

#[async_trait]
impl CustomerStore for super::Backend {
    async fn list_customers(
        &self,
        viewer: &Viewer,
        page: PageRequest,
    ) -> StoreResult<Page<CustomerSummary>> {
        rapport_store::scope::operation("list_customers", async {
            customers::list(&self.protect, &self.pool, viewer, page).await
        })
        .await
    }

    async fn search_customers(
        &self,
        viewer: &Viewer,
        query: &SearchQuery,
        page: PageRequest,
    ) -> StoreResult<Page<CustomerSummary>> {
        rapport_store::scope::operation("search_customers", async {
            customers::search(&self.protect, &self.pool, viewer, query, page).await
        })
        .await
    }

    async fn customer_360(
        &self,
        viewer: &Viewer,
        party_id: PartyId,
    ) -> StoreResult<Option<Customer360>> {
        rapport_store::scope::operation("customer_360", async {
            customers::customer_360(&self.protect, &self.pool, viewer, party_id).await
        })
        .await
    }

    async fn create_prospect(
        &self,
        prospect: &NewProspect,
        author: &ChangeAuthor,
    ) -> StoreResult<PartyId> {
        changes::create_prospect(&self.protect, &self.pool, prospect, author).await
    }

    async fn update_contact(
        &self,
        viewer: &Viewer,
        party_id: PartyId,
        expected_version: i64,
        changes: &ContactChanges,
        author: &ChangeAuthor,
    ) -> StoreResult<i64> {
        rapport_store::scope::operation("update_contact", async {
            changes::update_contact(
                &self.protect,
                &self.pool,
                viewer,
                party_id,
                expected_version,
                changes,
                author,
            )
            .await
        })
        .await
    }

    async fn party_changes(
        &self,
        viewer: &Viewer,
        party_id: PartyId,
    ) -> StoreResult<Option<Vec<PartyChange>>> {
        rapport_store::scope::operation("party_changes", async {
            changes::party_changes(&self.protect, &self.pool, viewer, party_id).await
        })
        .await
    }

    async fn customer_in_scope(
        &self,
        viewer: &Viewer,
        party: PartyId,
    ) -> StoreResult<Option<rapport_store::scope::InScope>> {
        rapport_store::scope::operation("customer_in_scope", async {
            let found = scores::in_scope(&self.pool, viewer, party).await?;
            #[allow(clippy::disallowed_methods)] // this is the store's scope check
            Ok(found.then(|| rapport_store::scope::InScope::checked_by_the_store(viewer, party)))
        })
        .await
    }
}

#[async_trait]
impl IngestStore for super::Backend {
    async fn load_reference(&self, data: &ReferenceData) -> StoreResult<()> {
        load::load_reference(&self.pool, data).await
    }

    async fn load_customers(&self, batch: &CustomerBatch) -> StoreResult<()> {
        load::load_customers(&self.protect, &self.pool, batch).await
    }

    async fn counts(&self) -> StoreResult<StoreCounts> {
        load::counts(&self.pool).await
    }

    async fn begin_import(&self, run: &NewImportRun) -> StoreResult<i64> {
        ingest::begin_import(&self.pool, run).await
    }

    async fn import_source_records(
        &self,
        run_id: i64,
        source_system: rapport_domain::SourceSystem,
        rows: &[SourceRecordRow],
        now: DateTime<Utc>,
    ) -> StoreResult<BatchOutcome> {
        ingest::import_source_records(&self.protect, &self.pool, run_id, source_system, rows, now)
            .await
    }

    async fn import_source_accounts(
        &self,
        run_id: i64,
        source_system: rapport_domain::SourceSystem,
        rows: &[SourceAccountRow],
    ) -> StoreResult<BatchOutcome> {
        ingest::import_source_accounts(&self.protect, &self.pool, run_id, source_system, rows).await
    }

    async fn finish_import(&self, run_id: i64, end: &ImportEnd) -> StoreResult<ImportRun> {
        ingest::finish_import(&self.pool, run_id, end).await
    }

    async fn import_runs(&self, limit: i64) -> StoreResult<Vec<ImportRun>> {
        ingest::import_runs(&self.pool, limit).await
    }
}

#[async_trait]
impl IdentityStore for super::Backend {
    async fn resolution_input(&self, after: i64, limit: i64) -> StoreResult<Vec<ResolutionRecord>> {
        identity::resolution_input(&self.protect, &self.pool, after, limit).await
    }

    async fn resolution_records_of(
        &self,
        parties: &[PartyId],
    ) -> StoreResult<Vec<ResolutionRecord>> {
        identity::resolution_records_of(&self.protect, &self.pool, parties).await
    }

    async fn pair_decisions(&self) -> StoreResult<Vec<PairDecision>> {
        identity::pair_decisions(&self.pool).await
    }

    async fn apply_resolution(
        &self,
        parties: &[ResolvedParty],
        author: &ChangeAuthor,
    ) -> StoreResult<ResolutionApplied> {
        identity::apply_resolution(&self.protect, &self.pool, parties, author).await
    }

    async fn account_owners(&self) -> StoreResult<Vec<(String, PartyId)>> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT account_number, party_id FROM accounts")
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
        Ok(rows.into_iter().map(|(k, p)| (k, PartyId(p))).collect())
    }

    async fn upsert_monthly_aum(
        &self,
        points: &[rapport_domain::records::MonthlyAumRecord],
    ) -> StoreResult<()> {
        identity::upsert_monthly_aum(&self.pool, points).await
    }

    async fn replace_pending_reviews(
        &self,
        pairs: &[ReviewCandidate],
        touching: Option<&[i64]>,
        at: DateTime<Utc>,
    ) -> StoreResult<u64> {
        review::replace_pending_reviews(&self.pool, pairs, touching, at).await
    }

    async fn list_reviews(
        &self,
        viewer: &Viewer,
        status: ReviewStatus,
        page: PageRequest,
    ) -> StoreResult<Page<ReviewItem>> {
        rapport_store::scope::operation("list_reviews", async {
            review::list_reviews(&self.pool, viewer, status, page).await
        })
        .await
    }

    async fn review(
        &self,
        viewer: &Viewer,
        id: i64,
    ) -> StoreResult<Option<(ReviewItem, SourceRecordView, SourceRecordView)>> {
        rapport_store::scope::operation("review", async {
            review::review(&self.protect, &self.pool, viewer, id).await
        })
        .await
    }

    async fn decide_review(
        &self,
        viewer: &Viewer,
        id: i64,
        status: ReviewStatus,
        note: Option<&str>,
        author: &ChangeAuthor,
    ) -> StoreResult<ReviewItem> {
        rapport_store::scope::operation("decide_review", async {
            review::decide_review(&self.pool, viewer, id, status, note, author).await
        })
        .await
    }

    async fn party_source_records(
        &self,
        customer: &rapport_store::scope::InScope,
    ) -> StoreResult<Option<Vec<SourceRecordView>>> {
        let (viewer, party_id) = (customer.viewer(), customer.party());
        review::party_source_records(&self.protect, &self.pool, viewer, party_id).await
    }

    async fn identity_events(
        &self,
        customer: &rapport_store::scope::InScope,
    ) -> StoreResult<Option<Vec<IdentityEvent>>> {
        let (viewer, party_id) = (customer.viewer(), customer.party());
        review::identity_events(&self.pool, viewer, party_id).await
    }

    async fn undo_merge(
        &self,
        viewer: &Viewer,
        event_id: i64,
        author: &ChangeAuthor,
    ) -> StoreResult<(PartyId, PartyId)> {
        rapport_store::scope::operation("undo_merge", async {
            review::undo_merge(&self.pool, viewer, event_id, author).await
        })
        .await
    }
}

#[async_trait]
impl ScoreStore for super::Backend {
    async fn scoring_dimensions(&self) -> StoreResult<(Vec<AccountDimRow>, Vec<PartyDimRow>)> {
        scores::scoring_dimensions(&self.pool).await
    }

    async fn previous_tiers(&self, before: NaiveDate) -> StoreResult<Vec<(PartyId, String)>> {
        scores::previous_tiers(&self.pool, before).await
    }

    async fn begin_score_run(&self, run: &NewScoreRun) -> StoreResult<i64> {
        scores::begin_score_run(&self.pool, run).await
    }

    async fn write_scores(
        &self,
        run_id: i64,
        batch: &ScoreBatch,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        scores::write_scores(&self.pool, run_id, batch, at).await
    }

    async fn finish_score_run(&self, run_id: i64, end: &ScoreRunEnd) -> StoreResult<()> {
        scores::finish_score_run(&self.pool, run_id, end).await
    }

    async fn score_runs(&self, limit: i64) -> StoreResult<Vec<ScoreRun>> {
        scores::score_runs(&self.pool, limit).await
    }

    async fn rms_on(
        &self,
        customer: &rapport_store::scope::InScope,
        date: NaiveDate,
    ) -> StoreResult<Option<Vec<AssignedRm>>> {
        let (viewer, party) = (customer.viewer(), customer.party());
        if !scores::in_scope(&self.pool, viewer, party).await? {
            return Ok(None);
        }
        customers::rms_in_force(&self.pool, party, Some(date))
            .await
            .map(Some)
    }

    async fn portfolio_overview(
        &self,
        viewer: &Viewer,
        months: i64,
        top: i64,
    ) -> StoreResult<PortfolioOverview> {
        rapport_store::scope::operation("portfolio_overview", async {
            scores::portfolio_overview(&self.pool, viewer, months, top).await
        })
        .await
    }

    async fn portfolio_cache(&self, viewer: &Viewer) -> StoreResult<PortfolioCache> {
        rapport_store::scope::operation("portfolio_cache", async {
            workbench::portfolio_cache(&self.pool, viewer).await
        })
        .await
    }

    async fn save_portfolio_cache(
        &self,
        viewer: &Viewer,
        mark: &PortfolioMark,
        summary_json: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        rapport_store::scope::operation("save_portfolio_cache", async {
            workbench::save_portfolio_cache(&self.pool, viewer, mark, summary_json, at).await
        })
        .await
    }

    async fn party_names(
        &self,
        viewer: &Viewer,
        parties: &[PartyId],
    ) -> StoreResult<Vec<(PartyId, String)>> {
        rapport_store::scope::operation("party_names", async {
            workbench::party_names(&self.pool, viewer, parties).await
        })
        .await
    }

    async fn party_scores(
        &self,
        customer: &rapport_store::scope::InScope,
        limit: i64,
    ) -> StoreResult<Option<Vec<PartyScoreRow>>> {
        let (viewer, party) = (customer.viewer(), customer.party());
        scores::party_scores(&self.pool, viewer, party, limit).await
    }

    async fn party_alerts(
        &self,
        customer: &rapport_store::scope::InScope,
        limit: i64,
    ) -> StoreResult<Option<Vec<AlertRow>>> {
        let (viewer, party) = (customer.viewer(), customer.party());
        scores::party_alerts(&self.pool, viewer, party, limit).await
    }

    async fn score_dashboard(
        &self,
        viewer: &Viewer,
        branch: Option<BranchId>,
    ) -> StoreResult<ScoreDashboard> {
        rapport_store::scope::operation("score_dashboard", async {
            scores::score_dashboard(&self.pool, viewer, branch).await
        })
        .await
    }

    async fn pareto(
        &self,
        viewer: &Viewer,
        measure: ParetoMeasure,
        branch: Option<BranchId>,
        segment: Option<&str>,
    ) -> StoreResult<ParetoCurve> {
        rapport_store::scope::operation("pareto", async {
            scores::pareto(&self.pool, viewer, measure, branch, segment).await
        })
        .await
    }

    async fn create_segment(&self, segment: &NewSegment) -> StoreResult<i64> {
        segments::create_segment(&self.pool, segment).await
    }

    async fn list_segments(&self, viewer: &Viewer) -> StoreResult<Vec<SegmentRow>> {
        rapport_store::scope::operation("list_segments", async {
            segments::list_segments(&self.pool, viewer).await
        })
        .await
    }

    async fn segment(&self, viewer: &Viewer, id: i64) -> StoreResult<Option<SegmentRow>> {
        rapport_store::scope::operation("segment", async {
            segments::segment(&self.pool, viewer, id).await
        })
        .await
    }

    async fn segment_definitions(&self) -> StoreResult<Vec<SegmentDefinition>> {
        segments::segment_definitions(&self.pool).await
    }

    async fn delete_segment(&self, id: i64, at: DateTime<Utc>) -> StoreResult<bool> {
        segments::delete_segment(&self.pool, id, at).await
    }

    async fn replace_segment_members(
        &self,
        id: i64,
        as_of: NaiveDate,
        parties: &[PartyId],
    ) -> StoreResult<()> {
        segments::replace_segment_members(&self.pool, id, as_of, parties).await
    }

    async fn segment_members(
        &self,
        viewer: &Viewer,
        id: i64,
        as_of: NaiveDate,
        page: PageRequest,
    ) -> StoreResult<Page<CustomerSummary>> {
        rapport_store::scope::operation("segment_members", async {
            customers::segment_members(&self.protect, &self.pool, viewer, id, as_of, page).await
        })
        .await
    }

    async fn party_segments(
        &self,
        customer: &rapport_store::scope::InScope,
    ) -> StoreResult<Option<Vec<SegmentRef>>> {
        let (viewer, party) = (customer.viewer(), customer.party());
        segments::party_segments(&self.pool, viewer, party).await
    }
}

#[async_trait]
impl WorkStore for super::Backend {
    async fn create_task(&self, viewer: &Viewer, task: &NewTask) -> StoreResult<Option<TaskRow>> {
        rapport_store::scope::operation("create_task", async {
            work::create_task(&self.pool, viewer, task).await
        })
        .await
    }

    async fn my_tasks(&self, viewer: &Viewer, query: &TaskQuery) -> StoreResult<Vec<TaskRow>> {
        rapport_store::scope::operation("my_tasks", async {
            work::my_tasks(&self.pool, viewer, query).await
        })
        .await
    }

    async fn task_counts(
        &self,
        viewer: &Viewer,
        today: NaiveDate,
        until: NaiveDate,
    ) -> StoreResult<TaskCounts> {
        rapport_store::scope::operation("task_counts", async {
            work::task_counts(&self.pool, viewer, today, until).await
        })
        .await
    }

    async fn complete_task(
        &self,
        viewer: &Viewer,
        task_id: i64,
        done: &TaskCompletion,
    ) -> StoreResult<Option<(TaskRow, InteractionRow)>> {
        rapport_store::scope::operation("complete_task", async {
            work::complete_task(&self.pool, viewer, task_id, done).await
        })
        .await
    }

    async fn log_interaction(
        &self,
        viewer: &Viewer,
        interaction: &NewInteraction,
    ) -> StoreResult<Option<InteractionRow>> {
        rapport_store::scope::operation("log_interaction", async {
            work::log_interaction(&self.pool, viewer, interaction).await
        })
        .await
    }

    async fn party_interactions(
        &self,
        customer: &rapport_store::scope::InScope,
        limit: i64,
    ) -> StoreResult<Option<Vec<InteractionRow>>> {
        let (viewer, party) = (customer.viewer(), customer.party());
        work::party_interactions(&self.pool, viewer, party, limit).await
    }

    async fn party_tasks(
        &self,
        customer: &rapport_store::scope::InScope,
        limit: i64,
    ) -> StoreResult<Option<Vec<TaskRow>>> {
        let (viewer, party) = (customer.viewer(), customer.party());
        work::party_tasks(&self.pool, viewer, party, limit).await
    }

    async fn work_facts(
        &self,
        after: i64,
        limit: i64,
        today: NaiveDate,
        maturity_until: NaiveDate,
    ) -> StoreResult<Vec<PartyWorkFacts>> {
        work::work_facts(&self.pool, after, limit, today, maturity_until).await
    }

    async fn alerts_needing_tasks(
        &self,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<AlertNeedingTask>> {
        work::alerts_needing_tasks(&self.pool, after, limit).await
    }

    async fn apply_work_plans(
        &self,
        plans: &[WorkPlan],
        at: DateTime<Utc>,
    ) -> StoreResult<WorkApplied> {
        work::apply_work_plans(&self.pool, plans, at).await
    }

    async fn set_contact_plan(
        &self,
        viewer: &Viewer,
        plan: &NewContactPlan,
    ) -> StoreResult<Option<ContactPlan>> {
        rapport_store::scope::operation("set_contact_plan", async {
            work::set_contact_plan(&self.pool, viewer, plan).await
        })
        .await
    }

    async fn contact_plans(&self) -> StoreResult<Vec<ContactPlan>> {
        work::contact_plans(&self.pool).await
    }

    async fn reassignment_preview(
        &self,
        viewer: &Viewer,
        from: StaffId,
    ) -> StoreResult<ReassignmentPreview> {
        rapport_store::scope::operation("reassignment_preview", async {
            portfolio::preview(&self.pool, viewer, from).await
        })
        .await
    }

    async fn request_reassignment(
        &self,
        viewer: &Viewer,
        r: &NewReassignment,
    ) -> StoreResult<Reassignment> {
        rapport_store::scope::operation("request_reassignment", async {
            portfolio::request(&self.pool, viewer, r).await
        })
        .await
    }

    async fn approve_reassignment(
        &self,
        viewer: &Viewer,
        id: i64,
        at: DateTime<Utc>,
        effective_on: NaiveDate,
    ) -> StoreResult<Reassignment> {
        rapport_store::scope::operation("approve_reassignment", async {
            portfolio::approve(&self.pool, viewer, id, at, effective_on).await
        })
        .await
    }

    async fn pending_reassignments(&self, viewer: &Viewer) -> StoreResult<Vec<Reassignment>> {
        rapport_store::scope::operation("pending_reassignments", async {
            portfolio::pending(&self.pool, viewer).await
        })
        .await
    }

    async fn assign_rm(
        &self,
        viewer: &Viewer,
        assignment: &RmAssignment,
    ) -> StoreResult<Option<Vec<AssignedRm>>> {
        rapport_store::scope::operation("assign_rm", async {
            assign::assign(&self.pool, viewer, assignment).await
        })
        .await
    }

    async fn unserved_customers(&self, tiers: &[String]) -> StoreResult<Vec<(PartyId, BranchId)>> {
        dedicated::unserved_customers(&self.pool, tiers).await
    }

    async fn rm_loads(&self) -> StoreResult<Vec<(StaffId, BranchId, i64)>> {
        dedicated::rm_loads(&self.pool).await
    }

    async fn assign_primary_rms(
        &self,
        assignments: &[(PartyId, StaffId)],
        on: NaiveDate,
    ) -> StoreResult<u64> {
        dedicated::assign_primary_rms(&self.pool, assignments, on).await
    }

    async fn end_secondary_rm(
        &self,
        viewer: &Viewer,
        party: PartyId,
        staff: StaffId,
        on: NaiveDate,
    ) -> StoreResult<Option<Vec<AssignedRm>>> {
        rapport_store::scope::operation("end_secondary_rm", async {
            assign::end_secondary(&self.pool, viewer, party, staff, on).await
        })
        .await
    }

    async fn rm_scorecards(
        &self,
        viewer: &Viewer,
        period: ScorecardPeriod,
    ) -> StoreResult<Vec<RmScorecard>> {
        rapport_store::scope::operation("rm_scorecards", async {
            scorecards::rm_scorecards(&self.pool, viewer, period).await
        })
        .await
    }

    async fn tier_proposals(
        &self,
        viewer: &Viewer,
        status: &str,
        page: PageRequest,
    ) -> StoreResult<Page<TierProposal>> {
        rapport_store::scope::operation("tier_proposals", async {
            tiers::list(&self.pool, viewer, status, page).await
        })
        .await
    }

    async fn decide_tier_proposal(
        &self,
        viewer: &Viewer,
        request: &TierDecisionRequest,
    ) -> StoreResult<Option<TierProposal>> {
        rapport_store::scope::operation("decide_tier_proposal", async {
            tiers::decide(&self.pool, viewer, request).await
        })
        .await
    }
}

#[async_trait]
impl AuditStore for super::Backend {
    async fn reseal_batch(&self, after: i64, limit: i64) -> StoreResult<(Option<i64>, u64)> {
        keys::reseal_batch(&self.protect, &self.pool, after, limit).await
    }

    async fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        keys::meta(&self.pool, key).await
    }

    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        keys::set_meta(&self.pool, key, value).await
    }

    async fn append_audit(&self, entries: &[NewAuditEntry]) -> StoreResult<Vec<AuditEntry>> {
        audit::append(&self.pool, entries).await
    }

    async fn audit_entries_after(&self, after: i64, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        audit::entries_after(&self.pool, after, limit).await
    }

    async fn audit_head(&self) -> StoreResult<(i64, String)> {
        audit::head(&self.pool).await
    }

    async fn search_audit(
        &self,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AuditEntry>> {
        audit::search(&self.pool, filter, page).await
    }
}
