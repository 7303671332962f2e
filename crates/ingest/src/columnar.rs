//! Parquet extracts: the same two passes as text files. `inspect` reads the schema and decodes
//! every mapped column once, so a file that cannot be read whole (not Parquet, a corrupt page,
//! a nested column, an oversized value) is refused before a single row is written; `rows` then
//! yields the rows as text, so validation is the same as for CSV and JSON lines.
//!
//! Row numbers stand where text files have line numbers: row 1 is the first data row.
use std::fs::File;
use std::io::Read;
use std::path::Path;

use arrow_array::{Array, RecordBatch};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::DataType;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use sha2::{Digest, Sha256};

use crate::IngestError;
use crate::mapping::{Encoding, Mapping};
use crate::source::{MAX_LINE_BYTES, RawRow, SourceFile, Unreadable, check_columns, io_error};

const BATCH_ROWS: usize = 4096;

fn not_readable(reason: impl std::fmt::Display) -> IngestError {
    IngestError::WholeFile(format!("the file cannot be read as Parquet: {reason}"))
}

fn builder(path: &Path) -> Result<ParquetRecordBatchReaderBuilder<File>, IngestError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    ParquetRecordBatchReaderBuilder::try_new(file).map_err(not_readable)
}

/// A reader of the named top-level columns only, in batches.
fn reader(path: &Path, columns: &[String]) -> Result<ParquetRecordBatchReader, IngestError> {
    let b = builder(path)?;
    let indices: Vec<usize> = b
        .schema()
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| columns.iter().any(|c| c == f.name()))
        .map(|(i, _)| i)
        .collect();
    let mask = ProjectionMask::roots(b.parquet_schema(), indices);
    b.with_projection(mask)
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(not_readable)
}

fn sha256_of(path: &Path) -> Result<(String, u64), IngestError> {
    let mut file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(|e| io_error(path, e))?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        let chunk = buf.get(..n).ok_or_else(|| {
            io_error(
                path,
                std::io::Error::other("read reported more bytes than its buffer"),
            )
        })?;
        hasher.update(chunk);
    }
    Ok((hex::encode(hasher.finalize()), bytes))
}

fn is_value(t: &DataType) -> bool {
    !matches!(
        t,
        DataType::List(_)
            | DataType::LargeList(_)
            | DataType::ListView(_)
            | DataType::LargeListView(_)
            | DataType::FixedSizeList(..)
            | DataType::Struct(_)
            | DataType::Map(..)
            | DataType::Union(..)
    )
}

/// The first pass for a Parquet file.
pub fn inspect(path: &Path, mapping: &Mapping) -> Result<SourceFile, IngestError> {
    if mapping.encoding != Encoding::Utf8 {
        return Err(IngestError::WholeFile(format!(
            "the mapping declares encoding = \"{}\", but Parquet text is UTF-8 by definition: \
             remove the encoding line or declare \"utf-8\"",
            mapping.encoding.as_str()
        )));
    }
    let (sha256, bytes) = sha256_of(path)?;
    let b = builder(path)?;
    let schema = b.schema().clone();
    let rows = u64::try_from(b.metadata().file_metadata().num_rows()).unwrap_or(0);
    let columns: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    check_columns(&columns, mapping)?;
    let mapped: Vec<String> = mapping.columns.values().cloned().collect();
    for f in schema.fields().iter().filter(|f| mapped.contains(f.name())) {
        if !is_value(f.data_type()) {
            return Err(IngestError::Header(format!(
                "column '{}' is a nested Parquet type ({}), not a single value per row",
                f.name(),
                f.data_type()
            )));
        }
    }
    if rows == 0 {
        return Err(IngestError::WholeFile("the file holds no rows".into()));
    }
    // Decode every mapped value once: a corrupt page or an oversized value refuses the file
    // now rather than after some batches were written.
    let mut row = 0u64;
    for batch in reader(path, &mapped)? {
        let batch = batch.map_err(|e| not_readable(format!("after row {row}: {e}")))?;
        for_each_value(&batch, row, |at, column, text| {
            if text.len() > MAX_LINE_BYTES {
                Err(IngestError::WholeFile(format!(
                    "row {at}: column '{column}' holds more than {} MiB; a customer record \
                     never does, so the file is refused",
                    MAX_LINE_BYTES >> 20
                )))
            } else {
                Ok(())
            }
        })?;
        row += batch.num_rows() as u64;
    }
    Ok(SourceFile {
        path: path.to_owned(),
        file_name: crate::source::file_name_of(path),
        sha256,
        bytes,
        lines: rows,
        columns,
    })
}

