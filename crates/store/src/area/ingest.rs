//! Loading reference data and customers, and importing source extracts.
use crate::ingest::{
    BatchOutcome, ImportEnd, ImportRun, NewImportRun, SourceAccountRow, SourceRecordRow,
};
use crate::{StoreCounts, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rapport_domain::records::{CustomerBatch, ReferenceData};

/// Loading reference data and customers in bulk.
#[async_trait]
pub trait BulkLoadStore: Send + Sync {
    /// Loads branches, staff and products; idempotent for identical data.
    async fn load_reference(&self, data: &ReferenceData) -> StoreResult<()>;

    /// Loads one batch of customers atomically: all of it or none of it, search keys included.
    async fn load_customers(&self, batch: &CustomerBatch) -> StoreResult<()>;

    async fn counts(&self) -> StoreResult<StoreCounts>;
}

/// Importing source extracts: import runs and their batches of source records and accounts.
#[async_trait]
pub trait IngestStore: Send + Sync {
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
}
