//! The operational store on PostgreSQL: for banks that outgrow one file, or run a database
//! service already.
//!
//! A connection pool (16 connections), a connect timeout so an unreachable server fails within
//! seconds, migrations applied at open (under PostgreSQL's advisory lock, so several servers may
//! start at once), and native types: BIGINT ids and minor units, DATE, TIMESTAMPTZ, BOOLEAN.

mod assign;
mod audit;
mod changes;
mod customers;
mod dedicated;
mod identity;
mod ingest;
mod keys;
mod load;
mod portfolio;
mod review;
mod scorecards;
mod scores;
mod segments;
mod staff;
mod staff_changes;
mod tiers;
mod work;
mod workbench;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use rapport_crypto::KeyRing;
use rapport_domain::records::{CustomerBatch, ReferenceData};
use rapport_domain::{BranchId, PartyId, StaffId, Username, Viewer};
use rapport_store::audit::{AuditEntry, NewAuditEntry};
use rapport_store::identity::{
    IdentityEvent, PairDecision, ResolutionApplied, ResolutionRecord, ResolvedParty,
    ReviewCandidate, ReviewItem, ReviewStatus, SourceRecordView,
};
use rapport_store::ingest::{
    BatchOutcome, ImportEnd, ImportRun, NewImportRun, SourceAccountRow, SourceRecordRow,
};
use rapport_store::portfolio::{
    NewReassignment, Reassignment, ReassignmentPreview, RmAssignment, RmScorecard, ScorecardPeriod,
    TierDecisionRequest, TierProposal,
};
use rapport_store::protect::Protector;
use rapport_store::scores::{
    AccountDimRow, AlertRow, NewScoreRun, ParetoCurve, ParetoMeasure, PartyDimRow, PartyScoreRow,
    PortfolioCache, PortfolioMark, PortfolioOverview, ScoreBatch, ScoreDashboard, ScoreRun,
    ScoreRunEnd,
};
use rapport_store::search::SearchQuery;
use rapport_store::segments::{NewSegment, SegmentDefinition, SegmentRef, SegmentRow};
use rapport_store::staff_changes::{
    IssuedCredential, NewStaffChange, StaffChangeApplied, StaffChangeDecision, StaffChangeRow,
};
use rapport_store::work::{
    AlertNeedingTask, ContactPlan, InteractionRow, NewContactPlan, NewInteraction, NewTask,
    PartyWorkFacts, TaskCompletion, TaskCounts, TaskQuery, TaskRow, WorkApplied, WorkPlan,
};
use rapport_store::{
    AssignedRm, AuditFilter, ChangeAuthor, ContactChanges, Customer360, CustomerSummary,
    NewProspect, NewSession, NewStaff, Page, PageRequest, PartyChange, SessionRecord,
    SessionSummary, StaffAccount, StaffUpdate, Store, StoreCounts, StoreError, StoreResult,
};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Longest wait for a new connection (TCP, TLS and authentication together).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest wait for a pooled connection when all are busy.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_CONNECTIONS: u32 = 16;

#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    protect: Protector,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/database`) and
    /// applies pending migrations. An unreachable server fails within 5 s with
    /// [`StoreError::Unavailable`] naming the host and port (never the password).
    /// `keys` protect identifiers at rest.
    pub async fn connect(url: &str, keys: Arc<KeyRing>) -> StoreResult<Self> {
        Self::open(url, keys, true).await
    }

    /// Privilege separation: migrations run as the schema owner (`owner_url`), and the server
    /// connects as an application role that may only INSERT and SELECT on the audit table.
    /// Fails if the owner left migrations unapplied.
    pub async fn connect_as_app(
        owner_url: &str,
        app_url: &str,
        keys: Arc<KeyRing>,
    ) -> StoreResult<Self> {
        Self::migrate(owner_url).await?;
        Self::open(app_url, keys, false).await
    }

    /// Applies pending migrations as the role of `owner_url`, then disconnects.
    pub async fn migrate(owner_url: &str) -> StoreResult<()> {
        let mut conn = open_connection(&parse_url(owner_url)?).await?;
        MIGRATOR
            .run(&mut conn)
            .await
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        conn.close().await.ok();
        Ok(())
    }

    async fn open(url: &str, keys: Arc<KeyRing>, migrate: bool) -> StoreResult<Self> {
        let options = parse_url(url)?;
        // One direct connection first: it fails fast with the real reason (refused, bad
        // password, no such database), where the pool would retry until its deadline and
        // report only a timeout.
        let probe = open_connection(&options).await?;
        probe.close().await.ok();
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .min_connections(0)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .idle_timeout(Duration::from_secs(600))
            .connect_lazy_with(options.clone());
        if migrate {
            MIGRATOR
                .run(&pool)
                .await
                .map_err(|e| StoreError::Migration(e.to_string()))?;
        } else {
            let applied: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
                    .fetch_one(&pool)
                    .await
                    .map_err(db_err)?;
            if applied < MIGRATOR.iter().count() as i64 {
                return Err(StoreError::Migration(format!(
                    "{applied} of {} migrations applied: run them as the schema owner first",
                    MIGRATOR.iter().count()
                )));
            }
        }
        tracing::info!(server = %server_of(&options), "PostgreSQL store open");
        Ok(Self {
            pool,
            protect: Protector::new(keys),
        })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

fn parse_url(url: &str) -> StoreResult<PgConnectOptions> {
    PgConnectOptions::from_str(url)
        .map(|o| o.application_name("rapport"))
        .map_err(|_| {
            StoreError::Unavailable(
                "bad PostgreSQL URL (expected postgres://user:password@host:port/database)".into(),
            )
        })
}

/// `host:port` or the socket path: where we connect, without credentials.
fn server_of(options: &PgConnectOptions) -> String {
    match options.get_socket() {
        Some(path) => path.display().to_string(),
        None => format!("{}:{}", options.get_host(), options.get_port()),
    }
}

async fn open_connection(options: &PgConnectOptions) -> StoreResult<PgConnection> {
    let unavailable = |reason: String| {
        StoreError::Unavailable(format!(
            "cannot connect to PostgreSQL at {}: {reason}",
            server_of(options)
        ))
    };
    match tokio::time::timeout(CONNECT_TIMEOUT, options.connect()).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(unavailable(e.to_string())),
        Err(_) => Err(unavailable(format!(
            "no answer within {} s",
            CONNECT_TIMEOUT.as_secs()
        ))),
    }
}

