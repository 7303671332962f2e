//! Multi-row inserts, written once for both backends.
use rapport_store::{StoreError, StoreResult};

use super::db_err;
use super::dialect::{Connection, Db, numbered};

/// A statement being bound on this backend.
pub(crate) type Query<'q> = sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments>;

/// Bound parameters per statement: SQLite allows 32,766 and PostgreSQL 65,535; stay well below
/// the smaller.
const MAX_PARAMS: usize = 30_000;

/// Inserts `rows` with as few statements as the parameter limit allows.
/// `head` is `INSERT INTO table (c1, c2, …)`; `bind` binds one row's `columns` values in order.
pub(crate) async fn insert_rows<'q, T>(
    conn: &mut Connection,
    head: &'static str,
    columns: usize,
    rows: &'q [T],
    bind: impl Fn(Query<'q>, &'q T) -> Query<'q>,
) -> StoreResult<()> {
    upsert_rows(conn, head, columns, rows, "", bind).await
}

/// [`insert_rows`] with `on_conflict` after each statement's values (`ON CONFLICT …`).
pub(crate) async fn upsert_rows<'q, T>(
    conn: &mut Connection,
    head: &'static str,
    columns: usize,
    rows: &'q [T],
    on_conflict: &str,
    bind: impl Fn(Query<'q>, &'q T) -> Query<'q>,
) -> StoreResult<()> {
    let tuple = format!("({})", vec!["?"; columns].join(","));
    for chunk in rows.chunks((MAX_PARAMS / columns).max(1)) {
        let mut sql = String::with_capacity(head.len() + chunk.len() * (tuple.len() + 1) + 8);
        sql.push_str(head);
        sql.push_str(" VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&tuple);
        }
        if !on_conflict.is_empty() {
            sql.push(' ');
            sql.push_str(on_conflict);
        }
        let mut query = sqlx::query(sqlx::AssertSqlSafe(numbered(&sql)));
        for row in chunk {
            query = bind(query, row);
        }
        query
            .execute(&mut *conn)
            .await
            .map_err(|e| match db_err(e) {
                StoreError::Conflict(m) => StoreError::Conflict(format!("{head}: {m}")),
                other => other,
            })?;
    }
    Ok(())
}
