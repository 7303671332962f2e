//! What an import hands the store: validated source records and accounts, one batch at a time,
//! and the bookkeeping of an import run. Parsing and validation live in `rapport-ingest`.
use chrono::{DateTime, NaiveDate, Utc};
pub use rapport_domain::states::{ImportKind, RunStatus};
use rapport_domain::{
    AccountStatus, Gender, Money, PartyKind, ProductFamily, SourceSystem, Uscc, string_enum,
};
use serde::{Deserialize, Serialize};

string_enum! {
    /// A full load is the source's complete set: records it no longer holds are closed.
    /// A delta load only adds and changes.
    pub enum LoadMode {
        Full => "full",
        Delta => "delta",
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewImportRun {
    pub source_system: SourceSystem,
    pub kind: ImportKind,
    pub mode: LoadMode,
    pub file_name: String,
    pub file_sha256: String,
    /// A staff username, or `system` for scheduled loads.
    pub started_by: String,
    pub started_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRun {
    pub id: i64,
    pub source_system: SourceSystem,
    pub kind: ImportKind,
    pub mode: LoadMode,
    pub file_name: String,
    pub file_sha256: String,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub status: RunStatus,
    pub batches: i64,
    pub counts: UpsertCounts,
    pub rejected: i64,
    /// Records a full load closed because the source no longer holds them.
    pub closed: i64,
}

/// How a batch changed the store. Re-loading the same rows gives only `unchanged`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpsertCounts {
    pub inserted: i64,
    pub updated: i64,
    pub unchanged: i64,
}

impl UpsertCounts {
    pub fn add(&mut self, other: UpsertCounts) {
        self.inserted += other.inserted;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }
}

/// One source system's copy of a customer, validated. Identifiers are in clear here (in
/// memory only); the store seals them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRecordRow {
    pub source_key: String,
    pub kind: PartyKind,
    pub name: String,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    /// 18 digits when valid (15-digit IDs upgraded); as given when `resident_id_valid` is false
    /// (kept for matching, which tolerates one mistyped digit, never for deterministic rules).
    pub resident_id: Option<String>,
    pub resident_id_valid: bool,
    pub uscc: Option<Uscc>,
    /// Digits only, 11 for a mainland mobile.
    pub mobile: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub branch_code: Option<String>,
    pub rm_username: Option<String>,
    pub updated_on: Option<NaiveDate>,
    /// SHA-256 of the validated values: equal hashes mean nothing changed.
    pub content_hash: String,
}

/// An account as a source system holds it, under the key of its customer record.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceAccountRow {
    pub owner_key: String,
    pub account_number: String,
    pub product_code: String,
    pub family: ProductFamily,
    pub balance: Money,
    pub limit: Option<Money>,
    pub opened_on: NaiveDate,
    pub matures_on: Option<NaiveDate>,
    pub status: AccountStatus,
    pub branch_code: String,
    /// The day a closed account was closed, when the source says.
    pub closed_on: Option<NaiveDate>,
    pub content_hash: String,
}

/// A row the store would not take, by its index in the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub index: usize,
    pub field: &'static str,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    pub counts: UpsertCounts,
    /// Rows not written (e.g. an account whose customer record or product is unknown).
    pub problems: Vec<RowProblem>,
}

/// How a run ended, recorded by `finish_import`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportEnd {
    pub status: RunStatus,
    pub rejected: i64,
    /// Full loads that completed close the source's records this run did not see.
    pub close_unseen: bool,
    pub at: DateTime<Utc>,
}
