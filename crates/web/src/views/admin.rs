//! The administrator's staff page: the same functions as `/api/v1/admin`.
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use rapport_domain::Role;
use rapport_proto::{CreateStaffRequest, ErrorCode, StaffChangeDto, StaffDto, UpdateStaffRequest};
use rapport_store::staff_changes::RequestedVia;
use serde::Deserialize;

use super::{Ctx, FormPost, PageError, PageRequest, SignedIn};
use crate::api::admin::{
    Administrator, Updated, change_dto, requester_name, require_admin, staff_dtos,
};
use crate::{AppState, WebError};

#[derive(Template, WebTemplate)]
#[template(path = "admin_staff.html")]
pub struct StaffPage {
    ctx: Ctx,
    staff: Vec<StaffDto>,
    roles: Vec<(&'static str, &'static str)>,
    sessions: Vec<rapport_store::SessionSummary>,
    /// Pending staff changes and who asked for each.
    changes: Vec<(StaffChangeDto, String)>,
    /// The viewer's staff id: their own requests get no approve button.
    me: i64,
    message: Option<String>,
    error: Option<String>,
}

/// The staff page with a message or an error above its forms; a failure is an error page.
async fn render(
    state: &AppState,
    signed_in: &SignedIn,
    message: Option<String>,
    error: Option<String>,
) -> Result<StaffPage, PageError> {
    let SignedIn { req, auth } = signed_in;
    let fail = signed_in.fail();
    require_admin(state, auth).await.map_err(fail)?;
    let staff: Vec<StaffDto> = staff_dtos(state).await.map_err(fail)?;
    let pending = state.store.pending_staff_changes().await;
    let changes = (pending.map_err(|e| fail(e.into()))?)
        .iter()
        .map(|row| {
            let dto = change_dto(row);
            let by = requester_name(&dto, &staff);
            (dto, by)
        })
        .collect();
    let sessions = state.store.list_sessions(None, state.clock.now()).await;
    Ok(StaffPage {
        sessions: sessions.map_err(|e| fail(e.into()))?,
        ctx: req.ctx(Some(auth)),
        staff,
        changes,
        me: auth.staff.id.0,
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str(), req.lang.label(r.as_str())))
            .collect(),
        message,
        error,
    })
}

pub async fn list(State(state): State<AppState>, page: SignedIn) -> Result<StaffPage, PageError> {
    render(&state, &page, None, None).await
}

#[derive(Deserialize)]
pub struct CreateForm {
    csrf: String,
    username: String,
    display_name: String,
    role: String,
    branch_id: Option<String>,
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
    role: Option<String>,
    branch_id: Option<String>,
}

posted_forms!(CreateForm, CsrfForm);

/// Shows the outcome on the page: bad input next to the form, anything else as an error page.
async fn outcome(
    state: &AppState,
    signed_in: &SignedIn,
    result: Result<String, WebError>,
) -> Result<StaffPage, PageError> {
    let (message, error) = match result {
        Ok(m) => (Some(m), None),
        Err(e)
            if matches!(
                e.code,
                ErrorCode::InvalidParameter
                    | ErrorCode::Conflict
                    | ErrorCode::NotFound
                    | ErrorCode::Forbidden
            ) =>
        {
            (None, Some(e.message))
        }
        Err(e) => return Err(signed_in.fail()(e)),
    };
    render(state, signed_in, message, error).await
}

pub async fn create_staff(
    State(state): State<AppState>,
    FormPost { page, form, .. }: FormPost<CreateForm>,
) -> Result<StaffPage, PageError> {
    let req = &page.req;
    let branch_id = match form
        .branch_id
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
    {
        Some(b) => match b.parse() {
            Ok(id) => Some(id),
            Err(_) => {
                return outcome(
                    &state,
                    &page,
                    Err(WebError::invalid_parameter(
                        "branch_id",
                        "branch_id must be a number",
                    )),
                )
                .await;
            }
        },
        None => None,
    };
    let request = CreateStaffRequest {
        username: form.username,
        display_name: form.display_name,
        role: form.role,
        branch_id,
    };
    let result = administrator(&state, &page)
        .create(&request)
        .await
        .map(|c| requested(req, &c));
    outcome(&state, &page, result).await
}

