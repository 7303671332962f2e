//! `/api/v1/segments`: saved customer segments (R3.3), defined by staff as conditions over the
//! features table and evaluated in the warehouse; counts and members within the caller's
//! data scope.
use axum::Json;
use axum::http::StatusCode;
use rapport_proto::{CreateSegmentRequest, ErrorBody, SegmentDetailDto, SegmentDto};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{BadId, Caller, Errors, created, page_request};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::{WebError, segments};

/// The active segments by name, each with its members at the latest evaluation counted within
/// the caller's scope (rm, branch_manager, admin). Audited as a report.
#[utoipa::path(get, path = "/api/v1/segments", tag = "segments",
    responses(
        (status = 200, body = Vec<SegmentDto>),
        (status = 403, body = ErrorBody, description = "the role does not use segments"),
        Errors<401>))]
pub async fn list_segments(
    Caller { state, auth }: Caller,
) -> Result<Json<Vec<SegmentDto>>, WebError> {
    Ok(Json(segments::list(&state, &auth).await?))
}

/// Save a segment (rm, branch_manager, admin). The expression is checked and evaluated over
/// the latest features at once (members empty until the first `rapport score` when there
/// are none yet), and again by every `rapport score`. Audited.
#[utoipa::path(post, path = "/api/v1/segments", tag = "segments",
    request_body = CreateSegmentRequest,
    responses(
        (status = 201, body = SegmentDto),
        (status = 400, body = ErrorBody, description = "invalid_parameter: `field` is name, description or expression (the message names the problem, e.g. an unknown column)"),
        (status = 409, body = ErrorBody, description = "an active segment has this name"),
        (status = 503, body = ErrorBody, description = "segments_unavailable: the server runs without the warehouse"),
        Errors<401, 403>))]
pub async fn create_segment(
    Caller { state, auth }: Caller,
    ApiJson(req): ApiJson<CreateSegmentRequest>,
) -> Result<(StatusCode, Json<SegmentDto>), WebError> {
    let created_segment = segments::create(&state, &auth, &req).await?;
    Ok(created(created_segment))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MembersQuery {
    /// Page of members, from 1.
    page: Option<u32>,
    /// Members per page, 1–100 (default 20).
    page_size: Option<u32>,
}

/// One segment and a page of its members at the latest evaluation, only customers within the
/// caller's scope, masked per role. Unknown or deleted segments answer 404. Audited.
#[utoipa::path(get, path = "/api/v1/segments/{id}", tag = "segments",
    params(("id" = i64, Path, description = "Segment id"), MembersQuery),
    responses(
        (status = 200, body = SegmentDetailDto),
        (status = 400, body = ErrorBody, description = "invalid_parameter (id, page, page_size)"),
        Errors<401, 403, 404>))]
pub async fn get_segment(
    Caller { state, auth }: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<MembersQuery>,
) -> Result<Json<SegmentDetailDto>, WebError> {
    let request = page_request(q.page, q.page_size)?;
    let (segment, members) = segments::view(&state, &auth, id, request).await?;
    Ok(Json(SegmentDetailDto { segment, members }))
}

/// Delete a segment: its creator or an administrator. Audited.
#[utoipa::path(delete, path = "/api/v1/segments/{id}", tag = "segments",
    params(("id" = i64, Path, description = "Segment id")),
    responses(
        (status = 204, description = "deleted"),
        BadId,
        (status = 403, body = ErrorBody, description = "neither the creator nor an administrator"),
        Errors<401, 404>))]
pub async fn delete_segment(
    Caller { state, auth }: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, WebError> {
    segments::delete(&state, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
