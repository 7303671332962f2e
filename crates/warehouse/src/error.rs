use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// A failure that stops a whole load (nothing of the load is visible afterwards), a snapshot
/// write or a query.
#[derive(Debug, thiserror::Error)]
pub enum WarehouseError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the file is empty: expected a header line")]
    EmptyFile,
    #[error("column `{column}` is not in the header; the header has: {}", available.join(", "))]
    MissingColumn {
        column: String,
        available: Vec<String>,
    },
    #[error("column `{column}` appears more than once in the header")]
    DuplicateColumn { column: String },
    #[error("line {line}: the file is not valid UTF-8 (decode it before importing)")]
    NotUtf8 { line: u64 },
    #[error("line {line}: a record longer than {limit} bytes (is the file CSV?)")]
    RecordTooLarge { line: u64, limit: usize },
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
    #[error("invalid source system `{0}`: use 1-64 letters, digits, `_` or `-`")]
    InvalidSourceSystem(String),
    #[error("writing Parquet: {0}")]
    Parquet(#[from] datafusion::parquet::errors::ParquetError),
    #[error("building Arrow batches: {0}")]
    Arrow(#[from] datafusion::arrow::error::ArrowError),
    #[error("load manifest {path}: {message}")]
    Manifest { path: PathBuf, message: String },
    #[error("internal error: {0}")]
    Internal(String),
    #[error("dimension snapshot refused: {0}")]
    InvalidDimension(String),
    #[error("no dimension snapshot: write the account and party dimensions first")]
    NoDimensions,
    #[error("no features stored for {0}")]
    NoFeatures(chrono::NaiveDate),
    #[error("features of party {party_id} are as of {found}, not {expected}")]
    FeaturesAsOf {
        party_id: i64,
        found: chrono::NaiveDate,
        expected: chrono::NaiveDate,
    },
    #[error("query failed: {0}")]
    Query(String),
}

pub type Result<T, E = WarehouseError> = std::result::Result<T, E>;

pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> WarehouseError {
    let path = path.into();
    move |source| WarehouseError::Io { path, source }
}

/// A row that was not loaded. The load goes on without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reject {
    /// 1-based line of the file where the record starts; the header is line 1.
    pub line: u64,
    /// The CSV column at fault as named in the header, or `*` for the record as a whole.
    pub field: String,
    pub reason: String,
    /// The offending value through [`mask`]: never an identifier in clear.
    pub value_masked: String,
}

/// Keeps at most the first two and last two characters of a value (fewer for short values, none
/// for very short ones), so that a reject report can be shown without leaking identifiers. The
/// number of stars is capped: it does not reveal the length of long values.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().take(4096).collect();
    let n = chars.len();
    let keep = match n {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    let stars = (n - 2 * keep).min(8);
    let mut out = String::with_capacity(2 * keep + stars + 8);
    out.extend(chars.iter().take(keep));
    out.extend(std::iter::repeat_n('*', stars));
    out.extend(chars.iter().skip(n - keep));
    out
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn masks_keep_at_most_two_characters_each_side() {
        assert_eq!(mask(""), "");
        assert_eq!(mask("abc"), "***");
        assert_eq!(mask("abcd"), "a**d");
        assert_eq!(mask("6222020200112233"), "62********33");
        assert_eq!(mask("中国工商银行卡号"), "中国****卡号");
    }
}
