//! The data steward's pages: the review queue, one pair side by side with its decision form,
//! and the unmerge form of the 360 page. Same calls and masking as `/api/v1/identity`.
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use rapport_domain::PartyId;
use rapport_proto::{ErrorCode, ReviewDto, ReviewSummaryDto, SourceRecordDto};
use rapport_store::identity::ReviewStatus;
use serde::Deserialize;

use super::{Ctx, FormPost, PageAt, PageError, Pager, SignedIn};
use crate::api::{page_request, parse_status};
use crate::{AppState, WebError, identity, present};

#[derive(Template, WebTemplate)]
#[template(path = "reviews.html")]
pub struct QueuePage {
    ctx: Ctx,
    rows: Vec<ReviewSummaryDto>,
    status: String,
    statuses: Vec<&'static str>,
    pager: Pager,
}

#[derive(Deserialize)]
pub struct QueueForm {
    status: Option<String>,
    page: Option<u32>,
}

pub async fn queue(
    State(state): State<AppState>,
    page: SignedIn,
    form: Result<Query<QueueForm>, QueryRejection>,
) -> Result<QueuePage, PageError> {
    let fail = page.fail();
    let form = page.query(form, "page")?;
    let status = parse_status(form.status.as_deref()).map_err(&fail)?;
    let request = page_request(form.page, Some(20)).map_err(&fail)?;
    let found = identity::list_reviews(&state, &page.auth, status, request)
        .await
        .map_err(fail)?;
    let ctx = page.ctx();
    Ok(QueuePage {
        pager: Pager::new(ctx.t, found.page, found.has_more, |p| {
            format!("/identity/reviews?status={status}&page={p}")
        }),
        rows: found.items.iter().map(present::review_summary).collect(),
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

/// The pair of review `id` side by side, masked for the caller, with a message above the form.
async fn pair_page(
    state: &AppState,
    page: &SignedIn,
    id: i64,
    message: Option<(bool, String)>,
) -> Result<PairPage, PageError> {
    let (item, a, b) = identity::view_review(state, &page.auth, id)
        .await
        .map_err(page.fail())?;
    let r = present::review(&item, &a, &b, page.auth.viewer.field_policy());
    Ok(pair_rows(page.ctx(), r, message))
}

fn pair_rows(ctx: Ctx, r: ReviewDto, message: Option<(bool, String)>) -> PairPage {
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
    PageAt { page, id }: PageAt<i64>,
) -> Result<PairPage, PageError> {
    pair_page(&state, &page, id, None).await
}

posted_forms!(DecisionForm, UnmergeForm);

#[derive(Deserialize)]
pub struct DecisionForm {
    csrf: String,
    decision: String,
    note: Option<String>,
}

/// The decision form: the pair again with the outcome (or the problem) above the form.
pub async fn decide(
    State(state): State<AppState>,
    FormPost { page, id, form }: FormPost<DecisionForm, i64>,
) -> Result<PairPage, PageError> {
    let it = page.req.lang.id_text();
    let outcome = async {
        let same = identity::parse_decision(&form.decision)?;
        let note = identity::text("note", form.note.as_deref().unwrap_or(""), false)?;
        identity::decide(&state, &page.auth, id, same, note.as_deref()).await
    }
    .await;
    // A pair decided meanwhile is said in the page's language.
    let outcome = outcome.map_err(|e| match e.code {
        ErrorCode::Conflict => WebError::new(ErrorCode::Conflict, it.already_decided),
        _ => e,
    });
    let shown = [ErrorCode::Conflict, ErrorCode::InvalidParameter];
    let message = page.outcome(outcome, it.decided, &shown)?;
    pair_page(&state, &page, id, Some(message)).await
}

#[derive(Deserialize)]
pub struct UnmergeForm {
    csrf: String,
    reason: String,
}

/// The 360 page's unmerge form: back to the kept customer's page once done.
pub async fn unmerge(
    State(state): State<AppState>,
    FormPost { page, id, form }: FormPost<UnmergeForm, (i64, i64)>,
) -> Result<Response, PageError> {
    let (id, event_id) = id;
    identity::undo_merge(&state, &page.auth, event_id, &form.reason)
        .await
        .map_err(page.fail())?;
    Ok(Redirect::to(&format!("/customers/{}", PartyId(id).0)).into_response())
}
