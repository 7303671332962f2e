use axum::Json;
use axum::http::StatusCode;
use chrono::NaiveDate;
use rapport_domain::unmask::{MaskedField, StatedReason, UnmaskReason};
use rapport_domain::{InvalidValue, PartyId};
use rapport_proto::{
    ChangeDto, CreateProspectRequest, Customer360Dto, CustomerPage, ErrorBody, UnmaskRequest,
    UnmaskResponse, UpdateContactRequest,
};
use rapport_store::{Customer360, PageRequest};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{BadField, BadId, Caller, Errors, created};
use crate::auth::Authenticated;
use crate::extract::{ApiJson, ApiPath, ApiQuery, ReplyLang};
use crate::{AppState, WebError, changes, present, reads};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CustomerListQuery {
    /// Free text: a name in hanzi (any part) or pinyin (full, spaced, initials, one typo allowed
    /// from 5 letters), a mobile (full or last 4 digits), a resident ID, a customer number or an
    /// account number. Omitted or empty: the caller's whole scope.
    q: Option<String>,
    /// Page number, from 1.
    page: Option<u32>,
    /// Rows per page, 1–100 (default 20).
    page_size: Option<u32>,
}

pub fn page_request(page: Option<u32>, page_size: Option<u32>) -> Result<PageRequest, WebError> {
    let page = page.unwrap_or(1);
    if page == 0 || page > 100_000 {
        return Err(WebError::invalid_parameter(
            "page",
            "page must be between 1 and 100000",
        ));
    }
    let page_size = page_size.unwrap_or(20);
    if page_size == 0 || page_size > PageRequest::MAX_PAGE_SIZE {
        return Err(WebError::invalid_parameter(
            "page_size",
            format!(
                "page_size must be between 1 and {}",
                PageRequest::MAX_PAGE_SIZE
            ),
        ));
    }
    Ok(PageRequest { page, page_size })
}

/// Search customers, or list the caller's scope when `q` is empty. Only customers within the
/// caller's data scope are ever returned.
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers",
    params(CustomerListQuery),
    responses(
        (status = 200, body = CustomerPage),
        (status = 400, body = ErrorBody, description = "invalid_parameter (page, page_size)"),
        Errors<401>))]
pub async fn list_customers(
    Caller { state, auth }: Caller,
    ApiQuery(query): ApiQuery<CustomerListQuery>,
) -> Result<Json<CustomerPage>, WebError> {
    let request = page_request(query.page, query.page_size)?;
    let rows =
        reads::search_or_list(&state, &auth, query.q.as_deref().unwrap_or(""), request).await?;
    Ok(Json(present::page(&rows, auth.viewer.field_policy())))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ViewQuery {
    /// Show the profile as it stood at the end of this day (bank's time zone), YYYY-MM-DD.
    as_of: Option<NaiveDate>,
}

/// The customer 360° view. Unknown customers and customers outside the caller's scope both
/// answer 404.
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers",
    params(("id" = i64, Path, description = "Customer (party) id"), ViewQuery),
    responses((status = 200, body = Customer360Dto), BadId, Errors<401, 404>))]
pub async fn get_customer(
    Caller { state, auth }: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ViewQuery>,
) -> Result<Json<Customer360Dto>, WebError> {
    let view = match q.as_of {
        Some(date) => changes::as_of(&state, &auth, PartyId(id), date).await?.0,
        None => reads::customer_360(&state, &auth, PartyId(id)).await?,
    };
    Ok(Json(shown(&state, &auth, &view)))
}

/// A customer's 360° view as the caller may see it (masked per role).
fn shown(state: &AppState, auth: &Authenticated, view: &Customer360) -> Customer360Dto {
    present::customer_360(view, auth.viewer.field_policy(), state.bank.base_currency)
}

/// Parses and checks an unmask request; each problem names its field.
pub fn parse_unmask(req: &UnmaskRequest) -> Result<(MaskedField, StatedReason), WebError> {
    let field: MaskedField = req
        .field
        .parse()
        .map_err(|e: InvalidValue| WebError::invalid_parameter("field", e.reason))?;
    let reason: UnmaskReason = req
        .reason
        .parse()
        .map_err(|e: InvalidValue| WebError::invalid_parameter("reason", e.reason))?;
    let stated = StatedReason::new(reason, req.reason_text.as_deref())
        .map_err(|e| WebError::invalid_parameter("reason_text", e.reason))?;
    Ok((field, stated))
}

