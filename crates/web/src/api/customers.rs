use axum::Json;
use axum::extract::State;
use rapport_domain::PartyId;
use rapport_proto::{Customer360Dto, CustomerPage, ErrorBody};
use rapport_store::PageRequest;
use rapport_store::search::SearchQuery;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Authenticated;
use crate::extract::{ApiPath, ApiQuery};
use crate::{AppState, WebError, present};

#[derive(Debug, Deserialize, IntoParams)]
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
        (status = 401, body = ErrorBody)))]
pub async fn list_customers(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiQuery(query): ApiQuery<CustomerListQuery>,
) -> Result<Json<CustomerPage>, WebError> {
    let request = page_request(query.page, query.page_size)?;
    let text = query.q.unwrap_or_default();
    let rows = if text.trim().is_empty() {
        state.store.list_customers(&auth.viewer, request).await?
    } else {
        state
            .store
            .search_customers(&auth.viewer, &SearchQuery::parse(&text), request)
            .await?
    };
    Ok(Json(present::page(&rows, auth.viewer.field_policy())))
}

/// The customer 360° view. Unknown customers and customers outside the caller's scope both
/// answer 404.
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers",
    params(("id" = i64, Path, description = "Customer (party) id")),
    responses(
        (status = 200, body = Customer360Dto),
        (status = 400, body = ErrorBody, description = "id is not a number"),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn get_customer(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Customer360Dto>, WebError> {
    let view = state
        .store
        .customer_360(&auth.viewer, PartyId(id))
        .await?
        .ok_or_else(WebError::not_found)?;
    Ok(Json(present::customer_360(
        &view,
        auth.viewer.field_policy(),
        state.bank.base_currency,
    )))
}
