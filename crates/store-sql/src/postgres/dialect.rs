//! What PostgreSQL needs differently from SQLite, for the area modules written once for both
//! (`crate::area`): native `TIMESTAMPTZ` times, `$N` placeholders, and row locks
//! (`SELECT … FOR UPDATE`) where SQLite's write transaction holds the one write lock.
use chrono::{DateTime, Utc};
use rapport_store::{StoreError, StoreResult};

pub type Db = sqlx::Postgres;
pub type Pool = sqlx::PgPool;
pub type DbRow = sqlx::postgres::PgRow;
pub type Tx<'c> = sqlx::Transaction<'c, Db>;
/// A statement being bound on this backend.
pub type Query<'q> = sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments>;
pub type Connection = sqlx::PgConnection;
/// A time as this backend binds and reads it.
pub type Time = DateTime<Utc>;

/// The suffix that locks the rows a `SELECT` reads until the transaction ends.
pub const FOR_UPDATE: &str = " FOR UPDATE";

/// Starts a write transaction.
pub async fn begin_write(pool: &Pool) -> StoreResult<Tx<'static>> {
    pool.begin().await.map_err(crate::db_err)
}

/// Locks `table` against other writers until the transaction ends.
pub async fn lock_table(tx: &mut Tx<'_>, table: &str) -> StoreResult<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "LOCK TABLE {table} IN EXCLUSIVE MODE"
    )))
    .execute(&mut **tx)
    .await
    .map_err(crate::db_err)?;
    Ok(())
}

/// SQL whose placeholders are written `?` in order, as this backend runs it (`$1`, `$2`, …).
pub fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// A time to bind.
pub fn time(t: DateTime<Utc>) -> Time {
    t
}

/// A time read back.
pub fn from_time(t: &Time) -> StoreResult<DateTime<Utc>> {
    Ok(*t)
}

/// Serialises the writers that take the same `key` until the transaction ends.
pub async fn lock_key(tx: &mut Tx<'_>, key: i64) -> StoreResult<()> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(key)
        .execute(&mut **tx)
        .await
        .map_err(crate::db_err)?;
    Ok(())
}

/// The cast a JSON text placeholder needs to fill a JSON column (`jsonb`).
pub const JSONB: &str = "::jsonb";

/// The latest month's AUM of `p` as the columns `aum_minor, aum_currency` of a customer summary,
/// and the join they need: a lateral join after the party table (one index probe per row).
pub const LATEST_AUM_COLUMNS: &str = "lm.aum_minor, lm.currency AS aum_currency";
pub const LATEST_AUM_JOIN: &str = "LEFT JOIN LATERAL (SELECT m.aum_minor, m.currency \
    FROM party_monthly_aum m WHERE m.party_id = p.id ORDER BY m.month DESC LIMIT 1) lm ON TRUE";

/// Text ordered in code-point order, as SQLite's BINARY collation does.
pub const COLLATE_C: &str = " COLLATE \"C\"";

/// Inserts the rows held in `columns` (all of one length) with one
/// `INSERT … SELECT * FROM UNNEST($1::bigint[], $2::text[], …)` per chunk, binding one array per
/// column, so a statement carries thousands of rows in a handful of parameters; `head` is
/// `INSERT INTO t (c1, c2, …)` and `on_conflict` follows each statement (or is empty). A unique
/// violation names the table.
pub async fn insert_columns(
    conn: &mut Connection,
    head: &str,
    columns: &[super::columns::Column<'_>],
    on_conflict: &str,
) -> StoreResult<()> {
    use super::columns::Column;
    /// Rows per statement: big enough to amortise a round trip, small enough to keep messages
    /// and the server's memory for one statement modest.
    const CHUNK_ROWS: usize = 10_000;
    let rows = columns.first().map_or(0, Column::len);
    let arrays: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let kind = match c {
                Column::Int(_) => "bigint",
                Column::Text(_) => "text",
                Column::Date(_) => "date",
                Column::Bool(_) => "boolean",
                Column::Stamp(_) | Column::At(_) => "timestamptz",
            };
            format!("${}::{kind}[]", i + 1)
        })
        .collect();
    let sql = format!(
        "{head} SELECT * FROM UNNEST({}) {on_conflict}",
        arrays.join(", ")
    );
    let mut start = 0;
    while start < rows {
        let end = (start + CHUNK_ROWS).min(rows);
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
        for column in columns {
            q = match column {
                Column::Int(v) => q.bind(v.get(start..end)),
                Column::Text(v) => q.bind(v.get(start..end)),
                Column::Date(v) => q.bind(v.get(start..end)),
                Column::Bool(v) => q.bind(v.get(start..end)),
                Column::Stamp(v) | Column::At(v) => q.bind(v.get(start..end)),
            };
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

/// After rows were inserted with explicit ids, moves the table's identity past the largest, so
/// that a generated id is never one that is taken.
pub async fn resync_ids(tx: &mut Tx<'_>, table: &str) -> StoreResult<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
    )))
    .execute(&mut **tx)
    .await
    .map_err(crate::db_err)?;
    Ok(())
}
