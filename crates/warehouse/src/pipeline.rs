//! One load: parse and validate on the calling thread, encode Parquet on a second thread,
//! with a short bounded queue of Arrow batches between them.
use std::collections::BTreeSet;
use std::io::Read;
use std::sync::mpsc::sync_channel;

use crate::error::{Reject, Result, WarehouseError};
use crate::parts::{Part, PartWriter};
use crate::source::CsvSource;
use crate::tables::{LoadColumns, MonthBuffers, Table};
use crate::time::Month;

/// A month's rows are sent once this many are buffered ...
const MONTH_BATCH: usize = 64 * 1024;
/// ... and every month's once this many are buffered in all.
const ALL_BATCH: usize = 256 * 1024;
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
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel(QUEUE);
        let encoder = std::thread::Builder::new()
            .name("warehouse-parquet".into())
            .spawn_scoped(scope, move || writer.run(rx))
            .map_err(|e| WarehouseError::Internal(format!("starting the Parquet writer: {e}")))?;
        let schema = table.schema();
        let mut buffers = MonthBuffers::<T::Buffer>::new();
        let mut out = Outcome {
            parts: Vec::new(),
            rows: 0,
            rejected: 0,
            rejects: Vec::new(),
            months: BTreeSet::new(),
        };
        let mut report = |out: &Outcome, bytes_read| {
            progress(Progress {
                bytes_read,
                total_bytes,
                rows: out.rows,
                rejected: out.rejected,
            });
        };
        let parsed: Result<()> = (|| {
            while let Some(rec) = source.next()? {
                match table.push(&rec, &mut buffers) {
                    Ok(month) => {
                        out.rows += 1;
                        out.months.insert(month);
                        let only = if buffers.rows() >= ALL_BATCH {
                            None
                        } else if buffers.rows_in(month) >= MONTH_BATCH {
                            Some(month)
                        } else {
                            continue;
                        };
                        let batches = buffers.drain(only, &schema, load)?;
                        if tx.send(batches).is_err() {
                            // The writer stopped: its error is the one to report.
                            return Ok(());
                        }
                        report(&out, source.bytes_read());
                    }
                    Err(reject) => {
                        out.rejected += 1;
                        if out.rejects.len() < MAX_REJECTS_KEPT {
                            out.rejects.push(reject);
                        }
                    }
                }
            }
            let rest = buffers.drain(None, &schema, load)?;
            let _ = tx.send(rest);
            report(&out, source.bytes_read());
            Ok(())
        })();
        drop(tx);
        let written = encoder
            .join()
            .map_err(|_| WarehouseError::Internal("the Parquet writer thread panicked".into()))?;
        parsed?;
        out.parts = written?;
        Ok(out)
    })
}
