use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use rapport_domain::PartyId;
use rapport_domain::unmask::{MaskedField, UnmaskReason, may_unmask};
use rapport_proto::{Customer360Dto, CustomerSummaryDto, ErrorCode, UnmaskRequest};
use serde::Deserialize;

use super::{Ctx, PageError, PageRequest, url_encode};
use crate::api::page_request;
use crate::auth::Authenticated;
use crate::i18n::Text;
use crate::{AppState, WebError, assets, present, reads};

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
    let rows = reads::search_or_list(&state, &auth, &q, request)
        .await
        .map_err(fail)?;
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
    /// Masked fields this role may ask to see, as (code, label).
    unmaskable: Vec<(&'static str, &'static str)>,
    reasons: Vec<(&'static str, &'static str)>,
    unmask_error: Option<String>,
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
    let view = reads::customer_360(&state, &auth, PartyId(id))
        .await
        .map_err(fail)?;
    let v = present::customer_360(&view, auth.viewer.field_policy(), state.bank.base_currency);
    Ok(render(&state, &req, &auth, v, None))
}

#[derive(Deserialize)]
pub struct UnmaskForm {
    csrf: String,
    field: String,
    reason: String,
    reason_text: Option<String>,
}

/// The unmask form of the 360 page: the page again, with the one field in clear.
pub async fn unmask(
    State(state): State<AppState>,
    req: PageRequest,
    auth: Result<Authenticated, WebError>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    Form(form): Form<UnmaskForm>,
) -> Result<CustomerPage, PageError> {
    let auth = auth.map_err(|e| PageError::from_web(e, &req, None))?;
    let fail = |e: WebError| PageError::from_web(e, &req, Some(&auth));
    let Path(id) = id.map_err(|_| fail(WebError::not_found()))?;
    if form.csrf != auth.csrf_token {
        return Err(fail(WebError::new(
            ErrorCode::CsrfRejected,
            req.lang.text().form_expired,
        )));
    }
    let request = UnmaskRequest {
        field: form.field,
        reason: form.reason,
        reason_text: form.reason_text,
    };
    let parsed = match crate::api::parse_unmask(&request) {
        Ok(p) => p,
        Err(e) => {
            // Show the page (audited as a view) with the problem next to the form.
            let view = reads::customer_360(&state, &auth, PartyId(id))
                .await
                .map_err(fail)?;
            let v =
                present::customer_360(&view, auth.viewer.field_policy(), state.bank.base_currency);
            return Ok(render(&state, &req, &auth, v, Some(e.message)));
        }
    };
    let (field, reason) = parsed;
    let (view, values) = reads::unmask(&state, &auth, PartyId(id), field, &reason)
        .await
        .map_err(fail)?;
    let mut v = present::customer_360(&view, auth.viewer.field_policy(), state.bank.base_currency);
    present::reveal(&mut v, field, &values);
    Ok(render(&state, &req, &auth, v, None))
}

fn field_label(t: &'static Text, code: &str) -> &'static str {
    match code {
        "name" => t.name,
        "mobile" => t.mobile,
        "resident_id" => t.resident_id,
        "address" => t.address,
        _ => t.account_number,
    }
}

fn render(
    state: &AppState,
    req: &PageRequest,
    auth: &Authenticated,
    v: Customer360Dto,
    unmask_error: Option<String>,
) -> CustomerPage {
    let _ = state;
    let ctx = req.ctx(Some(auth));
    let t = ctx.t;
    let masked_labels = v
        .masked_fields
        .iter()
        .map(|f| field_label(t, f))
        .collect::<Vec<_>>()
        .join("、");
    let unmaskable = MaskedField::ALL
        .iter()
        .filter(|f| v.masked_fields.iter().any(|m| m == f.as_str()))
        .filter(|f| {
            UnmaskReason::ALL
                .iter()
                .any(|r| may_unmask(auth.staff.role, **f, *r, false))
        })
        .map(|f| (f.as_str(), field_label(t, f.as_str())))
        .collect();
    let reasons = UnmaskReason::ALL
        .iter()
        .map(|r| (r.as_str(), ctx.lang.label(r.as_str())))
        .collect();
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
    CustomerPage {
        ctx,
        v,
        masked_labels,
        chart_months,
        chart_values,
        echarts_url: assets::url("echarts.min.js"),
        unmaskable,
        reasons,
        unmask_error,
    }
}
