//! One import run: inspect the file, then read and validate rows on a thread of their own while
//! the store writes the previous batch, one transaction per batch, rejects to a report.
use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rapport_domain::Clock;
use rapport_domain::records::ACCOUNT_FIELDS;
use rapport_store::Store;
use rapport_store::ingest::{
    BatchOutcome, ImportEnd, ImportKind, ImportRun, LoadMode, NewImportRun, RowProblem, RunStatus,
    SourceAccountRow, SourceRecordRow,
};
use tokio::sync::mpsc;

use crate::IngestError;
use crate::mapping::{CUSTOMER_FIELDS, Mapping};
use crate::source::{self, RawRow, SourceFile, Unreadable};
use crate::validate::{self, Action, Reject, mask_value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    pub mode: LoadMode,
    /// Rows per batch (one transaction each).
    pub batch_rows: usize,
    pub started_by: String,
    /// Where the rejects report goes (CSV: line, field, value (masked), reason, action).
    pub rejects_path: PathBuf,
}

/// Reported after every batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub lines_done: u64,
    pub lines_total: u64,
    pub rows_loaded: u64,
    pub rows_rejected: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    pub run: ImportRun,
    pub file: SourceFile,
    /// Rows not loaded.
    pub rows_rejected: u64,
    /// Report lines (rejected rows and values kept as unverified).
    pub report_lines: u64,
    pub rejects_path: PathBuf,
    /// The first report lines, for display.
    pub first_rejects: Vec<Reject>,
    pub seconds: f64,
}

enum Rows {
    Customers(Vec<SourceRecordRow>),
    Accounts(Vec<SourceAccountRow>),
}

struct Batch {
    rows: Rows,
    /// The file line of each row, for problems the store reports by index.
    lines: Vec<u64>,
    rejects: Vec<Reject>,
    rejected_rows: u64,
    last_line: u64,
}

fn unreadable(u: Unreadable) -> Reject {
    Reject {
        line: u.line,
        field: "(line)".into(),
        value_masked: String::new(),
        reason: u.reason,
        action: Action::RowRejected,
    }
}

impl Batch {
    fn empty(kind: ImportKind, capacity: usize) -> Self {
        Self {
            rows: match kind {
                ImportKind::Accounts => Rows::Accounts(Vec::with_capacity(capacity)),
                _ => Rows::Customers(Vec::with_capacity(capacity)),
            },
            lines: Vec::with_capacity(capacity),
            rejects: Vec::new(),
            rejected_rows: 0,
            last_line: 0,
        }
    }

    /// A row that is not loaded, for the reasons in `rejects`.
    fn reject(&mut self, rejects: impl IntoIterator<Item = Reject>) {
        self.rejects.extend(rejects);
        self.rejected_rows += 1;
    }

    /// Validates a row into the batch: its record (with the values kept as unverified noted),
    /// or its problems.
    fn add(&mut self, row: &RawRow, mapping: &Mapping) {
        let problems = match &mut self.rows {
            Rows::Customers(out) => validate::customer(row, mapping).map(|(record, notes)| {
                out.push(record);
                self.rejects.extend(notes);
            }),
            Rows::Accounts(out) => validate::account(row, mapping).map(|account| out.push(account)),
        };
        match problems {
            Ok(()) => self.lines.push(row.line),
            Err(problems) => self.reject(problems),
        }
    }
}

/// The line each row key first appeared on in this file: a key seen again rejects its row.
struct FirstSeen {
    key_field: &'static str,
    lines: HashMap<String, u64>,
}

impl FirstSeen {
    fn new(kind: ImportKind) -> Self {
        let key_field = match kind {
            ImportKind::Accounts => "account_number",
            _ => "source_key",
        };
        Self {
            key_field,
            lines: HashMap::new(),
        }
    }

    /// The reject for a row whose key an earlier line had; a new key is remembered.
    fn repeated(&mut self, row: &RawRow) -> Option<Reject> {
        let key_field = self.key_field;
        let key = row.get(key_field)?;
        if let Some(first) = self.lines.get(key) {
            return Some(Reject {
                line: row.line,
                field: key_field.into(),
                value_masked: mask_value(key_field, key),
                reason: format!("appears again: line {first} has the same {key_field}"),
                action: Action::RowRejected,
            });
        }
        self.lines.insert(key.to_owned(), row.line);
        None
    }
}

