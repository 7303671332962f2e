//! The operational store on SQLite: the zero-set-up default (a file in the data directory).
//!
//! WAL journal, `synchronous=NORMAL`, a busy timeout, and every write transaction started with
//! `BEGIN IMMEDIATE` so concurrent writers queue instead of failing on lock upgrade.

#[path = "../area/assign.rs"]
mod assign;
#[path = "../area/audit.rs"]
mod audit;
#[path = "../area/changes.rs"]
mod changes;
#[path = "../area/customers.rs"]
mod customers;
#[path = "../area/dedicated.rs"]
mod dedicated;
#[path = "../area/identity.rs"]
mod identity;
#[path = "../area/ingest.rs"]
mod ingest;
#[path = "../area/keys.rs"]
mod keys;
#[path = "../area/load.rs"]
mod load;
#[path = "../area/portfolio.rs"]
mod portfolio;
#[path = "../area/review.rs"]
mod review;
#[path = "../area/scorecards.rs"]
mod scorecards;
#[path = "../area/scores.rs"]
mod scores;
#[path = "../area/segments.rs"]
mod segments;
#[path = "../area/staff.rs"]
mod staff;
#[path = "../area/staff_changes.rs"]
mod staff_changes;
#[path = "../area/tiers.rs"]
mod tiers;
#[path = "../area/work.rs"]
mod work;
#[path = "../area/workbench.rs"]
mod workbench;

#[path = "../area/columns.rs"]
mod columns;
mod dialect;
#[path = "../area/rows.rs"]
mod rows;
#[path = "../area/scoped.rs"]
mod scoped;

/// This backend's [`Store`]: one implementation for both backends.
#[path = "../store_impl.rs"]
mod store_impl;
type Backend = SqliteStore;
const BACKEND: &str = "sqlite";

pub(crate) use crate::{db_err, parse_col};

use std::path::Path;
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
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    protect: Protector,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file and applies pending migrations.
    /// `keys` protect identifiers at rest.
    pub async fn open(path: &Path, keys: Arc<KeyRing>) -> StoreResult<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        Ok(Self {
            pool,
            protect: Protector::new(keys),
        })
    }

    /// Opens a database given as a `sqlite:` URL (e.g. `sqlite:///var/lib/rapport/rapport.db`).
    pub async fn open_url(url: &str, keys: Arc<KeyRing>) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Unavailable(format!("bad SQLite URL: {e}")))?;
        Self::open(options.get_filename(), keys).await
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}
