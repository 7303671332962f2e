//! RM scorecards (R4.5): per RM and period, from the store's own records — assignments,
//! month-end AUM, accounts, tasks, alerts and the latest scores. One statement, the same on
//! both backends (generated from one text).
use async_trait::async_trait;
use chrono::Datelike;
use rapport_domain::{BranchId, StaffId, Viewer};
use rapport_store::portfolio::{RmScorecard, ScorecardPeriod, staff_scope_condition};
use rapport_store::{ScorecardStore, StoreResult};
use sqlx::Row;

use super::db_err;
use super::dialect::DbRow;
use super::pages::ReadRows;

const SCORECARDS: &str = "SELECT s.id, s.display_name, s.branch_id, \
    (SELECT count(*) FROM rm_assignments ra WHERE ra.staff_id = s.id AND ra.is_primary = TRUE \
    AND ra.effective_from <= $2 AND (ra.effective_to IS NULL OR ra.effective_to > $2)), \
    (SELECT coalesce(CAST(sum(m.aum_minor) AS BIGINT), 0) FROM party_monthly_aum m JOIN rm_assignments ra \
    ON ra.party_id = m.party_id AND ra.staff_id = s.id AND ra.is_primary = TRUE \
    AND ra.effective_from <= $2 AND (ra.effective_to IS NULL OR ra.effective_to > $2) \
    WHERE m.month = $3), \
    (SELECT coalesce(CAST(sum(m.aum_minor) AS BIGINT), 0) FROM party_monthly_aum m JOIN rm_assignments ra \
    ON ra.party_id = m.party_id AND ra.staff_id = s.id AND ra.is_primary = TRUE \
    AND ra.effective_from <= $2 AND (ra.effective_to IS NULL OR ra.effective_to > $2) \
    WHERE m.month = $4), \
    (SELECT count(*) FROM rm_assignments ra WHERE ra.staff_id = s.id AND ra.is_primary = TRUE \
    AND ra.effective_from >= $1 AND ra.effective_from <= $2), \
    (SELECT count(*) FROM rm_assignments ra WHERE ra.staff_id = s.id AND ra.is_primary = TRUE \
    AND ra.effective_to >= $1 AND ra.effective_to <= $2), \
    (SELECT count(*) FROM accounts a JOIN rm_assignments ra ON ra.party_id = a.party_id \
    AND ra.staff_id = s.id AND ra.is_primary = TRUE \
    AND ra.effective_from <= $2 AND (ra.effective_to IS NULL OR ra.effective_to > $2) \
    WHERE a.opened_on >= $1 AND a.opened_on <= $2), \
    (SELECT count(*) FROM tasks t WHERE t.owner_staff_id = s.id AND t.due_on >= $1 AND t.due_on <= $2), \
    (SELECT count(*) FROM tasks t WHERE t.owner_staff_id = s.id AND t.due_on >= $1 AND t.due_on <= $2 \
    AND t.status = 'done'), \
    (SELECT count(DISTINCT al.party_id) FROM alerts al WHERE al.staff_id = s.id \
    AND al.kind IN ('churn_risk', 'large_outflow') AND al.as_of >= $1 AND al.as_of <= $2), \
    (SELECT count(DISTINCT al.party_id) FROM alerts al WHERE al.staff_id = s.id \
    AND al.kind IN ('churn_risk', 'large_outflow') AND al.as_of >= $1 AND al.as_of <= $2 \
    AND NOT EXISTS (SELECT 1 FROM party_scores ps WHERE ps.party_id = al.party_id \
    AND ps.as_of = (SELECT max(as_of) FROM party_scores) AND ps.lifecycle = 'churned')) \
    FROM staff s WHERE s.role = 'rm' AND {SCOPE} ORDER BY s.id";

fn card(r: &DbRow) -> StoreResult<RmScorecard> {
    let n = |i: usize| -> StoreResult<i64> { r.try_get(i).map_err(db_err) };
    Ok(RmScorecard {
        staff_id: StaffId(n(0)?),
        display_name: r.try_get(1).map_err(db_err)?,
        branch_id: r
            .try_get::<Option<i64>, _>(2)
            .map_err(db_err)?
            .map(BranchId),
        customers: n(3)?,
        aum_start_minor: n(4)?,
        aum_end_minor: n(5)?,
        gained: n(6)?,
        lost: n(7)?,
        products_sold: n(8)?,
        tasks_due: n(9)?,
        tasks_done: n(10)?,
        at_risk: n(11)?,
        retained: n(12)?,
    })
}

#[async_trait]
impl ScorecardStore for super::Backend {
    async fn rm_scorecards(
        &self,
        viewer: &Viewer,
        period: ScorecardPeriod,
    ) -> StoreResult<Vec<RmScorecard>> {
        rapport_store::scope::operation("rm_scorecards", async {
            // Which RMs the viewer sees: an RM their own card, a branch manager the RMs of the subtree.
            let (scope, arg) =
                staff_scope_condition(rapport_store::scope::data_scope(viewer), "s", 5);
            let sql = SCORECARDS.replace("{SCOPE}", &scope);
            // AUM is kept per month under the month's first day.
            let first_month = period.from.with_day(1).unwrap_or(period.from);
            let last_month = period.to.with_day(1).unwrap_or(period.to);
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(period.from)
                .bind(period.to)
                .bind(first_month)
                .bind(last_month)
                .bind(arg)
                .fetch_rows(&self.pool, card)
                .await
        })
        .await
    }
}
