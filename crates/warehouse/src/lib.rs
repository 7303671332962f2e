//! The analytical warehouse: transactions and end-of-day balances as Parquet files,
//! partitioned by month (Hive style) so DataFusion can run SQL over them.
//!
//! ```text
//! <root>/transactions/month=YYYY-MM/part-<load_id>-<n>.parquet
//! <root>/balances/month=YYYY-MM/part-<load_id>-<n>.parquet
//! <root>/loads/<load_id>.json        one manifest per finished load
//! <root>/.staging/<load_id>/          a load in progress (never read by queries)
//! <root>/dim/accounts.parquet         account dimension snapshot (see `dims`)
//! <root>/dim/parties.parquet          party dimension snapshot
//! <root>/features/as_of=YYYY-MM-DD/part-0.parquet   per-party features (see `features`)
//! <root>/tmp/                         spill files of running queries (see `session`)
//! ```
//!
//! One import is one file is one load: all its good rows become visible together, or none
//! (see `commit`). The load id is derived from the table, the source system and the SHA-256 of
//! the file, so importing the same file again replaces its own parts and adds no rows.
//!
//! Account numbers are never stored: the caller's key function (an HMAC blind index) turns each
//! into `account_key`. Rows that fail validation are not loaded and come back as [`Reject`]s
//! with masked values; only problems with the file as a whole (a missing column, bytes that are
//! not UTF-8, a record over 1 MiB) fail the load. Columns are found by header name: extra
//! columns in the file are ignored.
//!
//! Files are zstd (level 1) with row groups of up to 1Mi rows. Parsing and validation run on the
//! calling thread, duplicate-id checks and Parquet encoding on a second one. Memory does not
//! grow with the file except for duplicate detection (a hash table of 16-byte entries: about
//! 0.4 GB at its peak for 10M rows; the whole import of 10M rows peaks at about 0.95 GB RSS): a
//! record is at most 1 MiB, rows are handed over in groups of 128Ki, encoded row groups in
//! progress stay under about 256 MiB over all months, the account-key cache under 1Mi accounts.

mod clv;
mod columns;
mod commit;
mod dedup;
mod dims;
mod error;
pub mod features;
mod fsutil;
pub mod money;
mod parts;
mod pipeline;
mod query;
pub mod score_pipeline;
mod seen;
pub mod segments;
mod session;
mod snapshot;
mod source;
mod tables;
mod time;

use std::collections::BTreeSet;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use sha2::{Digest, Sha256};

pub use clv::{ClvSummaryRow, clv_summary_sql};
pub use columns::{BalanceColumns, TransactionColumns};
pub use commit::LoadManifest;
pub use dims::{AccountDim, PartyDim, accounts_dim_schema, parties_dim_schema};
pub use error::{Reject, Result, WarehouseError, mask};
pub use parts::{ROW_GROUP_ROWS, ZSTD_LEVEL};
pub use pipeline::{MAX_REJECTS_KEPT, Progress};
pub use query::MonthBalance;
pub use session::{DEFAULT_MEMORY_POOL_BYTES, QueryConfig};
pub use source::MAX_RECORD_BYTES;
pub use tables::balances::balances_schema;
pub use tables::transactions::transactions_schema;

use crate::commit::{LOADS, STAGING, manifest_path, read_manifest};
use crate::error::io;
use crate::fsutil::{create_private_dir, remove_tree};
use crate::parts::{PartWriter, writer_properties};
use crate::source::CsvSource;
use crate::tables::{LoadColumns, Table};

/// The file being imported.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    /// The system the extract comes from (`core_banking`, `card`): letters, digits, `_`, `-`.
    pub source_system: &'a str,
    /// Kept in the manifest for people; not used as a path.
    pub file_name: &'a str,
    /// SHA-256 of the file's bytes as received (before any re-encoding): it names the load.
    pub file_sha256: [u8; 32],
    /// The file's size, for progress; `None` if unknown.
    pub total_bytes: Option<u64>,
}

