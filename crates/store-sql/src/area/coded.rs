//! Closed sets (tiers, lifecycle stages, classes …) are kept as their storage names and parsed
//! as they are read back, so that a value the code does not know names its column.
use std::str::FromStr;

use rapport_store::StoreResult;
use sqlx::Row;

use super::dialect::DbRow;
use super::{db_err, parse_col};

/// Column `index` of `row`, the storage name of a `T`; `column` names it in the error.
pub(crate) fn coded<T: FromStr>(row: &DbRow, index: usize, column: &str) -> StoreResult<T> {
    let text: String = row.try_get(index).map_err(db_err)?;
    parse_col(column, &text)
}

/// Like [`coded`], for a nullable column.
pub(crate) fn coded_opt<T: FromStr>(
    row: &DbRow,
    index: usize,
    column: &str,
) -> StoreResult<Option<T>> {
    let text: Option<String> = row.try_get(index).map_err(db_err)?;
    text.map(|t| parse_col(column, &t)).transpose()
}
