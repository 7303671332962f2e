use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use rapport_domain::PartyId;
use rapport_proto::{Customer360Dto, CustomerSummaryDto};
use rapport_store::search::SearchQuery;
use serde::Deserialize;

use super::{Ctx, PageError, PageRequest, url_encode};
use crate::api::page_request;
use crate::auth::Authenticated;
use crate::{AppState, WebError, assets, present};

#[derive(Template, WebTemplate)]
#[template(path = "customers.html")]
pub struct CustomersPage {
    ctx: Ctx,
    q: String,
    rows: Vec<CustomerSummaryDto>,
    page_label: String,
    prev_url: Option<String>,
    next_url: Option<String>,
}

#[derive(Deserialize)]
pub struct SearchForm {
    q: Option<String>,
    page: Option<u32>,
}

pub async fn search(
    State(state): State<AppState>,
    req: PageRequest,
    auth: Result<Authenticated, WebError>,
    form: Result<Query<SearchForm>, axum::extract::rejection::QueryRejection>,
) -> Result<CustomersPage, PageError> {
    let auth = auth.map_err(|e| PageError::from_web(e, &req, None))?;
    let fail = |e: WebError| PageError::from_web(e, &req, Some(&auth));
    let Query(form) = form.map_err(|e| fail(WebError::invalid_parameter("page", e.body_text())))?;
    let request = page_request(form.page, Some(20)).map_err(fail)?;
    let q = form.q.unwrap_or_default();
    let rows = if q.trim().is_empty() {
        state.store.list_customers(&auth.viewer, request).await
    } else {
        state
            .store
            .search_customers(&auth.viewer, &SearchQuery::parse(&q), request)
            .await
    }
    .map_err(|e| fail(e.into()))?;
    let page = present::page(&rows, auth.viewer.field_policy());
    let link = |p: u32| format!("/customers?q={}&page={p}", url_encode(&q));
    let ctx = req.ctx(Some(&auth));
    Ok(CustomersPage {
        page_label: ctx.t.page.replace("{}", &page.page.to_string()),
        prev_url: (page.page > 1).then(|| link(page.page - 1)),
        next_url: page.has_more.then(|| link(page.page + 1)),
        rows: page.items,
        q,
        ctx,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "customer.html")]
pub struct CustomerPage {
    ctx: Ctx,
    v: Customer360Dto,
    masked_labels: String,
    chart_months: String,
    chart_values: String,
    echarts_url: String,
}

pub async fn view(
    State(state): State<AppState>,
    req: PageRequest,
    auth: Result<Authenticated, WebError>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<CustomerPage, PageError> {
    let auth = auth.map_err(|e| PageError::from_web(e, &req, None))?;
    let fail = |e: WebError| PageError::from_web(e, &req, Some(&auth));
    let Path(id) = id.map_err(|_| fail(WebError::not_found()))?;
    let view = state
        .store
        .customer_360(&auth.viewer, PartyId(id))
        .await
        .map_err(|e| fail(e.into()))?
        .ok_or_else(|| fail(WebError::not_found()))?;
    let v = present::customer_360(&view, auth.viewer.field_policy(), state.bank.base_currency);
    let ctx = req.ctx(Some(&auth));
    let t = ctx.t;
    let masked_labels = v
        .masked_fields
        .iter()
        .map(|f| match f.as_str() {
            "name" => t.name,
            "mobile" => t.mobile,
            "resident_id" => t.resident_id,
            "address" => t.address,
            _ => t.account_number,
        })
        .collect::<Vec<_>>()
        .join("、");
    let chart_months = serde_json::to_string(
        &v.aum_trend
            .iter()
            .map(|p| p.month.format("%Y-%m").to_string())
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    // The chart only draws; amounts stay decimal strings until the browser plots them.
    let chart_values = serde_json::to_string(
        &v.aum_trend
            .iter()
            .map(|p| p.aum.amount.clone())
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    Ok(CustomerPage {
        ctx,
        v,
        masked_labels,
        chart_months,
        chart_values,
        echarts_url: assets::url("echarts.min.js"),
    })
}
