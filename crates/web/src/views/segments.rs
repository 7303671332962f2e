//! The segment pages: the list with its creation form (the checker's message next to the field
//! at fault, the usable columns as help), one segment with its members (masked, linking to the
//! 360 page), and the delete button. Same calls and masking as `/api/v1/segments`.
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use rapport_proto::{CreateSegmentRequest, CustomerSummaryDto, ErrorCode, SegmentDto};
use serde::Deserialize;

use super::{Button, Ctx, FormPost, PageAt, PageError, Pager, SignedIn};
use crate::api::page_request;
use crate::{AppState, WebError, segments};

#[derive(Template, WebTemplate)]
#[template(path = "segments.html")]
pub struct SegmentsPage {
    ctx: Ctx,
    /// Each segment and whether the caller may delete it.
    rows: Vec<(SegmentDto, bool)>,
    /// An engine is there: segments can be created.
    can_create: bool,
    columns: Vec<String>,
    name: String,
    expression: String,
    description: String,
    name_error: Option<String>,
    expression_error: Option<String>,
    description_error: Option<String>,
    /// A problem that is no one field's (the warehouse is missing).
    error: Option<String>,
}

#[derive(Default)]
struct Filled {
    name: String,
    expression: String,
    description: String,
    error: Option<WebError>,
}

async fn list_page(
    state: &AppState,
    page: &SignedIn,
    filled: Filled,
) -> Result<SegmentsPage, PageError> {
    let auth = &page.auth;
    let rows = segments::list(state, auth).await.map_err(page.fail())?;
    let (mut name_error, mut expression_error, mut description_error, mut error) =
        (None, None, None, None);
    if let Some(e) = filled.error {
        match e.field.as_deref() {
            Some("name") => name_error = Some(e.message),
            Some("expression") => expression_error = Some(e.message),
            Some("description") => description_error = Some(e.message),
            _ => error = Some(e.message),
        }
    }
    Ok(SegmentsPage {
        ctx: page.ctx(),
        rows: rows
            .into_iter()
            .map(|s| {
                let may = segments::may_delete(auth, &s);
                (s, may)
            })
            .collect(),
        can_create: state.segments.is_some(),
        columns: segments::columns(state),
        name: filled.name,
        expression: filled.expression,
        description: filled.description,
        name_error,
        expression_error,
        description_error,
        error,
    })
}

pub async fn list(
    State(state): State<AppState>,
    page: SignedIn,
) -> Result<SegmentsPage, PageError> {
    list_page(&state, &page, Filled::default()).await
}

posted_forms!(CreateForm);

#[derive(Deserialize)]
pub struct CreateForm {
    csrf: String,
    name: String,
    expression: String,
    description: Option<String>,
}

/// The creation form: to the new segment once saved, else the list again with the problem
/// next to its field.
pub async fn create(
    State(state): State<AppState>,
    FormPost { page, form, .. }: FormPost<CreateForm>,
) -> Result<Response, PageError> {
    let request = CreateSegmentRequest {
        name: form.name.clone(),
        expression: form.expression.clone(),
        description: form.description.clone(),
    };
    match segments::create(&state, &page.auth, &request).await {
        Ok(s) => Ok(Redirect::to(&format!("/segments/{}", s.id)).into_response()),
        Err(e)
            if matches!(
                e.code,
                ErrorCode::InvalidParameter | ErrorCode::Conflict | ErrorCode::SegmentsUnavailable
            ) =>
        {
            let status = e.status();
            let filled = Filled {
                name: form.name,
                expression: form.expression,
                description: form.description.unwrap_or_default(),
                error: Some(e),
            };
            Ok((status, list_page(&state, &page, filled).await?).into_response())
        }
        Err(e) => Err(page.fail()(e)),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "segment.html")]
pub struct SegmentPage {
    ctx: Ctx,
    s: SegmentDto,
    rows: Vec<CustomerSummaryDto>,
    can_delete: bool,
    pager: Pager,
}

#[derive(Deserialize)]
pub struct MembersForm {
    page: Option<u32>,
}

pub async fn view(
    State(state): State<AppState>,
    PageAt { page, id }: PageAt<i64>,
    form: Result<Query<MembersForm>, QueryRejection>,
) -> Result<SegmentPage, PageError> {
    let form = page.query(form, "page")?;
    let request = page_request(form.page, Some(20)).map_err(page.fail())?;
    let (s, members) = segments::view(&state, &page.auth, id, request)
        .await
        .map_err(page.fail())?;
    let ctx = page.ctx();
    Ok(SegmentPage {
        can_delete: segments::may_delete(&page.auth, &s),
        pager: Pager::new(ctx.t, members.page, members.has_more, |p| {
            format!("/segments/{id}?page={p}")
        }),
        rows: members.items,
        s,
        ctx,
    })
}

/// The delete button: back to the list once done.
pub async fn delete(
    State(state): State<AppState>,
    FormPost { page, id, .. }: FormPost<Button, i64>,
) -> Result<Response, PageError> {
    segments::delete(&state, &page.auth, id)
        .await
        .map_err(page.fail())?;
    Ok(Redirect::to("/segments").into_response())
}
