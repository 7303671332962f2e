//! Deciding the tier change proposals of a scoring run (R3.3, R4.1): a branch manager accepts
//! one — making a dedicated RM the customer's primary RM — or declines it, in one transaction.
use async_trait::async_trait;
use rapport_domain::{PartyId, StaffId, TierProposalStatus, Viewer};
use rapport_store::portfolio::{TierDecision, TierDecisionRequest, TierProposal};
use rapport_store::{Page, PageRequest, StoreError, StoreResult, TierProposalStore};
use sqlx::Row;

use super::assign::make_primary;
use super::coded::{coded, coded_opt};
use super::{db_err, parse_col};
use super::dialect::{DbRow, FOR_UPDATE, Time, Tx, begin_write, from_time, time};
use super::pages::fetch_page;
use super::portfolio::check_target;
use super::scoped::scope_at;

const SELECT: &str = "SELECT t.id, t.party_id, p.name, t.from_tier, t.to_tier, \
    t.propose_dedicated_rm, t.rule, t.as_of, t.status, \
    (SELECT ra.staff_id FROM rm_assignments ra WHERE ra.party_id = t.party_id \
     AND ra.is_primary AND ra.effective_to IS NULL), \
    t.decided_by, t.decided_at, t.assigned_staff_id \
    FROM tier_change_proposals t JOIN parties p ON p.id = t.party_id";

fn row(r: &DbRow) -> StoreResult<TierProposal> {
    Ok(TierProposal {
        id: r.try_get(0).map_err(db_err)?,
        party_id: PartyId(r.try_get(1).map_err(db_err)?),
        party_name: r.try_get(2).map_err(db_err)?,
        from_tier: coded_opt(r, 3, "tier_change_proposals.from_tier")?,
        to_tier: coded(r, 4, "tier_change_proposals.to_tier")?,
        propose_dedicated_rm: r.try_get(5).map_err(db_err)?,
        rule: r.try_get(6).map_err(db_err)?,
        as_of: r.try_get(7).map_err(db_err)?,
        status: parse_col("tier_change_proposals.status", &r.try_get::<String, _>(8).map_err(db_err)?)?,
        primary_rm: r.try_get::<Option<i64>, _>(9).map_err(db_err)?.map(StaffId),
        decided_by: r
            .try_get::<Option<i64>, _>(10)
            .map_err(db_err)?
            .map(StaffId),
        decided_at: r
            .try_get::<Option<Time>, _>(11)
            .map_err(db_err)?
            .map(|t| from_time(&t))
            .transpose()?,
        assigned_rm: r
            .try_get::<Option<i64>, _>(12)
            .map_err(db_err)?
            .map(StaffId),
    })
}

#[async_trait]
impl TierProposalStore for super::Backend {
    async fn tier_proposals(
        &self,
        viewer: &Viewer,
        status: TierProposalStatus,
        page: PageRequest,
    ) -> StoreResult<Page<TierProposal>> {
        rapport_store::scope::operation("tier_proposals", async {
            let (scope, arg) = scope_at(rapport_store::scope::data_scope(viewer), "p", 1);
            let sql = format!(
                "{SELECT} WHERE {scope} AND t.status = $2 ORDER BY t.as_of DESC, t.id DESC LIMIT $3 OFFSET $4"
            );
            let query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(arg).bind(status.as_str());
            fetch_page(query, &self.pool, page, row).await
        })
        .await
    }

    async fn decide_tier_proposal(
        &self,
        viewer: &Viewer,
        d: &TierDecisionRequest,
    ) -> StoreResult<Option<TierProposal>> {
        rapport_store::scope::operation("decide_tier_proposal", async {
            let mut tx = begin_write(&self.pool).await?;
            // Two deciders of one proposal: the second waits here and then sees it decided.
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT id FROM tier_change_proposals WHERE id = $1{FOR_UPDATE}"
            )))
            .bind(d.id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            let Some(proposal) = in_scope(&mut tx, viewer, d.id).await? else {
                return Ok(None);
            };
            if proposal.status != TierProposalStatus::Proposed {
                return Err(StoreError::Conflict(format!(
                    "tier proposal {} was {} already",
                    d.id, proposal.status
                )));
            }
            let (status, assigned) = match d.decision {
                TierDecision::Accept { dedicated_rm } => (TierProposalStatus::Accepted, dedicated_rm),
                TierDecision::Decline => (TierProposalStatus::Declined, None),
            };
            if let Some(rm) = assigned {
                check_target("dedicated_rm_staff_id", &mut tx, viewer, rm).await?;
                make_primary(&mut tx, proposal.party_id, rm, d.effective_on).await?;
            }
            sqlx::query(
                "UPDATE tier_change_proposals SET status = $1, decided_by = $2, decided_at = $3, \
                 assigned_staff_id = $4 WHERE id = $5",
            )
            .bind(status.as_str())
            .bind(d.by.0)
            .bind(time(d.at))
            .bind(assigned.map(|s| s.0))
            .bind(d.id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            // Read back with the decider's scope widened to the proposal itself: accepting may move the
            // customer out of an RM-scoped viewer's portfolio, but the decision is theirs to see.
            let sql = format!("{SELECT} WHERE t.id = $1");
            let out = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(d.id)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)
                .and_then(|r| row(&r))?;
            tx.commit().await.map_err(db_err)?;
            Ok(Some(out))
        })
        .await
    }
}

async fn in_scope(tx: &mut Tx<'_>, viewer: &Viewer, id: i64) -> StoreResult<Option<TierProposal>> {
    let (scope, arg) = scope_at(rapport_store::scope::data_scope(viewer), "p", 1);
    let sql = format!("{SELECT} WHERE {scope} AND t.id = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(arg)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(row)
        .transpose()
}
