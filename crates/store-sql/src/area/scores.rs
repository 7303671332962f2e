//! Scores, alerts and tier-change proposals (issue 5). Reads of customers' scores carry the
//! viewer's scope (`customers::scope_condition`); the dimension and previous-tier reads are for
//! the scoring batch job only.
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::{BranchId, ClvClass, PartyId, PartyKind, StaffId, Tier, Viewer};
use rapport_store::scores::{
    AccountDimRow, AlertRow, NewAlert, NewScoreRun, ParetoCurve, ParetoMeasure, PartyDimRow,
    PartyScoreRow, PortfolioCustomer, PortfolioOverview, ScoreBatch, ScoreDashboard, ScoreRun,
    ScoreRunEnd, cumulative_shares,
};
use rapport_store::work::{reason_of_column, reason_to_column};
use rapport_store::{AssignedRm, ScoreStore, StoreResult};
use sqlx::Row;

use super::coded::coded;
use super::customers;
use super::dialect::{DbRow, Pool, Time, Tx, begin_write, from_time, numbered, time};
use super::pages::ReadRows;
use super::scoped::{customer_rows, party_in_scope, scope_condition};
use super::{db_err, parse_col};

const SCORE_COLUMNS: &str = "s.party_id, s.as_of, s.model_version, s.value_score, s.tier, \
    s.lifecycle, s.churn_risk, s.clv_minor, s.p_alive, s.clv_class, s.rfm_segment, \
    s.credit_rating, s.profit_minor, s.aum_minor, s.detail_json";

/// The branch-subtree filter on `p` (one placeholder), or nothing.
fn branch_filter(branch: Option<BranchId>) -> (&'static str, i64) {
    match branch {
        Some(BranchId(b)) => (
            " AND p.home_branch_id IN (SELECT sb.id FROM branches sb WHERE sb.path LIKE \
             (SELECT bp.path FROM branches bp WHERE bp.id = ?) || '%')",
            b,
        ),
        None => (" AND 1 = ?", 1),
    }
}

#[async_trait]
impl ScoreStore for super::Backend {
    async fn scoring_dimensions(&self) -> StoreResult<(Vec<AccountDimRow>, Vec<PartyDimRow>)> {
        let accounts = sqlx::query(
            "SELECT a.account_number, a.party_id, a.family, a.opened_on, a.matures_on, a.status, \
             a.balance_minor, a.closed_on FROM accounts a JOIN parties p ON p.id = a.party_id \
             WHERE p.merged_into IS NULL",
        )
        .fetch_rows(&self.pool, |r| {
            Ok(AccountDimRow {
                account_key: r.try_get(0).map_err(db_err)?,
                party_id: PartyId(r.try_get(1).map_err(db_err)?),
                family: r.try_get(2).map_err(db_err)?,
                opened_on: r.try_get(3).map_err(db_err)?,
                matures_on: r.try_get(4).map_err(db_err)?,
                status: r.try_get(5).map_err(db_err)?,
                balance_minor: r.try_get(6).map_err(db_err)?,
                closed_on: r.try_get(7).map_err(db_err)?,
            })
        })
        .await?;
        let parties = sqlx::query(
            "SELECT id, home_branch_id, kind, onboarded_on FROM parties WHERE merged_into IS NULL",
        )
        .fetch_rows(&self.pool, |r| {
            let kind: String = r.try_get(2).map_err(db_err)?;
            Ok(PartyDimRow {
                party_id: PartyId(r.try_get(0).map_err(db_err)?),
                branch_id: r
                    .try_get::<Option<i64>, _>(1)
                    .map_err(db_err)?
                    .map(BranchId),
                is_organisation: parse_col::<PartyKind>("parties.kind", &kind)?
                    == PartyKind::Organisation,
                onboarded_on: r.try_get(3).map_err(db_err)?,
            })
        })
        .await?;
        Ok((accounts, parties))
    }