/// Reads, validates and batches rows; runs on its own thread.
fn produce(
    file: SourceFile,
    mapping: Mapping,
    batch_rows: usize,
    tx: mpsc::Sender<Result<Batch, IngestError>>,
) {
    let fields = match mapping.kind {
        ImportKind::Accounts => ACCOUNT_FIELDS,
        _ => CUSTOMER_FIELDS,
    };
    let rows = match source::rows(&file, &mapping, fields) {
        Ok(r) => r,
        Err(e) => {
            let _ = tx.blocking_send(Err(e));
            return;
        }
    };
    let mut first_seen = FirstSeen::new(mapping.kind);
    let mut batch = Batch::empty(mapping.kind, batch_rows);
    for row in rows {
        let row: RawRow = match row {
            Ok(r) => r,
            Err(u) => {
                batch.last_line = batch.last_line.max(u.line);
                batch.reject([unreadable(u)]);
                continue;
            }
        };
        batch.last_line = row.line;
        if let Some(repeat) = first_seen.repeated(&row) {
            batch.reject([repeat]);
            continue;
        }
        batch.add(&row, &mapping);
        if batch.lines.len() >= batch_rows {
            let full = std::mem::replace(&mut batch, Batch::empty(mapping.kind, batch_rows));
            if tx.blocking_send(Ok(full)).is_err() {
                return;
            }
        }
    }
    let _ = tx.blocking_send(Ok(batch));
}

struct RejectsWriter {
    path: PathBuf,
    writer: csv::Writer<BufWriter<File>>,
}

impl RejectsWriter {
    fn create(path: &Path) -> Result<Self, IngestError> {
        let io = |e: std::io::Error| IngestError::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path).map_err(io)?;
        let mut writer = csv::Writer::from_writer(BufWriter::new(file));
        writer
            .write_record(["line", "field", "value_masked", "reason", "action"])
            .map_err(|e| IngestError::Io {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
        Ok(Self {
            path: path.to_owned(),
            writer,
        })
    }

    fn write(&mut self, r: &Reject) -> Result<(), IngestError> {
        let line = r.line.to_string();
        self.writer
            .write_record([
                line.as_str(),
                &r.field,
                &r.value_masked,
                &r.reason,
                r.action.as_str(),
            ])
            .map_err(|e| IngestError::Io {
                path: self.path.display().to_string(),
                reason: e.to_string(),
            })
    }

    fn finish(mut self) -> Result<(), IngestError> {
        self.writer.flush().map_err(|e| IngestError::Io {
            path: self.path.display().to_string(),
            reason: e.to_string(),
        })
    }
}

fn problem_reject(p: &RowProblem, lines: &[u64]) -> Reject {
    Reject {
        line: lines.get(p.index).copied().unwrap_or(0),
        field: p.field.into(),
        value_masked: String::new(),
        reason: p.reason.clone(),
        action: Action::RowRejected,
    }
}

/// What the run has loaded and reported so far.
struct Tally {
    progress: Progress,
    /// Lines written to the rejects report.
    report_lines: u64,
    /// Rows the store refused: it counts them itself, with their batch.
    store_refused: u64,
    first_rejects: Vec<Reject>,
}

impl Tally {
    fn new(lines_total: u64) -> Self {
        Self {
            progress: Progress {
                lines_done: 1,
                lines_total,
                rows_loaded: 0,
                rows_rejected: 0,
            },
            report_lines: 0,
            store_refused: 0,
            first_rejects: Vec::new(),
        }
    }

    /// Counts a written batch and reports its rejects, with the rows the store refused, in line
    /// order.
    fn record(
        &mut self,
        batch: Batch,
        refused: &[RowProblem],
        rejects: &mut RejectsWriter,
    ) -> Result<(), IngestError> {
        let mut all = batch.rejects;
        all.extend(refused.iter().map(|p| problem_reject(p, &batch.lines)));
        all.sort_by_key(|r| r.line);
        for r in &all {
            rejects.write(r)?;
            if self.first_rejects.len() < 20 {
                self.first_rejects.push(r.clone());
            }
        }
        self.report_lines += all.len() as u64;
        self.store_refused += refused.len() as u64;
        self.progress.rows_rejected += batch.rejected_rows + refused.len() as u64;
        self.progress.rows_loaded += (batch.lines.len() - refused.len()) as u64;
        self.progress.lines_done = batch.last_line.max(self.progress.lines_done);
        Ok(())
    }
}

/// Where a run writes: its store, clock and run, for the mapping's source system.
struct Target<'a> {
    store: &'a dyn Store,
    clock: &'a dyn Clock,
    run_id: i64,
    source_system: rapport_domain::SourceSystem,
}

