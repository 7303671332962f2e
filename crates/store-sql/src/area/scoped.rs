//! The caller's data scope as SQL: the one rule for which parties a viewer reaches, written
//! once for both backends. Each condition comes with the one value it binds.
use rapport_domain::{BranchId, DataScope, StaffId};

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
