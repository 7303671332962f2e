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
    ImportEnd, ImportKind, ImportRun, LoadMode, NewImportRun, RowProblem, RunStatus,
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
    let mut first_seen: HashMap<String, u64> = HashMap::new();
    let new_batch = || Batch {
        rows: match mapping.kind {
            ImportKind::Accounts => Rows::Accounts(Vec::with_capacity(batch_rows)),
            _ => Rows::Customers(Vec::with_capacity(batch_rows)),
        },
        lines: Vec::with_capacity(batch_rows),
        rejects: Vec::new(),
        rejected_rows: 0,
        last_line: 0,
    };
    let mut batch = new_batch();
    for row in rows {
        let row: RawRow = match row {
            Ok(r) => r,
            Err(u) => {
                batch.last_line = batch.last_line.max(u.line);
                batch.rejects.push(unreadable(u));
                batch.rejected_rows += 1;
                continue;
            }
        };
        batch.last_line = row.line;
        let key_field = match mapping.kind {
            ImportKind::Accounts => "account_number",
            _ => "source_key",
        };
        if let Some(key) = row.get(key_field) {
            if let Some(first) = first_seen.get(key) {
                batch.rejects.push(Reject {
                    line: row.line,
                    field: key_field.into(),
                    value_masked: mask_value(key_field, key),
                    reason: format!("appears again: line {first} has the same {key_field}"),
                    action: Action::RowRejected,
                });
                batch.rejected_rows += 1;
                continue;
            }
            first_seen.insert(key.to_owned(), row.line);
        }
        match &mut batch.rows {
            Rows::Customers(out) => match validate::customer(&row, &mapping) {
                Ok((record, notes)) => {
                    out.push(record);
                    batch.lines.push(row.line);
                    batch.rejects.extend(notes);
                }
                Err(problems) => {
                    batch.rejects.extend(problems);
                    batch.rejected_rows += 1;
                }
            },
            Rows::Accounts(out) => match validate::account(&row, &mapping) {
                Ok(account) => {
                    out.push(account);
                    batch.lines.push(row.line);
                }
                Err(problems) => {
                    batch.rejects.extend(problems);
                    batch.rejected_rows += 1;
                }
            },
        }
        if batch.lines.len() >= batch_rows {
            let full = std::mem::replace(&mut batch, new_batch());
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
    let file = {
        let (path, mapping) = (path.to_owned(), mapping.clone());
        tokio::task::spawn_blocking(move || source::inspect(&path, &mapping))
            .await
            .map_err(|e| IngestError::Unsupported(e.to_string()))??
    };
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
    let (tx, mut rx) = mpsc::channel(2);
    let producer = {
        let (file, mapping, batch_rows) =
            (file.clone(), mapping.clone(), options.batch_rows.max(1));
        std::thread::spawn(move || produce(file, mapping, batch_rows, tx))
    };
    let mut state = Progress {
        lines_done: 1,
        lines_total: file.lines,
        rows_loaded: 0,
        rows_rejected: 0,
    };
    let mut report_lines = 0u64;
    let mut store_refused = 0u64;
    let mut first_rejects = Vec::new();
    let outcome: Result<(), IngestError> = async {
        while let Some(batch) = rx.recv().await {
            let batch = batch?;
            let first_line = batch.lines.first().copied().unwrap_or(batch.last_line);
            let written = match &batch.rows {
                Rows::Customers(rows) if !rows.is_empty() => {
                    store
                        .import_source_records(run_id, mapping.source_system, rows, clock.now())
                        .await
                }
                Rows::Accounts(rows) if !rows.is_empty() => {
                    store
                        .import_source_accounts(run_id, mapping.source_system, rows)
                        .await
                }
                _ => Ok(Default::default()),
            }
            .map_err(|e| IngestError::Batch {
                first_line,
                last_line: batch.last_line,
                reason: e.to_string(),
            })?;
            let mut all = batch.rejects;
            all.extend(
                written
                    .problems
                    .iter()
                    .map(|p| problem_reject(p, &batch.lines)),
            );
            all.sort_by_key(|r| r.line);
            for r in &all {
                rejects.write(r)?;
                if first_rejects.len() < 20 {
                    first_rejects.push(r.clone());
                }
            }
            report_lines += all.len() as u64;
            store_refused += written.problems.len() as u64;
            state.rows_rejected += batch.rejected_rows + written.problems.len() as u64;
            state.rows_loaded += (batch.lines.len() - written.problems.len()) as u64;
            state.lines_done = batch.last_line.max(state.lines_done);
            progress(state);
        }
        Ok(())
    }
    .await;
    drop(rx);
    let _ = producer.join();
    rejects.finish()?;
    let status = if outcome.is_ok() {
        RunStatus::Finished
    } else {
        RunStatus::Failed
    };
    let run = store
        .finish_import(
            run_id,
            &ImportEnd {
                status,
                // The store counted the rows it refused with their batch.
                rejected: (state.rows_rejected - store_refused) as i64,
                close_unseen: options.mode == LoadMode::Full,
                at: clock.now(),
            },
        )
        .await;
    outcome?;
    let run = run?;
    Ok(ImportReport {
        run,
        file,
        rows_rejected: state.rows_rejected,
        report_lines,
        rejects_path: options.rejects_path.clone(),
        first_rejects,
        seconds: started.elapsed().as_secs_f64(),
    })
}
