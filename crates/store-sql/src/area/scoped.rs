//! The caller's data scope as SQL: the one rule for which parties a viewer reaches, written
//! once for both backends. Each condition comes with the one value it binds.
use rapport_domain::{BranchId, DataScope, PartyId, StaffId, Viewer};
use rapport_store::StoreResult;
use rapport_store::scope::InScope;

use super::db_err;
use super::dialect::{Db, DbRow, Pool, numbered};

/// Whether `party` is in the viewer's scope, asked on `executor`: the pool, or the connection
/// or transaction that goes on to read or change the customer.
pub(crate) async fn party_in_scope<'e, E>(
    executor: E,
    viewer: &Viewer,
    party: PartyId,
) -> StoreResult<bool>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let (scope, arg) = scope_condition(rapport_store::scope::data_scope(viewer), "p");
    let sql = format!("SELECT count(*) FROM parties p WHERE p.id = ? AND {scope}");
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(numbered(&sql)))
        .bind(party.0)
        .bind(arg)
        .fetch_one(executor)
        .await
        .map_err(db_err)?;
    Ok(n > 0)
}

/// A customer's rows by `sql` — its `?` placeholders: the party `party_binds` times, then
/// `limit` when there is one — read on the connection that has just found the customer in the
/// viewer's scope; `None` when it is not (the store's own check behind the caller's proof).
pub(crate) async fn customer_rows<T>(
    pool: &Pool,
    customer: &InScope,
    sql: &str,
    party_binds: usize,
    limit: Option<i64>,
    read: impl Fn(&DbRow) -> StoreResult<T>,
) -> StoreResult<Option<Vec<T>>> {
    let (viewer, party) = (customer.viewer(), customer.party());
    let mut conn = pool.acquire().await.map_err(db_err)?;
    if !party_in_scope(&mut *conn, viewer, party).await? {
        return Ok(None);
    }
    let mut query = sqlx::query(sqlx::AssertSqlSafe(numbered(sql)));
    for _ in 0..party_binds {
        query = query.bind(party.0);
    }
    if let Some(limit) = limit {
        query = query.bind(limit);
    }
    let rows = query.fetch_all(&mut *conn).await.map_err(db_err)?;
    rows.iter().map(read).collect::<StoreResult<Vec<_>>>().map(Some)
}

/// The viewer's data scope as a condition on `{party}` whose placeholder is `$n`; merged-away
/// parties are never in anyone's scope (their records live on in the party that absorbed them).
pub(crate) fn scope_at(scope: DataScope, party: &str, n: usize) -> (String, i64) {
    let (condition, arg) = scope_of(scope, party, n);
    (
        format!("({condition}) AND {party}.merged_into IS NULL"),
        arg,
    )
}

/// [`scope_at`] tested row by row: a portfolio is probed per row (`rm_assignments` by party)
/// instead of being read whole as a set. For queries that walk another table's index in order
/// and stop at a page's end (the owner's tasks): as a set the planner joins it, misjudges how
/// many rows pass, and reads and sorts every row.
pub(crate) fn row_scope_at(scope: DataScope, party: &str, n: usize) -> (String, i64) {
    match scope {
        DataScope::Portfolio(StaffId(staff)) => (
            format!(
                "(SELECT ra.party_id FROM rm_assignments ra WHERE ra.party_id = {party}.id \
                 AND ra.staff_id = ${n} AND ra.effective_to IS NULL LIMIT 1) IS NOT NULL \
                 AND {party}.merged_into IS NULL"
            ),
            staff,
        ),
        _ => scope_at(scope, party, n),
    }
}

/// [`scope_at`] with a `?` placeholder, for statements run through `dialect::numbered`.
pub(crate) fn scope_condition(scope: DataScope, party: &str) -> (String, i64) {
    let (sql, arg) = scope_at(scope, party, 0);
    (sql.replace("$0", "?"), arg)
}

/// [`row_scope_at`] with a `?` placeholder, for statements run through `dialect::numbered`.
pub(crate) fn row_scope_condition(scope: DataScope, party: &str) -> (String, i64) {
    let (sql, arg) = row_scope_at(scope, party, 0);
    (sql.replace("$0", "?"), arg)
}

fn scope_of(scope: DataScope, party: &str, n: usize) -> (String, i64) {
    match scope {
        DataScope::Portfolio(StaffId(staff)) => (
            format!(
                "{party}.id IN (SELECT ra.party_id FROM rm_assignments ra \
                 WHERE ra.staff_id = ${n} AND ra.effective_to IS NULL)"
            ),
            staff,
        ),
        DataScope::BranchSubtree(BranchId(branch)) => (
            format!(
                "{party}.home_branch_id IN (SELECT sb.id FROM branches sb WHERE sb.path LIKE \
                 (SELECT bp.path FROM branches bp WHERE bp.id = ${n}) || '%')"
            ),
            branch,
        ),
        DataScope::All => (format!("1 = ${n}"), 1),
        DataScope::Nothing => (format!("0 = ${n}"), 1),
    }
}