fn options() -> FormatOptions<'static> {
    // Dates print as ISO dates, the form the validators read; a value that cannot be
    // formatted is an error of its row, never text in its place.
    FormatOptions::new().with_display_error(false)
}

/// Calls `f(row number, column, text)` for every non-null value of the batch.
fn for_each_value(
    batch: &RecordBatch,
    first_row: u64,
    mut f: impl FnMut(u64, &str, &str) -> Result<(), IngestError>,
) -> Result<(), IngestError> {
    let opts = options();
    for (field, array) in batch.schema().fields().iter().zip(batch.columns()) {
        let fmt = ArrayFormatter::try_new(array.as_ref(), &opts).map_err(not_readable)?;
        for i in 0..array.len() {
            if array.is_null(i) {
                continue;
            }
            let text = fmt.value(i).try_to_string().map_err(not_readable)?;
            f(first_row + i as u64 + 1, field.name(), &text)?;
        }
    }
    Ok(())
}

/// The second pass: the file's rows as mapped fields.
pub fn rows(
    file: &SourceFile,
    wanted: Vec<(&'static str, String)>,
) -> Result<Box<dyn Iterator<Item = Result<RawRow, Unreadable>> + Send>, IngestError> {
    let columns: Vec<String> = wanted.iter().map(|(_, c)| c.clone()).collect();
    let reader = reader(&file.path, &columns)?;
    let mut next_row = 0u64;
    Ok(Box::new(reader.flat_map(move |batch| {
        let first = next_row;
        let out: Vec<Result<RawRow, Unreadable>> = match batch {
            Ok(batch) => {
                next_row += batch.num_rows() as u64;
                batch_rows(&batch, first, &wanted)
            }
            Err(e) => vec![Err(Unreadable {
                line: first + 1,
                reason: format!("cannot be read (nor the rows after it): {e}"),
            })],
        };
        out
    })))
}

/// A mapped column of a batch and its formatter.
type Column<'a> = (&'a dyn Array, ArrayFormatter<'a>);

fn batch_rows(
    batch: &RecordBatch,
    first_row: u64,
    wanted: &[(&'static str, String)],
) -> Vec<Result<RawRow, Unreadable>> {
    let opts = options();
    let formatters: Vec<(&'static str, Option<Column<'_>>)> = wanted
        .iter()
        .map(|(field, column)| {
            let fmt = batch.column_by_name(column).and_then(|a| {
                ArrayFormatter::try_new(a.as_ref(), &opts)
                    .ok()
                    .map(|f| (a.as_ref(), f))
            });
            (*field, fmt)
        })
        .collect();
    (0..batch.num_rows())
        .map(|i| {
            let line = first_row + i as u64 + 1;
            let mut values = Vec::with_capacity(formatters.len());
            for (field, fmt) in &formatters {
                let value = match fmt {
                    Some((array, _)) if array.is_null(i) => None,
                    Some((_, f)) => {
                        let text = f.value(i).try_to_string().map_err(|e| Unreadable {
                            line,
                            reason: format!("'{field}' cannot be read: {e}"),
                        })?;
                        let text = text.trim();
                        (!text.is_empty()).then(|| text.to_owned())
                    }
                    None => None,
                };
                values.push((*field, value));
            }
            Ok(RawRow { line, values })
        })
        .collect()
}