/// What a load did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadSummary {
    pub load_id: String,
    pub rows: u64,
    /// Rows not loaded, in all.
    pub rejected: u64,
    /// The first [`MAX_REJECTS_KEPT`] of them, in file order.
    pub rejects: Vec<Reject>,
    /// `YYYY-MM` of every partition written.
    pub months: Vec<String>,
    /// The same file had been loaded before; its parts were replaced.
    pub replaced_previous: bool,
}

#[derive(Debug, Clone)]
pub struct Warehouse {
    root: PathBuf,
    tz: Tz,
    query: QueryConfig,
    base_currency: String,
}

/// SHA-256 of a file, for [`Input::file_sha256`].
pub fn file_sha256(path: &Path) -> Result<[u8; 32]> {
    let mut file = File::open(path).map_err(io(path))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(io(path))?;
        if n == 0 {
            return Ok(hasher.finalize().into());
        }
        let chunk = buf.get(..n).ok_or_else(|| {
            io(path)(std::io::Error::other(
                "read reported more bytes than its buffer",
            ))
        })?;
        hasher.update(chunk);
    }
}

/// Exclusive use of the warehouse directory for one load; released on drop, and by the OS if
/// the process dies.
struct Lock(#[allow(dead_code)] File);

impl Warehouse {
    /// Opens (creating, mode 0700) the warehouse at `root`. `tz` is the bank's time zone: it
    /// decides a transaction's local date and so its month. Finishes or removes what a killed
    /// load left behind, unless a load is running right now in another process.
    pub fn open(root: impl Into<PathBuf>, tz: Tz) -> Result<Self> {
        let root = root.into();
        for dir in ["transactions", "balances", LOADS, STAGING] {
            create_private_dir(&root.join(dir))?;
        }
        let w = Self {
            root,
            tz,
            query: QueryConfig::default(),
            base_currency: "CNY".to_owned(),
        };
        if let Some(_lock) = w.lock(false)? {
            commit::recover(&w.root)?;
        }
        Ok(w)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Memory and parallelism of queries (the default: a 2 GiB pool, one thread per core).
    pub fn with_query_config(mut self, query: QueryConfig) -> Self {
        self.query = query;
        self
    }

    pub fn query_config(&self) -> &QueryConfig {
        &self.query
    }

    /// The currency feature amounts are summed in (default `CNY`); amounts in other currencies
    /// are left out of the sums.
    pub fn with_base_currency(mut self, code: &str) -> Self {
        self.base_currency = code.to_ascii_uppercase();
        self
    }

    pub fn base_currency(&self) -> &str {
        &self.base_currency
    }

    fn lock(&self, wait: bool) -> Result<Option<Lock>> {
        let path = self.root.join(".lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io(&path))?;
        if wait {
            file.lock().map_err(io(&path))?;
            return Ok(Some(Lock(file)));
        }
        match file.try_lock() {
            Ok(()) => Ok(Some(Lock(file))),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(io(&path)(e)),
        }
    }

    /// Imports a transactions CSV (UTF-8, with a header; columns found by name, extra columns
    /// ignored) as one load. `account_key` turns an account number into the stored key.
    pub fn import_transactions(
        &self,
        input: &Input<'_>,
        reader: impl Read,
        columns: &TransactionColumns,
        account_key: &dyn Fn(&str) -> String,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<LoadSummary> {
        let (mut source, header) = CsvSource::open(reader)?;
        let mut table =
            tables::transactions::Transactions::new(&header, columns, self.tz, account_key)?;
        self.import(input, &mut source, &mut table, progress)
    }

    /// Imports an end-of-day balances CSV as one load; see [`Warehouse::import_transactions`].
    pub fn import_balances(
        &self,
        input: &Input<'_>,
        reader: impl Read,
        columns: &BalanceColumns,
        account_key: &dyn Fn(&str) -> String,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<LoadSummary> {
        let (mut source, header) = CsvSource::open(reader)?;
        let mut table = tables::balances::Balances::new(&header, columns, account_key)?;
        self.import(input, &mut source, &mut table, progress)
    }

    fn import<T: Table, R: Read>(
        &self,
        input: &Input<'_>,
        source: &mut CsvSource<R>,
        table: &mut T,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<LoadSummary> {
        let system = input.source_system;
        let valid = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        if system.is_empty() || system.len() > 64 || !system.chars().all(valid) {
            return Err(WarehouseError::InvalidSourceSystem(system.to_owned()));
        }
        let load_id = load_id(T::NAME, system, &input.file_sha256);
        let _lock = self.lock(true)?;
        commit::recover(&self.root)?;
        let staging = self.root.join(STAGING).join(&load_id);
        create_private_dir(&staging)?;
        let props = writer_properties(T::PLAIN_COLUMNS)?;
        let writer = PartWriter::new(&staging, T::NAME, &load_id, table.schema(), props);
        let load = LoadColumns {
            source_system: system.to_owned(),
            load_id: load_id.clone(),
        };
        let outcome = match pipeline::run(table, source, writer, &load, input.total_bytes, progress)
        {
            Ok(o) => o,
            Err(e) => {
                let _ = remove_tree(&staging);
                return Err(e);
            }
        };
        let months: Vec<String> = outcome.months.iter().map(|m| m.label()).collect();
        let replaced_previous = read_manifest(&manifest_path(&self.root, &load_id))?.is_some();
        let manifest = LoadManifest {
            load_id: load_id.clone(),
            table: T::NAME.to_owned(),
            source_system: system.to_owned(),
            file_name: input.file_name.to_owned(),
            file_sha256: hex::encode(input.file_sha256),
            rows: outcome.rows,
            rejects: outcome.rejected,
            months: months.clone(),
            parts: outcome.parts.iter().map(|p| p.rel.clone()).collect(),
            finished_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        };
        // On failure the staging directory stays: the next open or import rolls it forward if
        // the journal was written, or deletes it if not.
        commit::commit(&self.root, &staging, manifest)?;
        Ok(LoadSummary {
            load_id,
            rows: outcome.rows,
            rejected: outcome.rejected,
            rejects: outcome.rejects,
            months,
            replaced_previous,
        })
    }

    /// Every finished load, oldest first.
    pub fn loads(&self) -> Result<Vec<LoadManifest>> {
        let dir = self.root.join(LOADS);
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&dir).map_err(io(&dir))? {
            let path = entry.map_err(io(&dir))?.path();
            if path.extension().is_some_and(|e| e == "json")
                && let Some(m) = read_manifest(&path)?
            {
                out.push(m);
            }
        }
        out.sort_by(|a, b| (&a.finished_at, &a.load_id).cmp(&(&b.finished_at, &b.load_id)));
        Ok(out)
    }

    /// The months that hold data for `table` (`transactions` or `balances`), in order.
    pub fn months(&self, table: &str) -> Result<Vec<String>> {
        let dir = self.root.join(table);
        let mut months = BTreeSet::new();
        for entry in std::fs::read_dir(&dir).map_err(io(&dir))? {
            let name = entry.map_err(io(&dir))?.file_name();
            if let Some(m) = name.to_str().and_then(|n| n.strip_prefix("month=")) {
                months.insert(m.to_owned());
            }
        }
        Ok(months.into_iter().collect())
    }
}

/// `<table>`, the source system and the file's hash, hashed: the same file loaded twice gets
/// the same id. 96 bits keep names short without a realistic chance of two files colliding.
fn load_id(table: &str, source_system: &str, file_sha256: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    for part in [table.as_bytes(), source_system.as_bytes(), file_sha256] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    let digest: Vec<u8> = h.finalize().into_iter().take(12).collect();
    hex::encode(digest)
}
