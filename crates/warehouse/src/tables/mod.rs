//! The two tables: how a CSV record becomes a validated row, buffered per month partition.
use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, StringArray};
use datafusion::arrow::datatypes::{DataType, SchemaRef};

use crate::columns::Col;
use crate::error::{Reject, Result, mask};
use crate::source::Record;
use crate::time::Month;

pub(crate) mod balances;
pub(crate) mod transactions;

pub(crate) const MONEY: DataType = DataType::Decimal128(18, 2);

/// What the load pipeline needs from a table.
pub(crate) trait Table {
    /// Directory under the warehouse root, e.g. `transactions`.
    const NAME: &'static str;
    /// Columns with nearly unique values, where a dictionary is wasted work.
    const PLAIN_COLUMNS: &'static [&'static str];
    type Buffer: Buffer + Default;

    fn schema(&self) -> SchemaRef;

    /// The column (index, CSV name) whose values must be unique within a file, checked by the
    /// writer thread (see `dedup`); `None` if the table checks uniqueness itself.
    fn unique_column(&self) -> Option<(usize, String)>;

    /// Validates a record; a good one goes into its month's buffer and its month is returned.
    fn push(
        &mut self,
        rec: &Record<'_>,
        out: &mut MonthBuffers<Self::Buffer>,
    ) -> Result<Month, Reject>;
}

/// Column builders for one month's rows since the last batch.
pub(crate) trait Buffer {
    fn len(&self) -> usize;
    /// The buffered rows as arrays (all columns but the load's constant ones), leaving the
    /// buffer empty.
    fn finish(&mut self) -> Result<Vec<ArrayRef>>;
}

/// Rows of one month, in file order, on their way to the writer thread.
pub(crate) struct Chunk {
    pub(crate) month: Month,
    pub(crate) columns: Vec<ArrayRef>,
    /// The file line of each row, ascending.
    pub(crate) lines: Vec<u64>,
}

/// Values every row of a load carries.
pub(crate) struct LoadColumns {
    pub(crate) source_system: String,
    pub(crate) load_id: String,
}

impl LoadColumns {
    pub(crate) fn arrays(&self, rows: usize) -> [ArrayRef; 2] {
        let repeat = |v: &str| -> ArrayRef {
            Arc::new(StringArray::from_iter_values(std::iter::repeat_n(v, rows)))
        };
        [repeat(&self.source_system), repeat(&self.load_id)]
    }
}

pub(crate) struct MonthBuffers<B> {
    months: HashMap<Month, (B, Vec<u64>)>,
    rows: usize,
}

impl<B: Buffer + Default> MonthBuffers<B> {
    pub(crate) fn new() -> Self {
        Self {
            months: HashMap::new(),
            rows: 0,
        }
    }

    /// The buffer a new row of `month`, read from `line`, goes into (the caller appends exactly
    /// one row).
    pub(crate) fn row(&mut self, month: Month, line: u64) -> &mut B {
        self.rows += 1;
        let (buffer, lines) = self.months.entry(month).or_default();
        lines.push(line);
        buffer
    }

    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// Every month's rows. Always all months at once, so that each group sent to the writer is
    /// one contiguous stretch of the file (the duplicate check relies on it).
    pub(crate) fn drain(&mut self) -> Result<Vec<Chunk>> {
        let mut out = Vec::new();
        for (&month, (buffer, lines)) in &mut self.months {
            if buffer.len() == 0 {
                continue;
            }
            out.push(Chunk {
                month,
                columns: buffer.finish()?,
                lines: std::mem::take(lines),
            });
        }
        self.rows = 0;
        Ok(out)
    }
}

/// Turns account numbers into keys, calling the (costly, HMAC) key function once per distinct
/// account for the last million accounts or so.
pub(crate) struct AccountKeys<'k> {
    key: &'k dyn Fn(&str) -> String,
    cache: HashMap<Box<str>, Box<str>, std::hash::BuildHasherDefault<crate::seen::Mix>>,
}

const ACCOUNT_CACHE: usize = 1 << 20;

impl<'k> AccountKeys<'k> {
    pub(crate) fn new(key: &'k dyn Fn(&str) -> String) -> Self {
        Self {
            key,
            cache: HashMap::default(),
        }
    }

    pub(crate) fn get(&mut self, account: &str) -> &str {
        if !self.cache.contains_key(account) {
            if self.cache.len() >= ACCOUNT_CACHE {
                self.cache.clear();
            }
            let key = (self.key)(account).into_boxed_str();
            self.cache.insert(account.into(), key);
        }
        self.cache.get(account).map_or("", |k| k)
    }
}

pub(crate) fn reject(line: u64, col: &Col, reason: impl Into<String>, value: &str) -> Reject {
    Reject {
        line,
        field: col.name.clone(),
        reason: reason.into(),
        value_masked: mask(value),
    }
}

/// Refuses a record whose field count differs from the header's: its values would land in
/// the wrong columns.
pub(crate) fn check_width(rec: &Record<'_>, width: usize) -> Result<(), Reject> {
    if rec.len() == width {
        return Ok(());
    }
    Err(Reject {
        line: rec.line,
        field: "*".into(),
        reason: format!("{} fields where the header has {width}", rec.len()),
        value_masked: String::new(),
    })
}

/// A required text field: trimmed, not empty.
pub(crate) fn required<'a>(rec: &Record<'a>, col: &Col) -> Result<&'a str, Reject> {
    let v = rec.get(col.index).trim();
    if v.is_empty() {
        return Err(reject(rec.line, col, "empty", v));
    }
    Ok(v)
}

/// An ISO 4217 code, upper-cased.
pub(crate) fn currency(rec: &Record<'_>, col: &Col) -> Result<[u8; 3], Reject> {
    let v = rec.get(col.index).trim();
    match v.as_bytes() {
        &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_alphabetic) => Ok([
            a.to_ascii_uppercase(),
            b.to_ascii_uppercase(),
            c.to_ascii_uppercase(),
        ]),
        _ => Err(reject(
            rec.line,
            col,
            "not a 3-letter ISO 4217 currency code",
            v,
        )),
    }
}

pub(crate) fn currency_str(code: &[u8; 3]) -> &str {
    std::str::from_utf8(code).unwrap_or("XXX")
}