pub async fn action(
    State(state): State<AppState>,
    Path((username, what)): Path<(String, String)>,
    FormPost { page, form, .. }: FormPost<CsrfForm>,
) -> Result<StaffPage, PageError> {
    let (req, admin) = (&page.req, administrator(&state, &page));
    let t = req.lang.text();
    let toggle = |disabled| UpdateStaffRequest {
        display_name: None,
        role: None,
        branch_id: None,
        disabled: Some(disabled),
    };
    let said = |u: Updated, done: &str| match u {
        Updated::Applied(s) => format!("{}: {done}", s.username),
        Updated::Pending(c) => requested(req, &c),
    };
    let result = match what.as_str() {
        "disable" => admin
            .update(&username, &toggle(true))
            .await
            .map(|u| said(u, t.disabled)),
        "enable" => admin
            .update(&username, &toggle(false))
            .await
            .map(|u| said(u, req.lang.label("active"))),
        "assign" => {
            let branch = form.branch_id.as_deref().map(str::trim).unwrap_or("");
            let branch_id = if branch.is_empty() {
                Ok(Some(None))
            } else {
                branch.parse::<i64>().map(|b| Some(Some(b))).map_err(|_| {
                    WebError::invalid_parameter("branch_id", "branch_id must be a number")
                })
            };
            match branch_id {
                Ok(branch_id) => {
                    let change = UpdateStaffRequest {
                        display_name: None,
                        role: form.role.clone(),
                        branch_id,
                        disabled: None,
                    };
                    admin
                        .update(&username, &change)
                        .await
                        .map(|u| said(u, t.save))
                }
                Err(e) => Err(e),
            }
        }
        "reset" => admin.reset(&username).await.map(|c| requested(req, &c)),
        _ => Err(WebError::not_found()),
    };
    outcome(&state, &page, result).await
}

pub async fn end_session(
    State(state): State<AppState>,
    Path(id): Path<String>,
    FormPost { page, .. }: FormPost<CsrfForm>,
) -> Result<StaffPage, PageError> {
    let ended = administrator(&state, &page).end_session(&id).await;
    let result = ended.map(|()| format!("{id}: {}", page.req.lang.text().end_session));
    outcome(&state, &page, result).await
}

/// The signed-in administrator acting through this page.
fn administrator<'a>(state: &'a AppState, page: &'a SignedIn) -> Administrator<'a> {
    Administrator {
        state,
        auth: &page.auth,
        via: RequestedVia::Web,
    }
}

/// "Requested …: #3 New login bm.new" in the page's language.
fn requested(req: &PageRequest, c: &StaffChangeDto) -> String {
    format!(
        "{}: #{} {} {}",
        req.lang.text().change_requested,
        c.id,
        req.lang.label(&c.kind),
        c.username
    )
}

/// Approve or reject a pending staff change; an approval shows the temporary password or the
/// token it made, once.
pub async fn decide(
    State(state): State<AppState>,
    Path((id, what)): Path<(i64, String)>,
    FormPost { page, .. }: FormPost<CsrfForm>,
) -> Result<StaffPage, PageError> {
    let (SignedIn { req, auth }, admin) = (&page, administrator(&state, &page));
    let t = req.lang.text();
    let result = match what.as_str() {
        "approve" => admin.approve(id).await.map(|a| {
            let mut m = format!(
                "{}: #{} {} {}",
                t.change_approved,
                a.change.id,
                req.lang.label(&a.change.kind),
                a.change.username
            );
            if let Some(p) = a.temporary_password {
                m.push_str(&format!(
                    " — {} {}: {p}",
                    a.change.username, t.temporary_password
                ));
            }
            if let Some(token) = a.token {
                m.push_str(&format!(" — {}: {token}", t.api_token_once));
            }
            m
        }),
        "reject" => admin.reject(id).await.map(|c| {
            format!(
                "{}: #{} {} {}",
                t.change_rejected,
                c.id,
                req.lang.label(&c.kind),
                c.username
            )
        }),
        _ => Err(WebError::not_found()),
    };
    // The one refusal an administrator meets here is their own request: say so in the page's
    // language (the API's message is English).
    let result = result.map_err(|e| match e.code {
        ErrorCode::Forbidden if auth.staff.role == rapport_domain::Role::Admin => {
            WebError::new(ErrorCode::Forbidden, t.own_change)
        }
        _ => e,
    });
    outcome(&state, &page, result).await
}
