//! Saved segments over the warehouse: the server's [`SegmentEngine`] (check a definition,
//! evaluate it over the latest features table) and `rapport score`'s re-evaluation of every
//! active segment for the as-of date it scored.
use chrono::NaiveDate;
use rapport_domain::PartyId;
use rapport_services::{EvaluationError, SegmentEngine};
use rapport_store::StoreError;
use rapport_warehouse::segments::{SegmentExpr, segment_columns};
use rapport_warehouse::{Warehouse, WarehouseError};

use crate::open::Opened;

/// Segments checked by the warehouse's checker and evaluated by DataFusion over the latest
/// features table (`features/as_of=…`).
pub struct WarehouseSegments {
    warehouse: Warehouse,
}

impl WarehouseSegments {
    pub fn new(warehouse: Warehouse) -> Self {
        Self { warehouse }
    }
}

impl SegmentEngine for WarehouseSegments {
    fn columns(&self) -> Vec<String> {
        segment_columns()
    }

    fn check(&self, text: &str) -> Result<String, String> {
        SegmentExpr::parse(text)
            .map(|e| e.as_sql().to_owned())
            .map_err(|e| e.to_string())
    }

    fn evaluate(&self, canonical: &str) -> Result<Option<(NaiveDate, Vec<i64>)>, EvaluationError> {
        // Checked again: what runs is what the checker accepts.
        let expr = SegmentExpr::parse(canonical)
            .map_err(|e| EvaluationError::Definition(e.to_string()))?;
        let dates = self
            .warehouse
            .feature_dates()
            .map_err(|e| EvaluationError::Warehouse(e.to_string()))?;
        let Some(as_of) = dates.last().copied() else {
            return Ok(None);
        };
        self.warehouse
            .evaluate_segment(as_of, &expr)
            .map(|ids| Some((as_of, ids)))
            .map_err(evaluation_error)
    }
}

/// A failed query is the definition's (the checker accepted it, DataFusion refused to run
/// it); anything else is the warehouse's.
fn evaluation_error(e: WarehouseError) -> EvaluationError {
    match e {
        WarehouseError::Query(m) => EvaluationError::Definition(m),
        other => EvaluationError::Warehouse(other.to_string()),
    }
}

/// Evaluates every active segment over the features of `as_of` and stores its members for
/// that date; one line per segment (its id, name and member count — no customer data). A
/// definition the checker no longer accepts, or that fails when it runs, is reported and
/// skipped; a warehouse that cannot be read fails the run.
pub async fn evaluate_all(
    ctx: &Opened,
    warehouse: &Warehouse,
    as_of: NaiveDate,
) -> anyhow::Result<()> {
    let definitions = ctx.store.segment_definitions().await?;
    if definitions.is_empty() {
        return Ok(());
    }
    for d in definitions {
        let expr = match SegmentExpr::parse(&d.expression) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("  segment {} {:?}: not evaluated: {e}", d.id, d.name);
                continue;
            }
        };
        let w = warehouse.clone();
        let ids = match tokio::task::spawn_blocking(move || w.evaluate_segment(as_of, &expr))
            .await?
            .map_err(evaluation_error)
        {
            Ok(ids) => ids,
            Err(EvaluationError::Definition(m)) => {
                eprintln!("  segment {} {:?}: not evaluated: {m}", d.id, d.name);
                continue;
            }
            Err(EvaluationError::Warehouse(m)) => anyhow::bail!("evaluating segment {}: {m}", d.id),
        };
        let parties: Vec<PartyId> = ids.into_iter().map(PartyId).collect();
        match ctx
            .store
            .replace_segment_members(d.id, as_of, &parties)
            .await
        {
            Ok(()) => {}
            // Deleted since the definitions were read.
            Err(StoreError::NotFound(_)) => continue,
            Err(e) => return Err(e.into()),
        }
        eprintln!(
            "  segment {} {:?}: {} members as of {as_of}",
            d.id,
            d.name,
            parties.len()
        );
    }
    Ok(())
}
