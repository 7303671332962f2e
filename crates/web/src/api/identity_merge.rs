//! Manual merges and unmerges, and a customer's source records with its merge history.
use axum::Json;
use rapport_domain::PartyId;
use rapport_proto::{CustomerIdentityDto, ErrorBody, MergeOutcome, MergeRequest, UndoMergeRequest};

use super::{BadId, Caller, Errors, NotSteward};
use crate::extract::{ApiJson, ApiPath};
use crate::{WebError, identity, present};

/// Merge another customer into this one (data stewards only); a reason is required. The
/// golden record is recomputed from both customers' source records; the merge can be undone.
#[utoipa::path(post, path = "/api/v1/customers/{id}/merge", tag = "identity",
    params(("id" = i64, Path, description = "The customer (party) id that is kept")),
    request_body = MergeRequest,
    responses(
        (status = 200, body = MergeOutcome),
        (status = 400, body = ErrorBody, description = "bad absorb or reason; `field` names it"),
        NotSteward,
        (status = 404, body = ErrorBody, description = "either customer unknown or out of scope"),
        Errors<401>))]
pub async fn merge_customer(
    Caller { state, auth }: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<MergeRequest>,
) -> Result<Json<MergeOutcome>, WebError> {
    let kept =
        identity::merge(&state, &auth, PartyId(id), PartyId(req.absorb), &req.reason).await?;
    Ok(Json(MergeOutcome {
        customer_id: kept.0,
        other_customer_id: req.absorb,
    }))
}

/// Undo a merge (data stewards only); a reason is required. The absorbed customer comes back
/// with its source records, accounts and RM assignments.
#[utoipa::path(post, path = "/api/v1/identity/merges/{event_id}/undo", tag = "identity",
    params(("event_id" = i64, Path, description = "The merge event id (from the customer's identity history)")),
    request_body = UndoMergeRequest,
    responses(
        (status = 200, body = MergeOutcome),
        (status = 400, body = ErrorBody, description = "bad reason"),
        NotSteward,
        (status = 409, body = ErrorBody, description = "already undone"),
        Errors<401, 404>))]
pub async fn undo_merge(
    Caller { state, auth }: Caller,
    ApiPath(event_id): ApiPath<i64>,
    ApiJson(req): ApiJson<UndoMergeRequest>,
) -> Result<Json<MergeOutcome>, WebError> {
    let (kept, restored) = identity::undo_merge(&state, &auth, event_id, &req.reason).await?;
    Ok(Json(MergeOutcome {
        customer_id: kept.0,
        other_customer_id: restored.0,
    }))
}

/// A customer's source records (identifiers masked per role) and its merges and unmerges,
/// newest first. Unknown customers and customers outside the caller's scope answer 404.
#[utoipa::path(get, path = "/api/v1/customers/{id}/identity", tag = "identity",
    params(("id" = i64, Path, description = "Customer (party) id")),
    responses((status = 200, body = CustomerIdentityDto), BadId, Errors<401, 404>))]
pub async fn customer_identity(
    Caller { state, auth }: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CustomerIdentityDto>, WebError> {
    let (records, events) = identity::customer_identity(&state, &auth, PartyId(id)).await?;
    let policy = auth.viewer.field_policy();
    Ok(Json(CustomerIdentityDto {
        customer_id: id,
        source_records: records
            .iter()
            .map(|r| present::source_record(r, policy))
            .collect(),
        events: events.iter().map(present::identity_event).collect(),
    }))
}