/// Maps a driver error to the store's error, naming the broken rule for constraint violations.
pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StoreError::Conflict(d.message().to_owned())
        }
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            StoreError::Invalid(format!("reference to a missing row: {}", d.message()))
        }
        // Class 08 (connection exception), 53 (insufficient resources, e.g. too many
        // connections) and 57P (server shutting down or restarting).
        sqlx::Error::Database(d)
            if d.code().is_some_and(|c| {
                c.starts_with("08") || c.starts_with("53") || c.starts_with("57P")
            }) =>
        {
            StoreError::Unavailable(d.message().to_owned())
        }
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => StoreError::Unavailable(e.to_string()),
        _ => StoreError::Database(e.to_string()),
    }
}

/// Parses a stored enum value; a bad value means a corrupted row, reported with its column.
pub(crate) fn parse_col<T: FromStr>(column: &str, value: &str) -> StoreResult<T> {
    value
        .parse()
        .map_err(|_| StoreError::Database(format!("column {column} holds an unknown value")))
}

// --- scratch databases for tests ---------------------------------------------------------------

const SCRATCH_PREFIX: &str = "rapport_test_";

/// Creates a fresh, empty database named `rapport_test_<random hex>` on the server of
/// `admin_url` (whose role needs CREATEDB) and returns its URL: the same URL with the database
/// replaced. For tests, which each get a database of their own.
pub async fn create_scratch_database(admin_url: &str) -> StoreResult<String> {
    let options = parse_url(admin_url)?;
    let name = format!("{SCRATCH_PREFIX}{:016x}", rand::random::<u64>());
    let mut conn = open_connection(&options).await?;
    let created = sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut conn)
        .await
        .map_err(db_err);
    conn.close().await.ok();
    created?;
    with_database(admin_url, &name)
}

/// Drops a database made by [`create_scratch_database`], closing its open connections; refuses
/// any database whose name is not a scratch name.
pub async fn drop_scratch_database(admin_url: &str, url: &str) -> StoreResult<()> {
    let name = parse_url(url)?
        .get_database()
        .map(str::to_owned)
        .unwrap_or_default();
    let is_scratch = name
        .strip_prefix(SCRATCH_PREFIX)
        .is_some_and(|hex| !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()));
    if !is_scratch {
        return Err(StoreError::Invalid(format!(
            "{name:?} is not a scratch database"
        )));
    }
    let mut conn = open_connection(&parse_url(admin_url)?).await?;
    let dropped = sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
    )))
    .execute(&mut conn)
    .await
    .map_err(db_err);
    conn.close().await.ok();
    dropped.map(|_| ())
}

/// `url` with its database (the path) replaced by `database`, query string kept.
fn with_database(url: &str, database: &str) -> StoreResult<String> {
    let bad = || {
        StoreError::Unavailable(
            "bad PostgreSQL URL (expected postgres://user:password@host:port/database)".into(),
        )
    };
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let (scheme, rest) = base.split_once("://").ok_or_else(bad)?;
    let authority = rest
        .split_once('/')
        .map_or(rest, |(authority, _)| authority);
    let mut out = format!("{scheme}://{authority}/{database}");
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    Ok(out)
}

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn load_reference(&self, data: &ReferenceData) -> StoreResult<()> {
        load::load_reference(&self.pool, data).await
    }

    async fn load_customers(&self, batch: &CustomerBatch) -> StoreResult<()> {
        load::load_customers(&self.protect, &self.pool, batch).await
    }

    async fn counts(&self) -> StoreResult<StoreCounts> {
        load::counts(&self.pool).await
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_database_of_a_url() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/rapport", "x").unwrap(),
            "postgres://u:p@h:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h", "x").unwrap(),
            "postgres://u:p@h/x"
        );
        assert_eq!(
            with_database("postgresql://u:p@h/db?sslmode=disable", "x").unwrap(),
            "postgresql://u:p@h/x?sslmode=disable"
        );
        assert!(with_database("nonsense", "x").is_err());
    }

    #[test]
    fn errors_name_the_server_not_the_password() {
        let o = parse_url("postgres://me:secret@db.example:6543/rapport").unwrap();
        assert_eq!(server_of(&o), "db.example:6543");
    }
}