/// See one masked field of a customer in clear, with a reason, for this view only. Allowed
/// per role (rm: resident ID and account numbers of its portfolio; branch_manager: any field
/// of its branch subtree; service_agent: mobile, for a call-back); every unmasking and every
/// refusal is audited.
#[utoipa::path(post, path = "/api/v1/customers/{id}/unmask", tag = "customers",
    params(("id" = i64, Path, description = "Customer (party) id")),
    request_body = UnmaskRequest,
    responses(
        (status = 200, body = UnmaskResponse),
        (status = 400, body = ErrorBody, description = "bad field, reason or reason_text"),
        (status = 403, body = ErrorBody, description = "the role may not unmask this field"),
        Errors<401, 404>))]
pub async fn unmask_field(
    Caller { state, auth }: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<UnmaskRequest>,
) -> Result<Json<UnmaskResponse>, WebError> {
    let (field, reason) = parse_unmask(&req)?;
    let (_, values) = reads::unmask(&state, &auth, PartyId(id), field, &reason).await?;
    Ok(Json(UnmaskResponse {
        field: field.as_str().to_owned(),
        values,
    }))
}

/// Register a walk-in prospect (rm, branch_manager). The prospect joins the caller's branch and,
/// for an RM, the RM's portfolio. Audited.
#[utoipa::path(post, path = "/api/v1/customers", tag = "customers",
    request_body = CreateProspectRequest,
    responses((status = 201, body = Customer360Dto), BadField, Errors<401, 403>))]
pub async fn create_customer(
    Caller { state, auth }: Caller,
    ApiJson(req): ApiJson<CreateProspectRequest>,
) -> Result<(StatusCode, Json<Customer360Dto>), WebError> {
    let view = changes::create_prospect(&state, &auth, &req).await?;
    Ok(created(shown(&state, &auth, &view)))
}

/// Change contact details (rm, branch_manager, service_agent) against the version last seen;
/// a stale version answers 409. Every change is kept in the customer's history and audited.
#[utoipa::path(patch, path = "/api/v1/customers/{id}", tag = "customers",
    params(("id" = i64, Path, description = "Customer (party) id")),
    request_body = UpdateContactRequest,
    responses(
        (status = 200, body = Customer360Dto),
        (status = 409, body = ErrorBody, description = "changed by someone else since `version`"),
        Errors<400, 401, 403, 404>))]
pub async fn update_customer(
    Caller { state, auth }: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<UpdateContactRequest>,
) -> Result<Json<Customer360Dto>, WebError> {
    let view = changes::update_contact(&state, &auth, PartyId(id), &req).await?;
    Ok(Json(shown(&state, &auth, &view)))
}

/// The change history of a customer, oldest first; values masked as their fields are.
#[utoipa::path(get, path = "/api/v1/customers/{id}/history", tag = "customers",
    params(("id" = i64, Path, description = "Customer (party) id")),
    responses((status = 200, body = Vec<ChangeDto>), Errors<401, 404>))]
pub async fn customer_history(
    Caller { state, auth }: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<ChangeDto>>, WebError> {
    let h = changes::history(&state, &auth, PartyId(id)).await?;
    crate::audit::record_view(&state, &auth, PartyId(id), "history").await?;
    Ok(Json(
        h.iter()
            .map(|c| present::change(c, auth.viewer.field_policy()))
            .collect(),
    ))
}

/// A customer's scores (R3.2–R3.10): the latest scoring with every score's parts, the rules
/// that placed the customer, CLV, churn risk with its reasons, next best products and credit
/// rating, plus the score history and the customer's alerts; with `as_of`, as they stood that
/// day (the tier of that day). Audited as a view.
#[utoipa::path(get, path = "/api/v1/customers/{id}/scores", tag = "customers",
    params(("id" = i64, Path, description = "Customer (party) id"), ViewQuery),
    responses((status = 200, body = rapport_proto::CustomerScoresDto), BadId, Errors<401, 404>))]
pub async fn customer_scores(
    Caller { state, auth }: Caller,
    ReplyLang(lang): ReplyLang,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ViewQuery>,
) -> Result<Json<rapport_proto::CustomerScoresDto>, WebError> {
    let id = PartyId(id);
    let scores = crate::scores::customer_scores_unaudited(&state, &auth, id, q.as_of, lang).await?;
    crate::audit::record_view(&state, &auth, id, "scores").await?;
    Ok(Json(scores))
}
