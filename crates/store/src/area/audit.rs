//! The audit trail, and the keys that protect identifiers at rest.
use crate::audit::{AuditEntry, NewAuditEntry};
use crate::{AuditFilter, Page, PageRequest, StoreResult};
use async_trait::async_trait;

/// Key rotation: identifiers re-sealed under the active field key, and the store-wide
/// settings that record which key that is.
#[async_trait]
pub trait KeyRotationStore: Send + Sync {
    /// Re-seals the identifiers of parties with id > `after` (at most `limit` parties, their
    /// accounts and their change history) under the active field key. Returns the last party
    /// id processed (`None` when there are no more) and how many values were rewritten.
    async fn reseal_batch(&self, after: i64, limit: i64) -> StoreResult<(Option<i64>, u64)>;

    /// A small store-wide setting (e.g. which key the data is sealed with).
    async fn meta(&self, key: &str) -> StoreResult<Option<String>>;
    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()>;
}

/// The audit trail: a hash chain, appended in one order and read back.
#[async_trait]
pub trait AuditStore: Send + Sync {
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
