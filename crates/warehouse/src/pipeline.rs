//! One load: parse and validate on the calling thread, encode Parquet on a second thread,
//! with a short bounded queue of Arrow batches between them.
use std::collections::BTreeSet;
use std::io::Read;
use std::sync::mpsc::sync_channel;

use crate::dedup::Dedup;
use crate::error::{Reject, Result, WarehouseError};
use crate::parts::{Part, PartWriter};
use crate::source::CsvSource;
use crate::tables::{LoadColumns, MonthBuffers, Table};
use crate::time::Month;

/// Rows buffered (over all months) before they go to the writer as one group.
const GROUP_ROWS: usize = 128 * 1024;
/// Batch groups in flight between the threads.
const QUEUE: usize = 4;
/// Rejects kept in the summary; the count goes on beyond.
pub const MAX_REJECTS_KEPT: usize = 10_000;

/// Where a load stands, reported after every batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Bytes of the (decoded) input read so far.
    pub bytes_read: u64,
    /// The caller's size hint, if any: the file size, so a decoded stream may read past it.
    pub total_bytes: Option<u64>,
    pub rows: u64,
    pub rejected: u64,
}

pub(crate) struct Outcome {
    pub(crate) parts: Vec<Part>,
    pub(crate) rows: u64,
    pub(crate) rejected: u64,
    pub(crate) rejects: Vec<Reject>,
    pub(crate) months: BTreeSet<Month>,
}

pub(crate) fn run<T: Table, R: Read>(
    table: &mut T,
    source: &mut CsvSource<R>,
    writer: PartWriter,
    load: &LoadColumns,
    total_bytes: Option<u64>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Outcome> {
    let dedup = table
        .unique_column()
        .map(|(column, field)| Dedup::new(column, field));
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel(QUEUE);
        let encoder = std::thread::Builder::new()
            .name("warehouse-parquet".into())
            .spawn_scoped(scope, move || writer.run(rx, dedup, load))
            .map_err(|e| WarehouseError::Internal(format!("starting the Parquet writer: {e}")))?;
        let mut buffers = MonthBuffers::<T::Buffer>::new();
        let (mut rows, mut rejected, mut rejects) = (0u64, 0u64, Vec::new());
        let mut report = |rows, rejected, bytes_read| {
            progress(Progress {
                bytes_read,
                total_bytes,
                rows,
                rejected,
            });
        };
        let parsed: Result<()> = (|| {
            while let Some(rec) = source.next()? {
                match table.push(&rec, &mut buffers) {
                    Ok(_) => {
                        rows += 1;
                        if buffers.rows() < GROUP_ROWS {
                            continue;
                        }
                        if tx.send(buffers.drain()?).is_err() {
                            // The writer stopped: its error is the one to report.
                            return Ok(());
                        }
                        report(rows, rejected, source.bytes_read());
                    }
                    Err(reject) => {
                        rejected += 1;
                        if rejects.len() < MAX_REJECTS_KEPT {
                            rejects.push(reject);
                        }
                    }
                }
            }
            let _ = tx.send(buffers.drain()?);
            Ok(())
        })();
        drop(tx);
        let written = encoder
            .join()
            .map_err(|_| WarehouseError::Internal("the Parquet writer thread panicked".into()))?;
        parsed?;
        let (parts, dedup) = written?;
        if let Some(d) = dedup {
            rejected += d.rejected;
            rejects.extend(d.rejects);
            rejects.sort_by_key(|r| r.line);
            rejects.truncate(MAX_REJECTS_KEPT);
        }
        let rows: u64 = parts.iter().map(|p| p.rows).sum();
        report(rows, rejected, source.bytes_read());
        Ok(Outcome {
            months: parts.iter().map(|p| p.month).collect(),
            parts,
            rows,
            rejected,
            rejects,
        })
    })
}
