//! Assigning RMs to a customer by hand (R4.1): a primary RM replaces the current one, secondary
//! RMs are added and ended; every change ends an assignment and starts another, never deletes.
use async_trait::async_trait;
use chrono::NaiveDate;
use rapport_domain::{PartyId, StaffId, Viewer};
use rapport_store::portfolio::RmAssignment;
use rapport_store::{AssignedRm, RmAssignmentStore, StoreError, StoreResult};

use super::customers::rms_in_force;
use super::db_err;
use super::dialect::{FOR_UPDATE, Tx, begin_write};
use super::portfolio::check_target;
use super::scoped::party_in_scope;

/// Makes `rm` the party's primary RM from `on`, ending the current primary (and `rm`'s own
/// secondary assignment, which the primary one replaces).
pub(crate) async fn make_primary(
    tx: &mut Tx<'_>,
    party: PartyId,
    rm: StaffId,
    on: chrono::NaiveDate,
) -> StoreResult<()> {
    let current: Vec<(i64, i64, bool)> = sqlx::query_as(
        "SELECT id, staff_id, is_primary FROM rm_assignments \
         WHERE party_id = $1 AND effective_to IS NULL AND (is_primary OR staff_id = $2)",
    )
    .bind(party.0)
    .bind(rm.0)
    .fetch_all(&mut **tx)
    .await
    .map_err(db_err)?;
    if current
        .iter()
        .any(|(_, staff, primary)| *primary && *staff == rm.0)
    {
        return Ok(());
    }
    for (id, _, _) in &current {
        end_assignment(tx, *id, on).await?;
    }
    sqlx::query(
        "INSERT INTO rm_assignments (party_id, staff_id, is_primary, effective_from) \
         VALUES ($1, $2, TRUE, $3)",
    )
    .bind(party.0)
    .bind(rm.0)
    .bind(on)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

#[async_trait]
impl RmAssignmentStore for super::Backend {
    async fn assign_rm(
        &self,
        viewer: &Viewer,
        a: &RmAssignment,
    ) -> StoreResult<Option<Vec<AssignedRm>>> {
        rapport_store::scope::operation("assign_rm", async {
            if !party_in_scope(&self.pool, viewer, a.party).await? {
                return Ok(None);
            }
            let mut tx = begin_write(&self.pool).await?;
            check_target("staff_id", &mut tx, viewer, a.staff).await?;
            if a.primary {
                make_primary(&mut tx, a.party, a.staff, a.on).await?;
            } else {
                let current: Option<bool> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT is_primary FROM rm_assignments WHERE party_id = $1 AND staff_id = $2 \
                     AND effective_to IS NULL{FOR_UPDATE}"
                )))
                .bind(a.party.0)
                .bind(a.staff.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
                match current {
                    Some(true) => {
                        return Err(StoreError::Invalid(format!(
                            "staff_id: staff {} is the customer's primary RM",
                            a.staff.0
                        )));
                    }
                    Some(false) => {}
                    None => {
                        sqlx::query(
                            "INSERT INTO rm_assignments (party_id, staff_id, is_primary, effective_from) \
                             VALUES ($1, $2, FALSE, $3)",
                        )
                        .bind(a.party.0)
                        .bind(a.staff.0)
                        .bind(a.on)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    }
                }
            }
            tx.commit().await.map_err(db_err)?;
            rms_in_force(&self.pool, a.party, None).await.map(Some)
        })
        .await
    }

    async fn end_secondary_rm(
        &self,
        viewer: &Viewer,
        party: PartyId,
        staff: StaffId,
        on: chrono::NaiveDate,
    ) -> StoreResult<Option<Vec<AssignedRm>>> {
        rapport_store::scope::operation("end_secondary_rm", async {
            if !party_in_scope(&self.pool, viewer, party).await? {
                return Ok(None);
            }
            let mut tx = begin_write(&self.pool).await?;
            let current: Option<(i64, bool)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT id, is_primary FROM rm_assignments WHERE party_id = $1 AND staff_id = $2 \
                 AND effective_to IS NULL{FOR_UPDATE}"
            )))
            .bind(party.0)
            .bind(staff.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
            match current {
                None => {
                    return Err(StoreError::NotFound(format!(
                        "staff {} does not serve this customer",
                        staff.0
                    )));
                }
                Some((_, true)) => {
                    return Err(StoreError::Invalid(format!(
                        "staff_id: staff {} is the primary RM; assign another primary RM instead",
                        staff.0
                    )));
                }
                Some((id, false)) => {
                    end_assignment(&mut tx, id, on).await?;
                }
            }
            tx.commit().await.map_err(db_err)?;
            rms_in_force(&self.pool, party, None).await.map(Some)
        })
        .await
    }
}

/// Ends assignment `id` on `on` (it stays in the history).
pub(crate) async fn end_assignment(tx: &mut Tx<'_>, id: i64, on: NaiveDate) -> StoreResult<()> {
    sqlx::query("UPDATE rm_assignments SET effective_to = $1 WHERE id = $2")
        .bind(on)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(())
}
