//! The segment pages: the list with its creation form (the checker's message next to the field
//! at fault, the usable columns as help), one segment with its members (masked, linking to the
//! 360 page), and the delete button. Same calls and masking as `/api/v1/segments`.
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use rapport_proto::{CreateSegmentRequest, CustomerSummaryDto, ErrorCode, SegmentDto};
use serde::Deserialize;

use super::{Ctx, PageError, PageRequest};
use crate::api::page_request;
use crate::auth::Authenticated;
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
    req: &PageRequest,
    auth: &Authenticated,
    filled: Filled,
) -> Result<SegmentsPage, PageError> {
    let fail = |e: WebError| PageError::from_web(e, req, Some(auth));
    let rows = segments::list(state, auth).await.map_err(fail)?;
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
        ctx: req.ctx(Some(auth)),
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
    req: PageRequest,
    auth: Result<Authenticated, WebError>,
) -> Result<SegmentsPage, PageError> {
    let auth = auth.map_err(|e| PageError::from_web(e, &req, None))?;
    list_page(&state, &req, &auth, Filled::default()).await
}

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
    req: PageRequest,
    auth: Result<Authenticated, WebError>,
    Form(form): Form<CreateForm>,
) -> Result<Response, PageError> {
    let auth = auth.map_err(|e| PageError::from_web(e, &req, None))?;
    let fail = |e: WebError| PageError::from_web(e, &req, Some(&auth));
    if !auth.csrf_matches(&form.csrf) {
        return Err(fail(WebError::new(
            ErrorCode::CsrfRejected,
            req.lang.text().form_expired,
        )));
    }
    let request = CreateSegmentRequest {
        name: form.name.clone(),
        expression: form.expression.clone(),
        description: form.description.clone(),
    };
    match segments::create(&state, &auth, &request).await {
        Ok(s) => Ok(Redirect::to(&format!("/segments/{}", s.id)).into_response()),
        Err(e)
            if matches!(
                e.code,
                ErrorCode::InvalidParameter | ErrorCode::Conflict | ErrorCode::SegmentsUnavailable
            ) =>
        {
            let status = e.status();
            let page = list_page(
                &state,
                &req,
                &auth,
                Filled {
                    name: form.name,
                    expression: form.expression,
                    description: form.description.unwrap_or_default(),
                    error: Some(e),
                },
            )
            .await?;
            Ok((status, page).into_response())
        }
        Err(e) => Err(fail(e)),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "segment.html")]
pub struct SegmentPage {
    ctx: Ctx,
    s: SegmentDto,
    rows: Vec<CustomerSummaryDto>,
    can_delete: bool,
    page_label: String,
    prev_url: Option<String>,
    next_url: Option<String>,
}

#[derive(Deserialize)]
pub struct MembersForm {
    page: Option<u32>,
}

pub async fn view(
    State(state): State<AppState>,
    req: PageRequest,
    auth: Result<Authenticated, WebError>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    form: Result<Query<MembersForm>, axum::extract::rejection::QueryRejection>,
) -> Result<SegmentPage, PageError> {
    let auth = auth.map_err(|e| PageError::from_web(e, &req, None))?;
    let fail = |e: WebError| PageError::from_web(e, &req, Some(&auth));
    let Path(id) = id.map_err(|_| fail(WebError::not_found()))?;
    let Query(form) = form.map_err(|e| fail(WebError::invalid_parameter("page", e.body_text())))?;
    let request = page_request(form.page, Some(20)).map_err(fail)?;
    let (s, page) = segments::view(&state, &auth, id, request)
        .await
        .map_err(fail)?;
    let link = |p: u32| format!("/segments/{id}?page={p}");
    let ctx = req.ctx(Some(&auth));
    Ok(SegmentPage {
        can_delete: segments::may_delete(&auth, &s),
        page_label: ctx.t.page.replace("{}", &page.page.to_string()),
        prev_url: (page.page > 1).then(|| link(page.page - 1)),
        next_url: page.has_more.then(|| link(page.page + 1)),
        rows: page.items,
        s,
        ctx,
    })
}

#[derive(Deserialize)]
pub struct DeleteForm {
    csrf: String,
}

/// The delete button: back to the list once done.
pub async fn delete(
    State(state): State<AppState>,
    req: PageRequest,
    auth: Result<Authenticated, WebError>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    Form(form): Form<DeleteForm>,
) -> Result<Response, PageError> {
    let auth = auth.map_err(|e| PageError::from_web(e, &req, None))?;
    let fail = |e: WebError| PageError::from_web(e, &req, Some(&auth));
    let Path(id) = id.map_err(|_| fail(WebError::not_found()))?;
    if !auth.csrf_matches(&form.csrf) {
        return Err(fail(WebError::new(
            ErrorCode::CsrfRejected,
            req.lang.text().form_expired,
        )));
    }
    segments::delete(&state, &auth, id).await.map_err(fail)?;
    Ok(Redirect::to("/segments").into_response())
}