impl Target<'_> {
    /// Writes one batch in one transaction; a store error fails the run at the batch's lines.
    async fn write(&self, batch: &Batch) -> Result<BatchOutcome, IngestError> {
        let (store, run_id, system) = (self.store, self.run_id, self.source_system);
        let first_line = batch.lines.first().copied().unwrap_or(batch.last_line);
        match &batch.rows {
            Rows::Customers(rows) if !rows.is_empty() => {
                store
                    .import_source_records(run_id, system, rows, self.clock.now())
                    .await
            }
            Rows::Accounts(rows) if !rows.is_empty() => {
                store.import_source_accounts(run_id, system, rows).await
            }
            _ => Ok(Default::default()),
        }
        .map_err(|e| IngestError::Batch {
            first_line,
            last_line: batch.last_line,
            reason: e.to_string(),
        })
    }

    /// Ends the run, finished or failed by `outcome` (closing unseen records of a full load).
    async fn finish(
        &self,
        outcome: &Result<(), IngestError>,
        tally: &Tally,
        mode: LoadMode,
    ) -> Result<ImportRun, IngestError> {
        let status = if outcome.is_ok() {
            RunStatus::Finished
        } else {
            RunStatus::Failed
        };
        let end = ImportEnd {
            status,
            // The store counted the rows it refused with their batch.
            rejected: (tally.progress.rows_rejected - tally.store_refused) as i64,
            close_unseen: mode == LoadMode::Full,
            at: self.clock.now(),
        };
        Ok(self.store.finish_import(self.run_id, &end).await?)
    }
}

/// Reads the file's header, size and digest, off the async threads.
async fn inspect(path: &Path, mapping: &Mapping) -> Result<SourceFile, IngestError> {
    let (path, mapping) = (path.to_owned(), mapping.clone());
    tokio::task::spawn_blocking(move || source::inspect(&path, &mapping))
        .await
        .map_err(|e| IngestError::Unsupported(e.to_string()))?
}

/// Imports one source file. Every batch is one transaction; a run that fails or is killed
/// leaves whole batches only, and running the same file again completes it exactly.
pub async fn import_file(
    store: &dyn Store,
    clock: &dyn Clock,
    mapping: &Mapping,
    path: &Path,
    options: &ImportOptions,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<ImportReport, IngestError> {
    let started = Instant::now();
    if !matches!(mapping.kind, ImportKind::Customers | ImportKind::Accounts) {
        return Err(IngestError::Unsupported(format!(
            "kind {} goes to the warehouse",
            mapping.kind.as_str()
        )));
    }
    let file = inspect(path, mapping).await?;
    let mut rejects = RejectsWriter::create(&options.rejects_path)?;
    let run_id = store
        .begin_import(&NewImportRun {
            source_system: mapping.source_system,
            kind: mapping.kind,
            mode: options.mode,
            file_name: file.file_name.clone(),
            file_sha256: file.sha256.clone(),
            started_by: options.started_by.clone(),
            started_at: clock.now(),
        })
        .await?;
    let target = Target {
        store,
        clock,
        run_id,
        source_system: mapping.source_system,
    };
    let (tx, mut rx) = mpsc::channel(2);
    let producer = {
        let (file, mapping, batch_rows) =
            (file.clone(), mapping.clone(), options.batch_rows.max(1));
        std::thread::spawn(move || produce(file, mapping, batch_rows, tx))
    };
    let mut tally = Tally::new(file.lines);
    let outcome: Result<(), IngestError> = async {
        while let Some(batch) = rx.recv().await {
            let batch = batch?;
            let written = target.write(&batch).await?;
            tally.record(batch, &written.problems, &mut rejects)?;
            progress(tally.progress);
        }
        Ok(())
    }
    .await;
    drop(rx);
    let _ = producer.join();
    rejects.finish()?;
    let run = target.finish(&outcome, &tally, options.mode).await;
    outcome?;
    let run = run?;
    Ok(ImportReport {
        run,
        file,
        rows_rejected: tally.progress.rows_rejected,
        report_lines: tally.report_lines,
        rejects_path: options.rejects_path.clone(),
        first_rejects: tally.first_rejects,
        seconds: started.elapsed().as_secs_f64(),
    })
}
