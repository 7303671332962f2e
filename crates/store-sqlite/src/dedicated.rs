//! The dedicated-RM rule's reads and writes (R4.1): customers of the given tiers without a
//! primary RM, the RMs' loads, and the primary assignments the rule decided (kept as history
//! like any other, and bumping the RMs' portfolio generation through the triggers).
use chrono::NaiveDate;
use rapport_domain::{BranchId, PartyId, StaffId};
use rapport_store::{StoreError, StoreResult};
use sqlx::SqlitePool;

use crate::db_err;

pub async fn unserved_customers(
    pool: &SqlitePool,
    tiers: &[String],
) -> StoreResult<Vec<(PartyId, BranchId)>> {
    let tiers =
        serde_json::to_string(tiers).map_err(|e| StoreError::Invalid(format!("tiers: {e}")))?;
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT p.id, p.home_branch_id FROM party_scores s JOIN parties p ON p.id = s.party_id \
         WHERE s.as_of = (SELECT max(as_of) FROM party_scores) \
         AND s.tier IN (SELECT value FROM json_each(?)) AND p.merged_into IS NULL \
         AND NOT EXISTS (SELECT 1 FROM rm_assignments ra WHERE ra.party_id = p.id \
           AND ra.is_primary = 1 AND ra.effective_to IS NULL) \
         ORDER BY p.id",
    )
    .bind(tiers)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    Ok(rows
        .into_iter()
        .map(|(p, b)| (PartyId(p), BranchId(b)))
        .collect())
}

pub async fn rm_loads(pool: &SqlitePool) -> StoreResult<Vec<(StaffId, BranchId, i64)>> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT s.id, s.branch_id, (SELECT count(*) FROM rm_assignments ra \
           WHERE ra.staff_id = s.id AND ra.is_primary = 1 AND ra.effective_to IS NULL) \
         FROM staff s WHERE s.role = 'rm' AND s.disabled = 0 AND s.branch_id IS NOT NULL \
         ORDER BY s.id",
    )
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    Ok(rows
        .into_iter()
        .map(|(s, b, n)| (StaffId(s), BranchId(b), n))
        .collect())
}

pub async fn assign_primary_rms(
    pool: &SqlitePool,
    assignments: &[(PartyId, StaffId)],
    on: NaiveDate,
) -> StoreResult<u64> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    let mut made = 0;
    for (party, rm) in assignments {
        made += sqlx::query(
            "INSERT INTO rm_assignments (party_id, staff_id, is_primary, effective_from) \
             SELECT ?1, ?2, 1, ?3 WHERE NOT EXISTS (SELECT 1 FROM rm_assignments \
               WHERE party_id = ?1 AND is_primary = 1 AND effective_to IS NULL) \
             AND EXISTS (SELECT 1 FROM staff WHERE id = ?2 AND role = 'rm' AND disabled = 0)",
        )
        .bind(party.0)
        .bind(rm.0)
        .bind(on)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
    }
    tx.commit().await.map_err(db_err)?;
    Ok(made)
}
