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

/// `$name(rows, f)`: the column of `f(row)` over `rows` (a value or an `Option` of one).
macro_rules! column_of {
    ($name:ident, $variant:ident, $value:ty) => {
        pub(crate) fn $name<'a, T: 'a, V: Into<Option<$value>>>(
            rows: impl IntoIterator<Item = &'a T>,
            f: impl Fn(&'a T) -> V,
        ) -> Column<'a> {
            Column::$variant(rows.into_iter().map(|r| f(r).into()).collect())
        }
    };
}
column_of!(ints, Int, i64);
column_of!(texts, Text, &'a str);
column_of!(dates, Date, NaiveDate);
column_of!(bools, Bool, bool);
column_of!(stamps, Stamp, DateTime<Utc>);
column_of!(times, At, DateTime<Utc>);

/// `INSERT INTO parties (…)` of an insert statement, for error messages.
pub(crate) fn table_of(head: &str) -> &str {
    head.split_once(" (").map_or(head, |(table, _)| table)
}
