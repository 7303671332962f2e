//! The data steward's pages: the review queue, one pair side by side with its decision form,
//! and the unmerge form of the 360 page. Same calls and masking as `/api/v1/identity`.
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use rapport_domain::PartyId;
use rapport_proto::{ErrorCode, ReviewDto, ReviewSummaryDto, SourceRecordDto};
use rapport_store::identity::ReviewStatus;
use serde::Deserialize;

use super::{Ctx, PageError, PageRequest};
use crate::api::{page_request, parse_status};
use crate::auth::Authenticated;
use crate::{AppState, WebError, identity, present};

#[derive(Template, WebTemplate)]
#[template(path = "reviews.html")]
pub struct QueuePage {
    ctx: Ctx,
    rows: Vec<ReviewSummaryDto>,
    status: String,
    statuses: Vec<&'static str>,
    page_label: String,
    prev_url: Option<String>,
    next_url: Option<String>,
}

#[derive(Deserialize)]
pub struct QueueForm {
    status: Option<String>,
    page: Option<u32>,
}

pub async fn queue(
    State(state): State<AppState>,
    req: PageRequest,
    auth: Result<Authenticated, WebError>,
    form: Result<Query<QueueForm>, axum::extract::rejection::QueryRejection>,
) -> Result<QueuePage, PageError> {
    let auth = auth.map_err(|e| PageError::from_web(e, &req, None))?;
    let fail = |e: WebError| PageError::from_web(e, &req, Some(&auth));
    let Query(form) = form.map_err(|e| fail(WebError::invalid_parameter("page", e.body_text())))?;
    let status = parse_status(form.status.as_deref()).map_err(fail)?;
    let request = page_request(form.page, Some(20)).map_err(fail)?;
    let page = identity::list_reviews(&state, &auth, status, request)
        .await
        .map_err(fail)?;
    let link = |p: u32| format!("/identity/reviews?status={status}&page={p}");
    let ctx = req.ctx(Some(&auth));
    Ok(QueuePage {
        page_label: ctx.t.page.replace("{}", &page.page.to_string()),
        prev_url: (page.page > 1).then(|| link(page.page - 1)),
        next_url: page.has_more.then(|| link(page.page + 1)),
        rows: page.items.iter().map(present::review_summary).collect(),
        status: status.as_str().to_owned(),
        statuses: ReviewStatus::ALL.iter().map(|s| s.as_str()).collect(),
        ctx,
    })
}

/// One row of the side-by-side comparison.
pub struct FieldRow {
    label: String,
    a: String,
    b: String,
    level: String,
    weight: String,
    /// `pos`, `neg` or `zero`: the colour of the weight.
    sign: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "review.html")]
pub struct PairPage {
    ctx: Ctx,
    r: ReviewDto,
    rows: Vec<FieldRow>,
    pending: bool,
    masked_labels: String,
    message: Option<(bool, String)>,
}

fn value(r: &SourceRecordDto, field: &str) -> String {
    let v = match field {
        "name" => Some(r.name.clone()),
        "gender" => r.gender.clone(),
        "birth_date" => r.birth_date.clone(),
        "resident_id" => r.resident_id.clone(),
        "mobile" => r.mobile.clone(),
        "address" => r.address.clone(),
        "email" => r.email.clone(),
        "branch_code" => r.branch_code.clone(),
        _ => None,
    };
    v.unwrap_or_default()
}

fn pair_page(
    req: &PageRequest,
    auth: &Authenticated,
    r: ReviewDto,
    message: Option<(bool, String)>,
) -> PairPage {
    let ctx = req.ctx(Some(auth));
    let rows = r
        .fields
        .iter()
        .map(|f| FieldRow {
            label: ctx.id_label(&f.field).to_owned(),
            a: ctx.id_label(&value(&r.a, &f.field)).to_owned(),
            b: ctx.id_label(&value(&r.b, &f.field)).to_owned(),
            level: f.level.map_or("–".to_owned(), |l| l.to_string()),
            weight: format!("{:+.2}", f.weight),
            sign: if f.weight > 0.0 {
                "pos"
            } else if f.weight < 0.0 {
                "neg"
            } else {
                "zero"
            },
        })
        .collect();
    let masked_labels = r
        .masked_fields
        .iter()
        .map(|f| ctx.id_label(f))
        .collect::<Vec<_>>()
        .join("、");
    PairPage {
        pending: r.summary.status == ReviewStatus::Pending.as_str(),
        rows,
        masked_labels,
        message,
        r,
        ctx,
    }
}

