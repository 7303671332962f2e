//! `/api/v1/identity/*`: the data steward's review queue and real-time matching.
use axum::Json;
use rapport_proto::{
    ErrorBody, MatchRequest, MatchResponse, ReviewDecisionRequest, ReviewDto, ReviewPage,
    ReviewSummaryDto,
};
use rapport_store::identity::ReviewStatus;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{BadField, BadId, BadPageQuery, Caller, Errors, NotSteward};
use crate::api::page_request;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::{WebError, identity, matching, present};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReviewListQuery {
    /// pending (default), approved, rejected or superseded.
    status: Option<String>,
    /// Page number, from 1.
    page: Option<u32>,
    /// Rows per page, 1–100 (default 20).
    page_size: Option<u32>,
}

/// The review queue (data stewards only): pairs of source records in the grey zone, most
/// probable first, limited to pairs whose customers are both in the caller's scope.
#[utoipa::path(get, path = "/api/v1/identity/reviews", tag = "identity",
    params(ReviewListQuery),
    responses((status = 200, body = ReviewPage), BadPageQuery, NotSteward, Errors<401>))]
pub async fn list_reviews(
    Caller { state, auth }: Caller,
    ApiQuery(q): ApiQuery<ReviewListQuery>,
) -> Result<Json<ReviewPage>, WebError> {
    let status = parse_status(q.status.as_deref())?;
    let request = page_request(q.page, q.page_size)?;
    let page = identity::list_reviews(&state, &auth, status, request).await?;
    Ok(Json(ReviewPage {
        items: page.items.iter().map(present::review_summary).collect(),
        page: page.page,
        page_size: page.page_size,
        has_more: page.has_more,
    }))
}

pub fn parse_status(s: Option<&str>) -> Result<ReviewStatus, WebError> {
    match s.filter(|s| !s.is_empty()) {
        None => Ok(ReviewStatus::Pending),
        Some(s) => s.parse().map_err(|_| {
            WebError::invalid_parameter(
                "status",
                "status must be pending, approved, rejected or superseded",
            )
        }),
    }
}

/// One review pair (data stewards only): both source records side by side, masked per role,
/// with each field's agreement level and weight. Audited with both customers.
#[utoipa::path(get, path = "/api/v1/identity/reviews/{id}", tag = "identity",
    params(("id" = i64, Path, description = "Review pair id")),
    responses((status = 200, body = ReviewDto), BadId, NotSteward, Errors<401, 404>))]
pub async fn get_review(
    Caller { state, auth }: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ReviewDto>, WebError> {
    let (item, a, b) = identity::view_review(&state, &auth, id).await?;
    Ok(Json(present::review(
        &item,
        &a,
        &b,
        auth.viewer.field_policy(),
    )))
}

/// Decide a pending pair (data stewards only). `same_person` merges the two records'
/// customers (the lower id is kept); `different_people` keeps them apart in every later
/// resolution. Audited with both customers.
#[utoipa::path(post, path = "/api/v1/identity/reviews/{id}/decision", tag = "identity",
    params(("id" = i64, Path, description = "Review pair id")),
    request_body = ReviewDecisionRequest,
    responses(
        (status = 200, body = ReviewSummaryDto),
        (status = 400, body = ErrorBody, description = "bad decision or note; `field` names it"),
        NotSteward,
        (status = 409, body = ErrorBody, description = "already decided"),
        Errors<401, 404>))]
pub async fn decide_review(
    Caller { state, auth }: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ReviewDecisionRequest>,
) -> Result<Json<ReviewSummaryDto>, WebError> {
    let same = identity::parse_decision(&req.decision)?;
    let note = identity::text("note", req.note.as_deref().unwrap_or(""), false)?;
    let item = identity::decide(&state, &auth, id, same, note.as_deref()).await?;
    Ok(Json(present::review_summary(&item)))
}

/// Match one record as a source system holds it against the resolved customers (data_steward,
/// admin, service_agent and API tokens with those roles). A match to a customer outside the
/// caller's scope is reported as `null`. Audited with the matched customer.
#[utoipa::path(post, path = "/api/v1/identity/match", tag = "identity",
    request_body = MatchRequest,
    responses(
        (status = 200, body = MatchResponse),
        BadField,
        (status = 503, body = ErrorBody, description = "index_building: the index is not ready yet"),
        Errors<401, 403>))]
pub async fn match_record(
    Caller { state, auth }: Caller,
    ApiJson(req): ApiJson<MatchRequest>,
) -> Result<Json<MatchResponse>, WebError> {
    Ok(Json(matching::match_record(&state, &auth, &req).await?))
}