    async fn previous_tiers(&self, before: NaiveDate) -> StoreResult<Vec<(PartyId, Tier)>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT s.party_id, s.tier FROM party_scores s JOIN (SELECT party_id, max(as_of) AS as_of \
             FROM party_scores WHERE as_of < $1 GROUP BY party_id) l \
             ON l.party_id = s.party_id AND l.as_of = s.as_of",
        )
        .bind(before)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        (rows.into_iter())
            .map(|(p, t)| Ok((PartyId(p), parse_col("party_scores.tier", &t)?)))
            .collect()
    }

    async fn begin_score_run(&self, run: &NewScoreRun) -> StoreResult<i64> {
        sqlx::query_scalar(
            "INSERT INTO score_runs (as_of, model_version, started_by, started_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(run.as_of)
        .bind(&run.model_version)
        .bind(&run.started_by)
        .bind(time(run.started_at))
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)
    }

    async fn write_scores(
        &self,
        run_id: i64,
        batch: &ScoreBatch,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = begin_write(&self.pool).await?;
        for s in &batch.scores {
            sqlx::query(
                "INSERT INTO party_scores (party_id, as_of, run_id, model_version, value_score, tier, \
                 lifecycle, churn_risk, clv_minor, p_alive, clv_class, rfm_segment, credit_rating, \
                 profit_minor, aum_minor, detail_json) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
                 ON CONFLICT (party_id, as_of) DO UPDATE SET run_id = excluded.run_id, \
                 model_version = excluded.model_version, value_score = excluded.value_score, \
                 tier = excluded.tier, lifecycle = excluded.lifecycle, \
                 churn_risk = excluded.churn_risk, clv_minor = excluded.clv_minor, \
                 p_alive = excluded.p_alive, clv_class = excluded.clv_class, \
                 rfm_segment = excluded.rfm_segment, credit_rating = excluded.credit_rating, \
                 profit_minor = excluded.profit_minor, aum_minor = excluded.aum_minor, \
                 detail_json = excluded.detail_json",
            )
            .bind(s.party_id.0)
            .bind(s.as_of)
            .bind(run_id)
            .bind(&s.model_version)
            .bind(s.value_score)
            .bind(s.tier.as_str())
            .bind(s.lifecycle.as_str())
            .bind(s.churn_risk)
            .bind(s.clv_minor)
            .bind(s.p_alive)
            .bind(clv_class_column(s.clv_class))
            .bind(s.rfm_segment.as_str())
            .bind(s.credit_rating.as_str())
            .bind(s.profit_minor)
            .bind(s.aum_minor)
            .bind(&s.detail_json)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        for a in &batch.alerts {
            insert_alert(&mut tx, a, at).await?;
        }
        for t in &batch.tier_changes {
            sqlx::query(
                "INSERT INTO tier_change_proposals (party_id, as_of, from_tier, to_tier, \
                 propose_dedicated_rm, rule, status, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'proposed', $7) \
                 ON CONFLICT (party_id, as_of) DO UPDATE SET from_tier = excluded.from_tier, \
                 to_tier = excluded.to_tier, propose_dedicated_rm = excluded.propose_dedicated_rm, \
                 rule = excluded.rule",
            )
            .bind(t.party_id.0)
            .bind(t.as_of)
            .bind(t.from_tier.map(Tier::as_str))
            .bind(t.to_tier.as_str())
            .bind(t.propose_dedicated_rm)
            .bind(&t.rule)
            .bind(time(at))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }

    async fn finish_score_run(&self, run_id: i64, end: &ScoreRunEnd) -> StoreResult<()> {
        sqlx::query(
            "UPDATE score_runs SET finished_at = $1, parties = $2, churn_auc = $3, stages_json = $4, \
             churn_validation = $5 WHERE id = $6",
        )
        .bind(time(end.finished_at))
        .bind(end.parties)
        .bind(end.churn_auc)
        .bind(&end.stages_json)
        .bind(end.churn_validation_json.as_deref())
        .bind(run_id)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn score_runs(&self, limit: i64) -> StoreResult<Vec<ScoreRun>> {
        sqlx::query(
            "SELECT id, as_of, model_version, started_by, started_at, finished_at, parties, \
             churn_auc, stages_json, churn_validation FROM score_runs ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_rows(&self.pool, |r| {
            Ok(ScoreRun {
                id: r.try_get(0).map_err(db_err)?,
                as_of: r.try_get(1).map_err(db_err)?,
                model_version: r.try_get(2).map_err(db_err)?,
                started_by: r.try_get(3).map_err(db_err)?,
                started_at: from_time(&r.try_get::<Time, _>(4).map_err(db_err)?)?,
                finished_at: r
                    .try_get::<Option<Time>, _>(5)
                    .map_err(db_err)?
                    .map(|t| from_time(&t))
                    .transpose()?,
                parties: r.try_get(6).map_err(db_err)?,
                churn_auc: r.try_get(7).map_err(db_err)?,
                stages_json: r.try_get(8).map_err(db_err)?,
                churn_validation_json: r.try_get(9).map_err(db_err)?,
            })
        })
        .await
    }

    async fn rms_on(
        &self,
        customer: &rapport_store::scope::InScope,
        date: NaiveDate,
    ) -> StoreResult<Option<Vec<AssignedRm>>> {
        let (viewer, party) = (customer.viewer(), customer.party());
        if !party_in_scope(&self.pool, viewer, party).await? {
            return Ok(None);
        }
        customers::rms_in_force(&self.pool, party, Some(date))
            .await
            .map(Some)
    }

    async fn party_scores(
        &self,
        customer: &rapport_store::scope::InScope,
        limit: i64,
    ) -> StoreResult<Option<Vec<PartyScoreRow>>> {
        let sql = format!(
            "SELECT {SCORE_COLUMNS} FROM party_scores s WHERE s.party_id = ? \
             ORDER BY s.as_of DESC LIMIT ?"
        );
        customer_rows(&self.pool, customer, &sql, 1, Some(limit), score_row).await
    }

    async fn party_alerts(
        &self,
        customer: &rapport_store::scope::InScope,
        limit: i64,
    ) -> StoreResult<Option<Vec<AlertRow>>> {
        let sql = "SELECT id, party_id, kind, severity, reason, as_of, created_at, staff_id, \
                   status, reason_detail \
                   FROM alerts WHERE party_id = ? ORDER BY created_at DESC, id DESC LIMIT ?";
        customer_rows(&self.pool, customer, sql, 1, Some(limit), alert_row).await
    }

    async fn score_dashboard(
        &self,
        viewer: &Viewer,
        branch: Option<BranchId>,
    ) -> StoreResult<ScoreDashboard> {
        rapport_store::scope::operation("score_dashboard", async {
            let (from, a, b) = scoped_latest(viewer, branch);
            let mut d = ScoreDashboard {
                as_of: latest_as_of(&self.pool).await?,
                tiers: tier_sums(&self.pool, &from, (a, b)).await?,
                ..ScoreDashboard::default()
            };
            d.customers = d.tiers.iter().map(|t| t.1).sum();
            for r in grouped(
                &self.pool,
                "s.lifecycle, count(*)",
                &from,
                "GROUP BY s.lifecycle",
                (a, b),
            )
            .await?
            {
                d.lifecycle.push((
                    coded(&r, 0, "party_scores.lifecycle")?,
                    r.try_get(1).map_err(db_err)?,
                ));
            }
            for r in grouped(
                &self.pool,
                "s.clv_class, count(*)",
                &from,
                "GROUP BY s.clv_class",
                (a, b),
            )
            .await?
            {
                d.clv_classes.push((clv_class_of(&r, 0)?, r.try_get(1).map_err(db_err)?));
            }
            d.churn_deciles = vec![0; 10];
            for r in grouped(
                &self.pool,
                // Thresholds, not a cast: a float cast to an integer truncates in SQLite and rounds in
                // PostgreSQL. A run without a model leaves the risk NULL: no decile. BIGINT on both.
                "CAST(CASE WHEN s.churn_risk IS NULL THEN NULL WHEN s.churn_risk >= 0.9 THEN 9 \
                 WHEN s.churn_risk >= 0.8 THEN 8 WHEN s.churn_risk >= 0.7 THEN 7 \
                 WHEN s.churn_risk >= 0.6 THEN 6 WHEN s.churn_risk >= 0.5 THEN 5 \
                 WHEN s.churn_risk >= 0.4 THEN 4 WHEN s.churn_risk >= 0.3 THEN 3 \
                 WHEN s.churn_risk >= 0.2 THEN 2 WHEN s.churn_risk >= 0.1 THEN 1 ELSE 0 END AS BIGINT), \
                 count(*)",
                &from,
                "GROUP BY 1",
                (a, b),
            )
            .await?
            {
                // A run without a churn model leaves the risk empty: no decile.
                let decile: Option<i64> = r.try_get(0).map_err(db_err)?;
                if let Some(slot) = decile.and_then(|k| d.churn_deciles.get_mut(k.clamp(0, 9) as usize)) {
                    *slot += r.try_get::<i64, _>(1).map_err(db_err)?;
                }
            }
            for r in grouped(
                &self.pool,
                "br.id, br.code, br.name_zh, br.name_en, count(*), CAST(coalesce(sum(s.aum_minor), 0) AS BIGINT), \
                 CAST(coalesce(sum(s.profit_minor), 0) AS BIGINT)",
                &from.replacen(
                    "JOIN parties p ON p.id = s.party_id",
                    "JOIN parties p ON p.id = s.party_id JOIN branches br ON br.id = p.home_branch_id",
                    1,
                ),
                "GROUP BY br.id, br.code, br.name_zh, br.name_en ORDER BY 6 DESC LIMIT 200",
                (a, b),
            )
            .await?
            {
                d.branches.push((
                    r.try_get(0).map_err(db_err)?,
                    r.try_get(1).map_err(db_err)?,
                    r.try_get(2).map_err(db_err)?,
                    r.try_get(3).map_err(db_err)?,
                    r.try_get(4).map_err(db_err)?,
                    r.try_get(5).map_err(db_err)?,
                    r.try_get(6).map_err(db_err)?,
                ));
            }
            Ok(d)
        })
        .await
    }

    async fn pareto(
        &self,
        viewer: &Viewer,
        measure: ParetoMeasure,
        branch: Option<BranchId>,
        segment: Option<&str>,
    ) -> StoreResult<ParetoCurve> {
        rapport_store::scope::operation("pareto", async {
            let (from, a, b) = scoped_latest(viewer, branch);
            let column = measure.column();
            // Customers ranked by the measure, cut into 100 buckets of (nearly) equal size.
            let sql = format!(
                "WITH ranked AS (SELECT s.{column} AS v, \
                   row_number() OVER (ORDER BY s.{column} DESC, s.party_id) AS rn, \
                   count(*) OVER () AS n {from} AND (CAST(? AS TEXT) IS NULL OR s.rfm_segment = ? OR s.tier = ?)) \
                 SELECT (rn - 1) * 100 / n AS bucket, CAST(sum(v) AS BIGINT), max(n) FROM ranked GROUP BY bucket \
                 ORDER BY bucket"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(numbered(&sql)))
                .bind(a)
                .bind(b)
                .bind(segment)
                .bind(segment)
                .bind(segment)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
            let mut buckets = vec![0i64; 100];
            let mut customers = 0;
            for r in rows {
                let k: i64 = r.try_get(0).map_err(db_err)?;
                if let Some(slot) = buckets.get_mut(k.clamp(0, 99) as usize) {
                    *slot += r.try_get::<i64, _>(1).map_err(db_err)?;
                }
                customers = r.try_get(2).map_err(db_err)?;
            }
            let as_of: Option<NaiveDate> = sqlx::query_scalar("SELECT max(as_of) FROM party_scores")
                .fetch_one(&self.pool)
                .await
                .map_err(db_err)?;
            Ok(ParetoCurve {
                as_of,
                customers,
                total_minor: buckets.iter().map(|v| (*v).max(0)).sum(),
                points: if customers == 0 {
                    Vec::new()
                } else {
                    cumulative_shares(&buckets)
                },
            })
        })
        .await
    }
}

/// What `party_scores.clv_class` holds for a party without a CLV.
const NO_CLV_CLASS: &str = "unknown";

fn clv_class_column(class: Option<ClvClass>) -> &'static str {
    class.map_or(NO_CLV_CLASS, ClvClass::as_str)
}