pub async fn review(
    State(state): State<AppState>,
    req: PageRequest,
    auth: Result<Authenticated, WebError>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<PairPage, PageError> {
    let auth = auth.map_err(|e| PageError::from_web(e, &req, None))?;
    let fail = |e: WebError| PageError::from_web(e, &req, Some(&auth));
    let Path(id) = id.map_err(|_| fail(WebError::not_found()))?;
    let (item, a, b) = identity::view_review(&state, &auth, id)
        .await
        .map_err(fail)?;
    let r = present::review(&item, &a, &b, auth.viewer.field_policy());
    Ok(pair_page(&req, &auth, r, None))
}

#[derive(Deserialize)]
pub struct DecisionForm {
    csrf: String,
    decision: String,
    note: Option<String>,
}

/// The decision form: the pair again with the outcome (or the problem) above the form.
pub async fn decide(
    State(state): State<AppState>,
    req: PageRequest,
    auth: Result<Authenticated, WebError>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    Form(form): Form<DecisionForm>,
) -> Result<PairPage, PageError> {
    let auth = auth.map_err(|e| PageError::from_web(e, &req, None))?;
    let fail = |e: WebError| PageError::from_web(e, &req, Some(&auth));
    let Path(id) = id.map_err(|_| fail(WebError::not_found()))?;
    if !auth.csrf_matches(&form.csrf) {
        return Err(fail(WebError::new(
            ErrorCode::CsrfRejected,
            req.lang.text().form_expired,
        )));
    }
    let it = req.lang.id_text();
    let outcome = async {
        let same = identity::parse_decision(&form.decision)?;
        let note = identity::text("note", form.note.as_deref().unwrap_or(""), false)?;
        identity::decide(&state, &auth, id, same, note.as_deref()).await
    }
    .await;
    let message = match outcome {
        Ok(_) => (true, it.decided.to_owned()),
        Err(e) if e.code == ErrorCode::Conflict => (false, it.already_decided.to_owned()),
        Err(e) if e.code == ErrorCode::InvalidParameter => (false, e.message),
        Err(e) => return Err(fail(e)),
    };
    let (item, a, b) = identity::view_review(&state, &auth, id)
        .await
        .map_err(fail)?;
    let r = present::review(&item, &a, &b, auth.viewer.field_policy());
    Ok(pair_page(&req, &auth, r, Some(message)))
}

#[derive(Deserialize)]
pub struct UnmergeForm {
    csrf: String,
    reason: String,
}

/// The 360 page's unmerge form: back to the kept customer's page once done.
pub async fn unmerge(
    State(state): State<AppState>,
    req: PageRequest,
    auth: Result<Authenticated, WebError>,
    ids: Result<Path<(i64, i64)>, axum::extract::rejection::PathRejection>,
    Form(form): Form<UnmergeForm>,
) -> Result<Response, PageError> {
    let auth = auth.map_err(|e| PageError::from_web(e, &req, None))?;
    let fail = |e: WebError| PageError::from_web(e, &req, Some(&auth));
    let Path((id, event_id)) = ids.map_err(|_| fail(WebError::not_found()))?;
    if !auth.csrf_matches(&form.csrf) {
        return Err(fail(WebError::new(
            ErrorCode::CsrfRejected,
            req.lang.text().form_expired,
        )));
    }
    identity::undo_merge(&state, &auth, event_id, &form.reason)
        .await
        .map_err(fail)?;
    Ok(Redirect::to(&format!("/customers/{}", PartyId(id).0)).into_response())
}
