//! Bulk reassignment of an RM's portfolio (issue 6, R4.1/R1.6): ended assignments stay as
//! history; scope follows at once because it reads only current assignments.
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::{ReassignmentStatus, StaffId, Viewer};
use rapport_store::portfolio::{
    NewReassignment, Reassignment, ReassignmentPreview, check_approver, not_an_enabled_rm,
    staff_in_scope_sql, staff_scope_condition,
};
use rapport_store::{ReassignmentStore, StoreError, StoreResult};
use sqlx::Row;

use super::assign::end_assignment;
use super::dialect::{DbRow, Time, Tx, begin_write, from_time, numbered, time};
use super::pages::ReadRows;
use super::{db_err, parse_col};

const COLUMNS: &str = "id, from_staff_id, to_staff_id, status, customers, moved, requested_by, \
    requested_at, approved_by, approved_at";

fn row(r: &DbRow) -> StoreResult<Reassignment> {
    Ok(Reassignment {
        id: r.try_get(0).map_err(db_err)?,
        from: StaffId(r.try_get(1).map_err(db_err)?),
        to: StaffId(r.try_get(2).map_err(db_err)?),
        status: parse_col(
            "reassignments.status",
            &r.try_get::<String, _>(3).map_err(db_err)?,
        )?,
        customers: r.try_get(4).map_err(db_err)?,
        moved: r.try_get(5).map_err(db_err)?,
        requested_by: StaffId(r.try_get(6).map_err(db_err)?),
        requested_at: from_time(&r.try_get::<Time, _>(7).map_err(db_err)?)?,
        approved_by: r.try_get::<Option<i64>, _>(8).map_err(db_err)?.map(StaffId),
        approved_at: r
            .try_get::<Option<Time>, _>(9)
            .map_err(db_err)?
            .map(|t| from_time(&t))
            .transpose()?,
    })
}

async fn preview_in(tx: &mut Tx<'_>, from: StaffId) -> StoreResult<ReassignmentPreview> {
    let (customers, primary): (i64, i64) = sqlx::query_as(
        "SELECT count(DISTINCT party_id), coalesce(sum(CASE WHEN is_primary THEN 1 ELSE 0 END), 0) FROM rm_assignments \
         WHERE staff_id = $1 AND effective_to IS NULL",
    )
    .bind(from.0)
    .fetch_one(&mut **tx)
    .await
    .map_err(db_err)?;
    Ok(ReassignmentPreview {
        customers,
        primary,
        secondary: customers - primary,
    })
}

