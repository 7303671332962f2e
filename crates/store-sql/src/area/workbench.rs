//! The RM workbench's portfolio summary, cached per RM (issue 6), and the names of the
//! customers it lists. A summary is current while the latest scoring run (finished) and the
//! RM's assignment generation are those it was computed from; migration 0015's triggers bump
//! the generation on every change to the RM's assignments.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rapport_domain::{DataScope, PartyId, StaffId, Viewer};
use rapport_store::scores::{PortfolioCache, PortfolioMark};
use rapport_store::{StoreResult, WorkbenchStore};

use super::db_err;
use super::dialect::{numbered, time};
use super::scoped::scope_condition;

/// The RM whose own portfolio the viewer sees, if that is the viewer's scope.
fn own_portfolio(viewer: &Viewer) -> Option<StaffId> {
    match rapport_store::scope::data_scope(viewer) {
        DataScope::Portfolio(staff) if staff == viewer.staff_id => Some(staff),
        _ => None,
    }
}

type CacheRow = (
    i64,
    Option<i64>,
    Option<bool>,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

#[async_trait]
impl WorkbenchStore for super::Backend {
    async fn portfolio_cache(&self, viewer: &Viewer) -> StoreResult<PortfolioCache> {
        rapport_store::scope::operation("portfolio_cache", async {
            let Some(staff) = own_portfolio(viewer) else {
                return Ok(PortfolioCache::default());
            };
            let row: Option<CacheRow> = sqlx::query_as(
                "SELECT s.portfolio_generation, \
                   (SELECT r.id FROM score_runs r ORDER BY r.id DESC LIMIT 1), \
                   (SELECT r.finished_at IS NOT NULL FROM score_runs r ORDER BY r.id DESC LIMIT 1), \
                   c.score_run_id, c.generation, c.summary_json \
                 FROM staff s LEFT JOIN portfolio_summaries c ON c.staff_id = s.id WHERE s.id = $1",
            )
            .bind(staff.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
            Ok(row.map(cache_from_row).unwrap_or_default())
        })
        .await
    }

    async fn save_portfolio_cache(
        &self,
        viewer: &Viewer,
        mark: &PortfolioMark,
        summary_json: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        rapport_store::scope::operation("save_portfolio_cache", async {
            let Some(staff) = own_portfolio(viewer) else {
                return Ok(());
            };
            sqlx::query(
                "INSERT INTO portfolio_summaries (staff_id, score_run_id, generation, computed_at, \
                 summary_json) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (staff_id) DO UPDATE SET \
                 score_run_id = excluded.score_run_id, generation = excluded.generation, \
                 computed_at = excluded.computed_at, summary_json = excluded.summary_json",
            )
            .bind(staff.0)
            .bind(mark.score_run_id)
            .bind(mark.generation)
            .bind(time(at))
            .bind(summary_json)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
            Ok(())
        })
        .await
    }

    async fn party_names(
        &self,
        viewer: &Viewer,
        parties: &[PartyId],
    ) -> StoreResult<Vec<(PartyId, String)>> {
        rapport_store::scope::operation("party_names", async {
            if parties.is_empty() {
                return Ok(Vec::new());
            }
            let (scope, arg) = scope_condition(rapport_store::scope::data_scope(viewer), "p");
            let sql = format!(
                "SELECT p.id, p.name FROM parties p WHERE p.id IN ({}) AND {scope}",
                crate::placeholders(parties.len())
            );
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(numbered(&sql)));
            for p in parties {
                query = query.bind(p.0);
            }
            let rows: Vec<(i64, String)> = query
                .bind(arg)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
            Ok(rows
                .into_iter()
                .map(|(id, name)| (PartyId(id), name))
                .collect())
        })
        .await
    }
}

fn cache_from_row(row: CacheRow) -> PortfolioCache {
    let (generation, run, finished, cached_run, cached_generation, json) = row;
    let mark = match (run, finished) {
        (Some(score_run_id), Some(true)) => Some(PortfolioMark {
            score_run_id,
            generation,
        }),
        _ => None,
    };
    let current = mark.is_some_and(|m| {
        cached_run == Some(m.score_run_id) && cached_generation == Some(m.generation)
    });
    PortfolioCache {
        mark,
        summary_json: json.filter(|_| current),
    }
}