fn clv_class_of(r: &DbRow, index: usize) -> StoreResult<Option<ClvClass>> {
    let text: String = r.try_get(index).map_err(db_err)?;
    if text == NO_CLV_CLASS {
        return Ok(None);
    }
    parse_col("party_scores.clv_class", &text).map(Some)
}

fn score_row(r: &DbRow) -> StoreResult<PartyScoreRow> {
    Ok(PartyScoreRow {
        party_id: PartyId(r.try_get(0).map_err(db_err)?),
        as_of: r.try_get(1).map_err(db_err)?,
        model_version: r.try_get(2).map_err(db_err)?,
        value_score: r.try_get(3).map_err(db_err)?,
        tier: coded(r, 4, "party_scores.tier")?,
        lifecycle: coded(r, 5, "party_scores.lifecycle")?,
        churn_risk: r.try_get(6).map_err(db_err)?,
        clv_minor: r.try_get(7).map_err(db_err)?,
        p_alive: r.try_get(8).map_err(db_err)?,
        clv_class: clv_class_of(r, 9)?,
        rfm_segment: coded(r, 10, "party_scores.rfm_segment")?,
        credit_rating: coded(r, 11, "party_scores.credit_rating")?,
        profit_minor: r.try_get(12).map_err(db_err)?,
        aum_minor: r.try_get(13).map_err(db_err)?,
        detail_json: r.try_get(14).map_err(db_err)?,
    })
}