/// Whether `staff` is within the viewer's staff scope (and, with `enabled_rm`, an enabled
/// relationship manager): the rule is `rapport_store::portfolio`'s, run as it is.
pub(crate) async fn staff_in_scope(
    tx: &mut Tx<'_>,
    viewer: &Viewer,
    staff: StaffId,
    enabled_rm: bool,
) -> StoreResult<bool> {
    let (sql, arg) = staff_in_scope_sql(rapport_store::scope::data_scope(viewer), enabled_rm);
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(staff.0)
        .bind(arg)
        .fetch_one(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(n > 0)
}

/// `to` must be an enabled relationship manager within the viewer's staff scope; `field`
/// names the parameter that chose it.
pub(crate) async fn check_target(
    field: &str,
    tx: &mut Tx<'_>,
    viewer: &Viewer,
    to: StaffId,
) -> StoreResult<()> {
    if staff_in_scope(tx, viewer, to, true).await? {
        Ok(())
    } else {
        Err(not_an_enabled_rm(field, to))
    }
}

/// `from` must be a staff member within the viewer's staff scope; unknown reads the same.
async fn check_source(tx: &mut Tx<'_>, viewer: &Viewer, from: StaffId) -> StoreResult<()> {
    if staff_in_scope(tx, viewer, from, false).await? {
        Ok(())
    } else {
        Err(StoreError::NotFound(format!("staff {}", from.0)))
    }
}

/// Ends every current assignment of `from` and gives `to` the same role for each customer.
async fn apply(tx: &mut Tx<'_>, from: StaffId, to: StaffId, on: NaiveDate) -> StoreResult<i64> {
    let current: Vec<(i64, i64, bool)> = sqlx::query_as(
        "SELECT id, party_id, is_primary FROM rm_assignments \
         WHERE staff_id = $1 AND effective_to IS NULL",
    )
    .bind(from.0)
    .fetch_all(&mut **tx)
    .await
    .map_err(db_err)?;
    for (id, party, primary) in &current {
        end_assignment(tx, *id, on).await?;
        let existing: Option<(i64, bool)> = sqlx::query_as(
            "SELECT id, is_primary FROM rm_assignments \
             WHERE party_id = $1 AND staff_id = $2 AND effective_to IS NULL",
        )
        .bind(party)
        .bind(to.0)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?;
        let insert = match existing {
            None => true,
            // The new RM was the secondary: now the primary.
            Some((existing_id, false)) if *primary => {
                end_assignment(tx, existing_id, on).await?;
                true
            }
            Some(_) => false,
        };
        if insert {
            sqlx::query(
                "INSERT INTO rm_assignments (party_id, staff_id, is_primary, effective_from) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(party)
            .bind(to.0)
            .bind(primary)
            .bind(on)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
        }
    }
    Ok(current.len() as i64)
}

async fn by_id(tx: &mut Tx<'_>, id: i64) -> StoreResult<Option<Reassignment>> {
    let sql = format!("SELECT {COLUMNS} FROM reassignments WHERE id = ?");
    sqlx::query(sqlx::AssertSqlSafe(numbered(&sql)))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(row)
        .transpose()
}

#[async_trait]
impl ReassignmentStore for super::Backend {
    async fn reassignment_preview(
        &self,
        viewer: &Viewer,
        from: StaffId,
    ) -> StoreResult<ReassignmentPreview> {
        rapport_store::scope::operation("reassignment_preview", async {
            let mut tx = begin_write(&self.pool).await?;
            check_source(&mut tx, viewer, from).await?;
            preview_in(&mut tx, from).await
        })
        .await
    }

    async fn request_reassignment(
        &self,
        viewer: &Viewer,
        r: &NewReassignment,
    ) -> StoreResult<Reassignment> {
        rapport_store::scope::operation("request_reassignment", async {
            if r.from == r.to {
                return Err(StoreError::Invalid(
                    "to_staff_id: the same staff member as from_staff_id".into(),
                ));
            }
            let mut tx = begin_write(&self.pool).await?;
            check_source(&mut tx, viewer, r.from).await?;
            check_target("to_staff_id", &mut tx, viewer, r.to).await?;
            let count = preview_in(&mut tx, r.from).await?.customers;
            let waits = r.waits_for_approval(count);
            let moved = if waits {
                0
            } else {
                apply(&mut tx, r.from, r.to, r.effective_on).await?
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO reassignments (from_staff_id, to_staff_id, status, customers, moved, \
                 requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(r.from.0)
            .bind(r.to.0)
            .bind(
                if waits {
                    ReassignmentStatus::Pending
                } else {
                    ReassignmentStatus::Applied
                }
                .as_str(),
            )
            .bind(count)
            .bind(moved)
            .bind(r.requested_by.0)
            .bind(time(r.at))
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
            committed(tx, id).await
        })
        .await
    }

    async fn approve_reassignment(
        &self,
        viewer: &Viewer,
        id: i64,
        at: DateTime<Utc>,
        on: NaiveDate,
    ) -> StoreResult<Reassignment> {
        rapport_store::scope::operation("approve_reassignment", async {
            let approver = viewer.staff_id;
            let mut tx = begin_write(&self.pool).await?;
            let Some(r) = by_id(&mut tx, id)
                .await?
                .filter(|r| r.status == ReassignmentStatus::Pending)
            else {
                return Err(StoreError::NotFound(format!("pending reassignment {id}")));
            };
            // Both RMs within the approver's scope, or the move is not theirs to see.
            if !staff_in_scope(&mut tx, viewer, r.from, false).await?
                || !staff_in_scope(&mut tx, viewer, r.to, false).await?
            {
                return Err(StoreError::NotFound(format!("pending reassignment {id}")));
            }
            check_approver(&r, approver)?;
            check_target("to_staff_id", &mut tx, viewer, r.to).await?;
            let moved = apply(&mut tx, r.from, r.to, on).await?;
            sqlx::query(
                "UPDATE reassignments SET status = 'applied', moved = $1, approved_by = $2, \
                 approved_at = $3 WHERE id = $4",
            )
            .bind(moved)
            .bind(approver.0)
            .bind(time(at))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            committed(tx, id).await
        })
        .await
    }

    async fn pending_reassignments(&self, viewer: &Viewer) -> StoreResult<Vec<Reassignment>> {
        rapport_store::scope::operation("pending_reassignments", async {
            let (scope, arg) =
                staff_scope_condition(rapport_store::scope::data_scope(viewer), "s", 1);
            let sql = format!(
                "SELECT {COLUMNS} FROM reassignments WHERE status = 'pending' \
                 AND from_staff_id IN (SELECT s.id FROM staff s WHERE {scope}) \
                 AND to_staff_id IN (SELECT s.id FROM staff s WHERE {scope}) ORDER BY id"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(arg)
                .fetch_rows(&self.pool, row)
                .await
        })
        .await
    }
}

/// Commits a reassignment's transaction and returns the reassignment as written.
async fn committed(mut tx: Tx<'_>, id: i64) -> StoreResult<Reassignment> {
    let out = by_id(&mut tx, id)
        .await?
        .ok_or_else(|| StoreError::Database("reassignment vanished".into()))?;
    tx.commit().await.map_err(db_err)?;
    Ok(out)
}
