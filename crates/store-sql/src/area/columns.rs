//! Rows to insert in bulk, held column by column: each backend writes them its fastest way
//! (`dialect::insert_columns`: multi-row `VALUES` on SQLite, one array per column through
//! `UNNEST` on PostgreSQL), so the loading code is written once.
use chrono::{DateTime, NaiveDate, Utc};

/// One column's values, in row order.
pub(crate) enum Column<'a> {
    Int(Vec<Option<i64>>),
    Text(Vec<Option<&'a str>>),
    Date(Vec<Option<NaiveDate>>),
    Bool(Vec<Option<bool>>),
    /// A time bound as the driver binds `DateTime<Utc>` (not the dialect's fixed-width text).
    Stamp(Vec<Option<DateTime<Utc>>>),
    /// A time bound as the dialect binds times (`dialect::time`).
    At(Vec<Option<DateTime<Utc>>>),
}

impl Column<'_> {
    pub(crate) fn len(&self) -> usize {
        match self {
            Column::Int(v) => v.len(),
            Column::Text(v) => v.len(),
            Column::Date(v) => v.len(),
            Column::Bool(v) => v.len(),
            Column::Stamp(v) | Column::At(v) => v.len(),
        }
    }
}

pub(crate) fn ints<'a, T: 'a, V: Into<Option<i64>>>(
    rows: impl IntoIterator<Item = &'a T>,
    f: impl Fn(&'a T) -> V,
) -> Column<'static> {
    Column::Int(rows.into_iter().map(|r| f(r).into()).collect())
}

pub(crate) fn texts<'a, T: 'a, V: Into<Option<&'a str>>>(
    rows: impl IntoIterator<Item = &'a T>,
    f: impl Fn(&'a T) -> V,
) -> Column<'a> {
    Column::Text(rows.into_iter().map(|r| f(r).into()).collect())
}

pub(crate) fn dates<'a, T: 'a, V: Into<Option<NaiveDate>>>(
    rows: impl IntoIterator<Item = &'a T>,
    f: impl Fn(&'a T) -> V,
) -> Column<'static> {
    Column::Date(rows.into_iter().map(|r| f(r).into()).collect())
}

pub(crate) fn bools<'a, T: 'a, V: Into<Option<bool>>>(
    rows: impl IntoIterator<Item = &'a T>,
    f: impl Fn(&'a T) -> V,
) -> Column<'static> {
    Column::Bool(rows.into_iter().map(|r| f(r).into()).collect())
}

pub(crate) fn stamps<'a, T: 'a>(
    rows: impl IntoIterator<Item = &'a T>,
    f: impl Fn(&'a T) -> DateTime<Utc>,
) -> Column<'static> {
    Column::Stamp(rows.into_iter().map(|r| Some(f(r))).collect())
}

pub(crate) fn times<'a, T: 'a>(
    rows: impl IntoIterator<Item = &'a T>,
    f: impl Fn(&'a T) -> DateTime<Utc>,
) -> Column<'static> {
    Column::At(rows.into_iter().map(|r| Some(f(r))).collect())
}

/// `INSERT INTO parties (…)` of an insert statement, for error messages.
pub(crate) fn table_of(head: &str) -> &str {
    head.split_once(" (").map_or(head, |(table, _)| table)
}