/// Whether the party is in the viewer's scope.
/// `FROM party_scores s JOIN parties p … WHERE <latest as-of> AND <scope> AND <branch>` with
/// its two bound values.
fn scoped_latest(viewer: &Viewer, branch: Option<BranchId>) -> (String, i64, i64) {
    let (scope, scope_arg) = scope_condition(rapport_store::scope::data_scope(viewer), "p");
    let (branch_sql, branch_arg) = branch_filter(branch);
    (
        format!(
            "FROM party_scores s JOIN parties p ON p.id = s.party_id \
             WHERE s.as_of = (SELECT max(as_of) FROM party_scores) AND {scope}{branch_sql}"
        ),
        scope_arg,
        branch_arg,
    )
}

async fn grouped(
    pool: &Pool,
    select: &str,
    from: &str,
    group: &str,
    args: (i64, i64),
) -> StoreResult<Vec<DbRow>> {
    let sql = format!("SELECT {select} {from} {group}");
    sqlx::query(sqlx::AssertSqlSafe(numbered(&sql)))
        .bind(args.0)
        .bind(args.1)
        .fetch_all(pool)
        .await
        .map_err(db_err)
}

async fn latest_as_of(pool: &Pool) -> StoreResult<Option<NaiveDate>> {
    sqlx::query_scalar("SELECT max(as_of) FROM party_scores")
        .fetch_one(pool)
        .await
        .map_err(db_err)
}

