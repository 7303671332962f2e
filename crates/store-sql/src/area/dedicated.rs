//! The dedicated-RM rule's reads and writes (R4.1): customers of the given tiers without a
//! primary RM, the RMs' loads, and the primary assignments the rule decided (kept as history
//! like any other, and bumping the RMs' portfolio generation through the triggers).
use async_trait::async_trait;
use chrono::NaiveDate;
use rapport_domain::{BranchId, PartyId, StaffId, Tier};
use rapport_store::{DedicatedRmStore, StoreResult};

use super::db_err;
use super::dialect::{begin_write, numbered};

#[async_trait]
impl DedicatedRmStore for super::Backend {
    async fn unserved_customers(&self, tiers: &[Tier]) -> StoreResult<Vec<(PartyId, BranchId)>> {
        if tiers.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT p.id, p.home_branch_id FROM party_scores s JOIN parties p ON p.id = s.party_id \
             WHERE s.as_of = (SELECT max(as_of) FROM party_scores) \
             AND s.tier IN ({}) AND p.merged_into IS NULL \
             AND NOT EXISTS (SELECT 1 FROM rm_assignments ra WHERE ra.party_id = p.id \
               AND ra.is_primary AND ra.effective_to IS NULL) \
             ORDER BY p.id",
            crate::placeholders(tiers.len())
        );
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(numbered(&sql)));
        for tier in tiers {
            query = query.bind(tier.as_str());
        }
        let rows: Vec<(i64, i64)> = query.fetch_all(&self.pool).await.map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(|(p, b)| (PartyId(p), BranchId(b)))
            .collect())
    }

    async fn rm_loads(&self) -> StoreResult<Vec<(StaffId, BranchId, i64)>> {
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT s.id, s.branch_id, (SELECT count(*) FROM rm_assignments ra \
               WHERE ra.staff_id = s.id AND ra.is_primary AND ra.effective_to IS NULL) \
             FROM staff s WHERE s.role = 'rm' AND NOT s.disabled AND s.branch_id IS NOT NULL \
             ORDER BY s.id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(|(s, b, n)| (StaffId(s), BranchId(b), n))
            .collect())
    }

    async fn assign_primary_rms(
        &self,
        assignments: &[(PartyId, StaffId)],
        on: NaiveDate,
    ) -> StoreResult<u64> {
        let mut tx = begin_write(&self.pool).await?;
        let mut made = 0;
        for (party, rm) in assignments {
            made += sqlx::query(
                "INSERT INTO rm_assignments (party_id, staff_id, is_primary, effective_from) \
                 SELECT $1, $2, TRUE, $3 WHERE NOT EXISTS (SELECT 1 FROM rm_assignments \
                   WHERE party_id = $1 AND is_primary AND effective_to IS NULL) \
                 AND EXISTS (SELECT 1 FROM staff WHERE id = $2 AND role = 'rm' AND NOT disabled)",
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
}
