//! What SQLite needs differently from PostgreSQL, for the area modules written once for both
//! (`crate::area`). Times are fixed-width UTC text (`2026-06-30T01:02:03.000004Z`), so that text
//! order is time order; every write transaction starts with `BEGIN IMMEDIATE`, taking the one
//! write lock up front, so that row locks (`FOR UPDATE`) are not needed and concurrent writers
//! queue instead of failing on lock upgrade.
use chrono::{DateTime, NaiveDateTime, Utc};
use rapport_store::{StoreError, StoreResult};

pub type Db = sqlx::Sqlite;
pub type Pool = sqlx::SqlitePool;
pub type DbRow = sqlx::sqlite::SqliteRow;
pub type Tx<'c> = sqlx::Transaction<'c, Db>;
/// A statement being bound on this backend.
pub type Query<'q> = sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments>;
pub type Connection = sqlx::SqliteConnection;
/// A time as this backend binds and reads it.
pub type Time = String;

/// How the shared migration sources are spelled here: SQLite's storage classes (`INTEGER`,
/// `REAL`, `TEXT` — times and dates as fixed-width text), `INTEGER PRIMARY KEY` as the row id, and
/// booleans as 0/1.
pub const MIGRATION: crate::migrations::MigrationDialect = crate::migrations::MigrationDialect {
    marker: "--@sqlite",
    others: &["--@postgres"],
    words: &[
        ("{{identity}}", "INTEGER"),
        ("{{float8}}", "REAL"),
        ("{{collate_c}}", ""),
        ("{{timestamptz}}", "TEXT"),
        ("{{boolean}}", "INTEGER"),
        ("{{int8}}", "INTEGER"),
        ("{{jsonb}}", "TEXT"),
        ("{{date}}", "TEXT"),
        ("{{false}}", "0"),
        ("{{true}}", "1"),
    ],
};

const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// The suffix that locks the rows a `SELECT` reads until the transaction ends: nothing here,
/// where the write transaction holds the database's write lock already.
pub const FOR_UPDATE: &str = "";

/// Starts a write transaction.
pub async fn begin_write(pool: &Pool) -> StoreResult<Tx<'static>> {
    pool.begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(crate::db_err)
}

/// Locks `table` against other writers until the transaction ends (SQLite: already held).
pub async fn lock_table(_tx: &mut Tx<'_>, _table: &str) -> StoreResult<()> {
    Ok(())
}

/// SQL whose placeholders are written `?` in order, as this backend runs it (SQLite: as is).
pub fn numbered(sql: &str) -> String {
    sql.to_owned()
}

/// A time to bind.
pub fn time(t: DateTime<Utc>) -> Time {
    t.format(TIME_FORMAT).to_string()
}

/// A time read back.
pub fn from_time(t: &str) -> StoreResult<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(t, TIME_FORMAT)
        .map(|n| n.and_utc())
        .map_err(|_| StoreError::Database(format!("malformed stored time {t:?}")))
}

/// Serialises the writers that take the same `key` until the transaction ends (SQLite: the
/// write transaction does already).
pub async fn lock_key(_tx: &mut Tx<'_>, _key: i64) -> StoreResult<()> {
    Ok(())
}

/// The cast a JSON text placeholder needs to fill a JSON column (SQLite: none, JSON is text).
pub const JSONB: &str = "";

/// The latest month's AUM of `p` as the columns `aum_minor, aum_currency` of a customer summary,
/// and the join they need (SQLite: correlated subqueries, no join).
pub const LATEST_AUM_COLUMNS: &str = "(SELECT m.aum_minor FROM party_monthly_aum m \
    WHERE m.party_id = p.id ORDER BY m.month DESC LIMIT 1) AS aum_minor, \
    (SELECT m.currency FROM party_monthly_aum m WHERE m.party_id = p.id \
    ORDER BY m.month DESC LIMIT 1) AS aum_currency";
pub const LATEST_AUM_JOIN: &str = "";

/// Text ordered in code-point order (SQLite's BINARY collation is the default).
pub const COLLATE_C: &str = "";

/// Inserts the rows held in `columns` (all of one length) with multi-row `VALUES`, as few
/// statements as the parameter limit allows; `head` is `INSERT INTO t (c1, c2, …)` and
/// `on_conflict` follows each statement (or is empty). A unique violation names the table.
pub async fn insert_columns(
    conn: &mut Connection,
    head: &str,
    columns: &[super::columns::Column<'_>],
    on_conflict: &str,
) -> StoreResult<()> {
    use super::columns::Column;
    /// SQLite allows 32,766 bound parameters per statement; stay well below.
    const MAX_PARAMS: usize = 30_000;
    let rows = columns.first().map_or(0, Column::len);
    let tuple = format!("({})", vec!["?"; columns.len()].join(","));
    let per_statement = (MAX_PARAMS / columns.len().max(1)).max(1);
    let mut start = 0;
    while start < rows {
        let end = (start + per_statement).min(rows);
        let values = vec![tuple.as_str(); end - start].join(",");
        let sql = format!("{head} VALUES {values} {on_conflict}");
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for row in start..end {
            for column in columns {
                q = match column {
                    Column::Int(v) => q.bind(v.get(row).copied().flatten()),
                    Column::Text(v) => q.bind(v.get(row).copied().flatten()),
                    Column::Date(v) => q.bind(v.get(row).copied().flatten()),
                    Column::Bool(v) => q.bind(v.get(row).copied().flatten()),
                    Column::Stamp(v) => q.bind(v.get(row).copied().flatten()),
                    Column::At(v) => q.bind(v.get(row).copied().flatten().map(time)),
                };
            }
        }
        q.execute(&mut *conn)
            .await
            .map_err(|e| match crate::db_err(e) {
                StoreError::Conflict(m) => {
                    StoreError::Conflict(format!("{}: {m}", super::columns::table_of(head)))
                }
                other => other,
            })?;
        start = end;
    }
    Ok(())
}

/// After rows were inserted with explicit ids, lets the next generated id follow the largest
/// (SQLite: a rowid table does so by itself).
pub async fn resync_ids(_tx: &mut Tx<'_>, _table: &str) -> StoreResult<()> {
    Ok(())
}
