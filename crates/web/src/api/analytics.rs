//! `/api/v1/analytics/*`: score distributions and the 80/20 curve of the latest scoring, within
//! the caller's data scope.
use axum::Json;
use rapport_proto::{DashboardDto, ErrorBody, ParetoDto};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{Caller, Errors};
use crate::WebError;
use crate::analytics::{self, parse_branch, parse_measure};
use crate::extract::ApiQuery;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DashboardQuery {
    /// Only this branch and the branches under it (still within the caller's scope).
    branch_id: Option<String>,
}

/// Tier, lifecycle, CLV-class and churn-risk distributions and per-branch figures of the
/// latest scoring, counting only customers in the caller's scope. Audited as a report.
#[utoipa::path(get, path = "/api/v1/analytics/dashboard", tag = "analytics",
    params(DashboardQuery),
    responses(
        (status = 200, body = DashboardDto),
        (status = 400, body = ErrorBody, description = "invalid_parameter (branch_id)"),
        Errors<401>))]
pub async fn dashboard(
    Caller { state, auth }: Caller,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> Result<Json<DashboardDto>, WebError> {
    let branch = parse_branch(q.branch_id.as_deref())?;
    Ok(Json(analytics::dashboard(&state, &auth, branch).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ParetoQuery {
    /// profit (default: estimated annual net interest and fee income) or aum.
    measure: Option<String>,
    /// Only this branch and the branches under it.
    branch_id: Option<String>,
    /// Only one tier (e.g. gold) or RFM segment (e.g. important_value).
    segment: Option<String>,
}

/// The 80/20 analysis (二八定律): customers ranked by profit or AUM, and the cumulative share
/// of the total brought by each top percentile, within the caller's scope. Audited.
#[utoipa::path(get, path = "/api/v1/analytics/pareto", tag = "analytics",
    params(ParetoQuery),
    responses(
        (status = 200, body = ParetoDto),
        (status = 400, body = ErrorBody, description = "invalid_parameter (measure, branch_id, segment)"),
        Errors<401>))]
pub async fn pareto(
    Caller { state, auth }: Caller,
    ApiQuery(q): ApiQuery<ParetoQuery>,
) -> Result<Json<ParetoDto>, WebError> {
    let measure = parse_measure(q.measure.as_deref())?;
    let branch = parse_branch(q.branch_id.as_deref())?;
    let segment = q
        .segment
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    Ok(Json(
        analytics::pareto(&state, &auth, measure, branch, segment).await?,
    ))
}
