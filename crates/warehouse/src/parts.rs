//! Parquet part files of one load, one open writer per month partition, written under the
//! load's staging directory with the relative paths they will have in the warehouse.
use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::{Compression, ZstdLevel};
use datafusion::parquet::file::properties::WriterProperties;
use datafusion::parquet::schema::types::ColumnPath;

use crate::dedup::Dedup;
use crate::error::{Result, io};
use crate::fsutil::{create_private_dir, sync_dir};
use crate::tables::{Chunk, LoadColumns};
use crate::time::Month;

/// zstd level 1: most of zstd's size gain over snappy at close to snappy's speed.
pub const ZSTD_LEVEL: i32 = 1;
pub const ROW_GROUP_ROWS: usize = 1 << 20;
/// A month with more rows than this in one load gets several part files.
const ROWS_PER_PART: u64 = 16 << 20;
/// Encoded row groups in progress, summed over all open months, before the largest is flushed
/// early: bounds memory when a file spreads over many months.
const MEMORY_BUDGET: usize = 256 << 20;

/// A finished part file.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub(crate) month: Month,
    /// Path relative to the warehouse root (and to the staging directory).
    pub(crate) rel: String,
    pub(crate) rows: u64,
}

struct Open {
    part: Part,
    writer: ArrowWriter<BufWriter<File>>,
    memory: usize,
}

pub(crate) struct PartWriter {
    staging: PathBuf,
    table: &'static str,
    load_id: String,
    schema: SchemaRef,
    props: WriterProperties,
    open: HashMap<Month, Open>,
    next_n: HashMap<Month, u32>,
    done: Vec<Part>,
}

pub(crate) fn writer_properties(plain_columns: &[&str]) -> Result<WriterProperties> {
    let mut b = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(ZSTD_LEVEL)?))
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_created_by(format!("rapport-warehouse {}", env!("CARGO_PKG_VERSION")));
    for c in plain_columns {
        b = b.set_column_dictionary_enabled(ColumnPath::from(*c), false);
    }
    Ok(b.build())
}

impl PartWriter {
    pub(crate) fn new(
        staging: &Path,
        table: &'static str,
        load_id: &str,
        schema: SchemaRef,
        props: WriterProperties,
    ) -> Self {
        Self {
            staging: staging.to_owned(),
            table,
            load_id: load_id.to_owned(),
            schema,
            props,
            open: HashMap::new(),
            next_n: HashMap::new(),
            done: Vec::new(),
        }
    }

    /// Writes chunks until the sender hangs up, then closes every part.
    pub(crate) fn run(
        mut self,
        groups: Receiver<Vec<Chunk>>,
        mut dedup: Option<Dedup>,
        load: &LoadColumns,
    ) -> Result<(Vec<Part>, Option<Dedup>)> {
        for mut group in groups {
            if let Some(d) = dedup.as_mut() {
                d.filter(&mut group)?;
            }
            for chunk in group {
                if chunk.lines.is_empty() {
                    continue;
                }
                let mut columns = chunk.columns;
                columns.extend(load.arrays(chunk.lines.len()));
                let batch = RecordBatch::try_new(self.schema.clone(), columns)?;
                self.write(chunk.month, &batch)?;
            }
        }
        Ok((self.finish()?, dedup))
    }

    fn write(&mut self, month: Month, batch: &RecordBatch) -> Result<()> {
        if !self.open.contains_key(&month) {
            let open = self.create(month)?;
            self.open.insert(month, open);
        }
        let Some(open) = self.open.get_mut(&month) else {
            return Ok(());
        };
        open.writer.write(batch)?;
        open.part.rows += batch.num_rows() as u64;
        open.memory = open.writer.memory_size();
        if open.part.rows >= ROWS_PER_PART {
            self.close(month)?;
        }
        self.keep_within_budget()
    }

    fn keep_within_budget(&mut self) -> Result<()> {
        let total: usize = self.open.values().map(|o| o.memory).sum();
        if total <= MEMORY_BUDGET {
            return Ok(());
        }
        if let Some(largest) = self.open.values_mut().max_by_key(|o| o.memory) {
            largest.writer.flush()?;
            largest.memory = largest.writer.memory_size();
        }
        Ok(())
    }

    fn create(&mut self, month: Month) -> Result<Open> {
        let n = self.next_n.entry(month).or_insert(0);
        let dir = format!("{}/month={}", self.table, month.label());
        let rel = format!("{dir}/part-{}-{n}.parquet", self.load_id);
        *n += 1;
        create_private_dir(&self.staging.join(&dir))?;
        let path = self.staging.join(&rel);
        let file = File::create_new(&path).map_err(io(&path))?;
        let writer = ArrowWriter::try_new(
            BufWriter::with_capacity(1 << 20, file),
            self.schema.clone(),
            Some(self.props.clone()),
        )?;
        Ok(Open {
            part: Part {
                month,
                rel,
                rows: 0,
            },
            writer,
            memory: 0,
        })
    }

    fn close(&mut self, month: Month) -> Result<()> {
        let Some(open) = self.open.remove(&month) else {
            return Ok(());
        };
        let path = self.staging.join(&open.part.rel);
        let file = open
            .writer
            .into_inner()?
            .into_inner()
            .map_err(|e| io(&path)(e.into_error()))?;
        file.sync_all().map_err(io(&path))?;
        self.done.push(open.part);
        Ok(())
    }

    fn finish(mut self) -> Result<Vec<Part>> {
        let months: Vec<Month> = self.open.keys().copied().collect();
        for m in months {
            self.close(m)?;
        }
        let mut dirs: Vec<&str> = self
            .done
            .iter()
            .filter_map(|p| p.rel.rsplit_once('/'))
            .map(|(d, _)| d)
            .collect();
        dirs.dedup();
        for d in dirs {
            sync_dir(&self.staging.join(d))?;
        }
        self.done.sort_by(|a, b| a.rel.cmp(&b.rel));
        Ok(self.done)
    }
}