/// (tier, customers, AUM minor units) of the latest scores `from` selects, most AUM first.
async fn tier_sums(
    pool: &Pool,
    from: &str,
    args: (i64, i64),
) -> StoreResult<Vec<(Tier, i64, i64)>> {
    grouped(
        pool,
        "s.tier, count(*), CAST(coalesce(sum(s.aum_minor), 0) AS BIGINT)",
        from,
        "GROUP BY s.tier ORDER BY 3 DESC",
        args,
    )
    .await?
    .iter()
    .map(|r| {
        Ok((
            coded(r, 0, "party_scores.tier")?,
            r.try_get(1).map_err(db_err)?,
            r.try_get(2).map_err(db_err)?,
        ))
    })
    .collect()
}

fn portfolio_customer(r: &DbRow) -> StoreResult<PortfolioCustomer> {
    Ok(PortfolioCustomer {
        party_id: PartyId(r.try_get(0).map_err(db_err)?),
        name: r.try_get(1).map_err(db_err)?,
        tier: coded(r, 2, "party_scores.tier")?,
        churn_risk: r.try_get(3).map_err(db_err)?,
        value_score: r.try_get(4).map_err(db_err)?,
        aum_minor: r.try_get(5).map_err(db_err)?,
        detail_json: r.try_get(6).map_err(db_err)?,
    })
}

