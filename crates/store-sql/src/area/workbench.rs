//! The RM workbench's portfolio overview, kept per RM (issue 6), and the names of the
//! customers it lists. A kept overview is current while the latest scoring run (finished), the
//! RM's assignment generation and the shape asked for are those it was computed from;
//! migration 0015's triggers bump the generation on every change to the RM's assignments.
//! The overview is kept only for a caller whose scope is their own portfolio, so a kept one
//! was computed under the very scope that reads it.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rapport_domain::{DataScope, PartyId, StaffId, Viewer};
use rapport_store::scores::PortfolioOverview;
use rapport_store::{StoreResult, WorkbenchStore};
use serde_json::{Value, json};

use super::db_err;
use super::dialect::{Pool, from_time, numbered, time};
use super::scoped::scope_condition;
use super::scores::live_overview;

/// The RM whose own portfolio the viewer sees, if that is the viewer's scope.
fn own_portfolio(viewer: &Viewer) -> Option<StaffId> {
    match rapport_store::scope::data_scope(viewer) {
        DataScope::Portfolio(staff) if staff == viewer.staff_id => Some(staff),
        _ => None,
    }
}

/// What an overview computed now is kept under: the latest scoring run, finished, and the
/// generation of the RM's assignments. `None` while a run is under way or before the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mark {
    score_run_id: i64,
    generation: i64,
}

#[async_trait]
impl WorkbenchStore for super::Backend {
    async fn portfolio_overview(
        &self,
        viewer: &Viewer,
        months: i64,
        top: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<PortfolioOverview> {
        rapport_store::scope::operation("portfolio_overview", async {
            let Some(staff) = own_portfolio(viewer) else {
                return live_overview(&self.pool, viewer, months, top, now).await;
            };
            let (mark, kept) = kept_overview(&self.pool, staff).await?;
            let shape = json!({"months": months, "top": top});
            if let Some((overview, computed_at)) = kept.and_then(|k| k.current(mark, &shape)) {
                return Ok(PortfolioOverview {
                    computed_at,
                    ..overview
                });
            }
            let overview = live_overview(&self.pool, viewer, months, top, now).await?;
            if let Some(mark) = mark {
                keep_overview(&self.pool, staff, mark, &shape, &overview).await?;
            }
            Ok(overview)
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

/// An overview as kept, with what it was computed from.
struct Kept {
    mark: Mark,
    computed_at: DateTime<Utc>,
    json: String,
}

impl Kept {
    /// The kept overview if it was computed from `mark` for `shape` (one kept by an older
    /// release, which no longer parses, is recomputed like a stale one).
    fn current(self, mark: Option<Mark>, shape: &Value) -> Option<(PortfolioOverview, DateTime<Utc>)> {
        if mark != Some(self.mark) {
            return None;
        }
        let mut kept: Value = serde_json::from_str(&self.json).ok()?;
        if kept.get("shape") != Some(shape) {
            return None;
        }
        let overview = serde_json::from_value(kept.get_mut("overview")?.take()).ok()?;
        Some((overview, self.computed_at))
    }
}

type MarkRow = (
    i64,
    Option<i64>,
    Option<bool>,
    Option<i64>,
    Option<i64>,
    Option<super::dialect::Time>,
    Option<String>,
);

/// The mark an overview computed now would carry, and the RM's kept overview, if any.
async fn kept_overview(pool: &Pool, staff: StaffId) -> StoreResult<(Option<Mark>, Option<Kept>)> {
    let row: Option<MarkRow> = sqlx::query_as(
        "SELECT s.portfolio_generation, \
           (SELECT r.id FROM score_runs r ORDER BY r.id DESC LIMIT 1), \
           (SELECT r.finished_at IS NOT NULL FROM score_runs r ORDER BY r.id DESC LIMIT 1), \
           c.score_run_id, c.generation, c.computed_at, c.summary_json \
         FROM staff s LEFT JOIN portfolio_summaries c ON c.staff_id = s.id WHERE s.id = $1",
    )
    .bind(staff.0)
    .fetch_optional(pool)
    .await
    .map_err(db_err)?;
    let Some((generation, run, finished, kept_run, kept_generation, computed_at, json)) = row else {
        return Ok((None, None));
    };
    let mark = match (run, finished) {
        (Some(score_run_id), Some(true)) => Some(Mark {
            score_run_id,
            generation,
        }),
        _ => None,
    };
    let kept = match (kept_run, kept_generation, computed_at, json) {
        (Some(score_run_id), Some(generation), Some(at), Some(json)) => Some(Kept {
            mark: Mark {
                score_run_id,
                generation,
            },
            computed_at: from_time(&at)?,
            json,
        }),
        _ => None,
    };
    Ok((mark, kept))
}

/// Keeps the RM's overview, computed from `mark` for `shape`, replacing the one before.
async fn keep_overview(
    pool: &Pool,
    staff: StaffId,
    mark: Mark,
    shape: &Value,
    overview: &PortfolioOverview,
) -> StoreResult<()> {
    let json = json!({"shape": shape, "overview": overview}).to_string();
    sqlx::query(
        "INSERT INTO portfolio_summaries (staff_id, score_run_id, generation, computed_at, \
         summary_json) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (staff_id) DO UPDATE SET \
         score_run_id = excluded.score_run_id, generation = excluded.generation, \
         computed_at = excluded.computed_at, summary_json = excluded.summary_json",
    )
    .bind(staff.0)
    .bind(mark.score_run_id)
    .bind(mark.generation)
    .bind(time(overview.computed_at))
    .bind(json)
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(())
}
