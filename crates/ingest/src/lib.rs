//! Ingestion (R2.1, R2.2): source-system extracts into the operational store's source records.
//!
//! A declarative [`Mapping`] per source names the columns; [`source::inspect`] refuses a file
//! that cannot be loaded as a whole (encoding, over-long lines, header against mapping, C3
//! columns) before anything is written; [`import_file`] then validates each row, writes good
//! rows in batches (one transaction each, idempotent on source system + source key) and
//! reports bad rows with line, field, masked value and reason.

mod columnar;
pub mod mapping;
mod run;
pub mod source;
pub mod validate;

pub use mapping::{Encoding, Format, InvalidIdentifiers, Mapping};
pub use run::{ImportOptions, ImportReport, Progress, import_file};
pub use validate::{Action, Reject};

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("mapping file {path}: {reason}")]
    Mapping { path: String, reason: String },
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
    /// The file cannot be loaded as a whole; nothing was written.
    #[error("line {line}: {reason}; nothing was loaded")]
    File { line: u64, reason: String },
    /// The header does not fit the mapping; nothing was written.
    #[error("header: {0}; nothing was loaded")]
    Header(String),
    /// The file as a whole cannot be read (a Parquet file that is not one, or corrupt);
    /// nothing was written.
    #[error("{0}; nothing was loaded")]
    WholeFile(String),
    /// A batch failed; the batches before it are loaded whole and a re-run completes the load.
    #[error(
        "the batch of lines {first_line}–{last_line} was not loaded ({reason}); the batches before it are loaded whole, and running the same file again completes the load"
    )]
    Batch {
        first_line: u64,
        last_line: u64,
        reason: String,
    },
    #[error("{0}")]
    Unsupported(String),
    #[error(transparent)]
    Store(#[from] rapport_store::StoreError),
}