/// Raises `alert` for the customer's current primary RM unless one with its `dedup_key` exists;
/// true when it was new.
pub(crate) async fn insert_alert(
    tx: &mut Tx<'_>,
    alert: &NewAlert,
    at: DateTime<Utc>,
) -> StoreResult<bool> {
    let inserted = sqlx::query(
        "INSERT INTO alerts (party_id, kind, severity, reason, as_of, created_at, staff_id, \
         status, dedup_key, reason_detail) VALUES ($1, $2, $3, $4, $5, $6, \
         (SELECT ra.staff_id FROM rm_assignments ra WHERE ra.party_id = $7 \
          AND ra.is_primary AND ra.effective_to IS NULL LIMIT 1), 'open', $8, $9) \
         ON CONFLICT (dedup_key) DO NOTHING",
    )
    .bind(alert.party_id.0)
    .bind(alert.kind.as_str())
    .bind(alert.severity.as_str())
    .bind(&alert.reason)
    .bind(alert.as_of)
    .bind(time(at))
    .bind(alert.party_id.0)
    .bind(&alert.dedup_key)
    .bind(reason_to_column(alert.detail.as_ref()))
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    Ok(inserted.rows_affected() > 0)
}

fn alert_row(r: &DbRow) -> StoreResult<AlertRow> {
    Ok(AlertRow {
        id: r.try_get(0).map_err(db_err)?,
        party_id: PartyId(r.try_get(1).map_err(db_err)?),
        kind: parse_col("alerts.kind", &r.try_get::<String, _>(2).map_err(db_err)?)?,
        severity: parse_col(
            "alerts.severity",
            &r.try_get::<String, _>(3).map_err(db_err)?,
        )?,
        reason: r.try_get(4).map_err(db_err)?,
        as_of: r.try_get(5).map_err(db_err)?,
        created_at: from_time(&r.try_get::<Time, _>(6).map_err(db_err)?)?,
        staff_id: r.try_get::<Option<i64>, _>(7).map_err(db_err)?.map(StaffId),
        status: parse_col("alerts.status", &r.try_get::<String, _>(8).map_err(db_err)?)?,
        detail: reason_of_column(r.try_get(9).map_err(db_err)?),
    })
}

/// The viewer's portfolio overview computed now, within their scope (see
/// `WorkbenchStore::portfolio_overview`, which keeps it).
pub(super) async fn live_overview(
    pool: &Pool,
    viewer: &Viewer,
    months: i64,
    top: i64,
    now: DateTime<Utc>,
) -> StoreResult<PortfolioOverview> {
    let (scope, arg) = scope_condition(rapport_store::scope::data_scope(viewer), "p");
    let trend = format!(
        "SELECT m.month, CAST(sum(m.aum_minor) AS BIGINT) FROM party_monthly_aum m \
             JOIN parties p ON p.id = m.party_id WHERE {scope} \
             GROUP BY m.month ORDER BY m.month DESC LIMIT ?"
    );
    let mut aum_trend: Vec<(NaiveDate, i64)> =
        sqlx::query_as(sqlx::AssertSqlSafe(numbered(&trend)))
            .bind(arg)
            .bind(months)
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
    aum_trend.reverse();
    let (from, a, b) = scoped_latest(viewer, None);
    let columns =
        "s.party_id, p.name, s.tier, s.churn_risk, s.value_score, s.aum_minor, s.detail_json";
    let mut lists = Vec::new();
    for order in [
        "AND s.churn_risk IS NOT NULL ORDER BY s.churn_risk DESC, s.party_id",
        "ORDER BY s.value_score DESC, s.party_id",
    ] {
        let sql = format!("SELECT {columns} {from} {order} LIMIT ?");
        let rows = sqlx::query(sqlx::AssertSqlSafe(numbered(&sql)))
            .bind(a)
            .bind(b)
            .bind(top)
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
        lists.push(
            rows.iter()
                .map(portfolio_customer)
                .collect::<StoreResult<Vec<_>>>()?,
        );
    }
    let most_valuable = lists.pop().unwrap_or_default();
    let at_risk = lists.pop().unwrap_or_default();
    Ok(PortfolioOverview {
        as_of: latest_as_of(pool).await?,
        tiers: tier_sums(pool, &from, (a, b)).await?,
        aum_trend,
        at_risk,
        most_valuable,
        computed_at: now,
    })
}
