//! The administrator's staff page: the same functions as `/api/v1/admin`.
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use rapport_domain::Role;
use rapport_proto::{CreateStaffRequest, ErrorCode, StaffDto, UpdateStaffRequest};
use serde::Deserialize;

use super::{Ctx, PageError, PageRequest};
use crate::api::admin::{create, require_admin, reset, staff_dto, update};
use crate::auth::Authenticated;
use crate::{AppState, WebError};

#[derive(Template, WebTemplate)]
#[template(path = "admin_staff.html")]
pub struct StaffPage {
    ctx: Ctx,
    staff: Vec<StaffDto>,
    roles: Vec<(&'static str, &'static str)>,
    sessions: Vec<rapport_store::SessionSummary>,
    message: Option<String>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    req: &PageRequest,
    auth: &Authenticated,
    message: Option<String>,
    error: Option<String>,
) -> Result<StaffPage, WebError> {
    require_admin(state, auth).await?;
    let now = state.clock.now();
    Ok(StaffPage {
        sessions: state.store.list_sessions(None, now).await?,
        ctx: req.ctx(Some(auth)),
        staff: state
            .store
            .list_staff()
            .await?
            .iter()
            .map(|s| staff_dto(s, now))
            .collect(),
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str(), req.lang.label(r.as_str())))
            .collect(),
        message,
        error,
    })
}

pub async fn list(
    State(state): State<AppState>,
    req: PageRequest,
    auth: Result<Authenticated, WebError>,
) -> Result<StaffPage, PageError> {
    let auth = auth.map_err(|e| PageError::from_web(e, &req, None))?;
    page(&state, &req, &auth, None, None)
        .await
        .map_err(|e| PageError::from_web(e, &req, Some(&auth)))
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

fn check(auth: &Authenticated, csrf: &str, req: &PageRequest) -> Result<(), PageError> {
    if auth.csrf_matches(csrf) {
        Ok(())
    } else {
        Err(PageError::from_web(
            WebError::new(ErrorCode::CsrfRejected, req.lang.text().form_expired),
            req,
            Some(auth),
        ))
    }
}

/// Shows the outcome on the page: bad input next to the form, anything else as an error page.
async fn outcome(
    state: &AppState,
    req: &PageRequest,
    auth: &Authenticated,
    result: Result<String, WebError>,
) -> Result<StaffPage, PageError> {
    let (message, error) = match result {
        Ok(m) => (Some(m), None),
        Err(e)
            if matches!(
                e.code,
                ErrorCode::InvalidParameter | ErrorCode::Conflict | ErrorCode::NotFound
            ) =>
        {
            (None, Some(e.message))
        }
        Err(e) => return Err(PageError::from_web(e, req, Some(auth))),
    };
    page(state, req, auth, message, error)
        .await
        .map_err(|e| PageError::from_web(e, req, Some(auth)))
}

pub async fn create_staff(
    State(state): State<AppState>,
    req: PageRequest,
    auth: Result<Authenticated, WebError>,
    Form(form): Form<CreateForm>,
) -> Result<StaffPage, PageError> {
    let auth = auth.map_err(|e| PageError::from_web(e, &req, None))?;
    check(&auth, &form.csrf, &req)?;
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
                    &req,
                    &auth,
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
    let t = req.lang.text();
    let result = create(&state, &auth, &request).await.map(|p| {
        format!(
            "{} {}: {}",
            p.username, t.temporary_password, p.temporary_password
        )
    });
    outcome(&state, &req, &auth, result).await
}

pub async fn action(
    State(state): State<AppState>,
    req: PageRequest,
    auth: Result<Authenticated, WebError>,
    Path((username, what)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
) -> Result<StaffPage, PageError> {
    let auth = auth.map_err(|e| PageError::from_web(e, &req, None))?;
    check(&auth, &form.csrf, &req)?;
    let t = req.lang.text();
    let toggle = |disabled| UpdateStaffRequest {
        display_name: None,
        role: None,
        branch_id: None,
        disabled: Some(disabled),
    };
    let result = match what.as_str() {
        "disable" => update(&state, &auth, &username, &toggle(true))
            .await
            .map(|s| format!("{}: {}", s.username, t.disabled)),
        "enable" => update(&state, &auth, &username, &toggle(false))
            .await
            .map(|s| format!("{}: {}", s.username, req.lang.label("active"))),
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
                    update(&state, &auth, &username, &change)
                        .await
                        .map(|s| format!("{}: {} / {:?}", s.username, s.role, s.branch_id))
                }
                Err(e) => Err(e),
            }
        }
        "reset" => reset(&state, &auth, &username).await.map(|p| {
            format!(
                "{} {}: {}",
                p.username, t.temporary_password, p.temporary_password
            )
        }),
        _ => Err(WebError::not_found()),
    };
    outcome(&state, &req, &auth, result).await
}

pub async fn end_session(
    State(state): State<AppState>,
    req: PageRequest,
    auth: Result<Authenticated, WebError>,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<StaffPage, PageError> {
    let auth = auth.map_err(|e| PageError::from_web(e, &req, None))?;
    check(&auth, &form.csrf, &req)?;
    let result = async {
        require_admin(&state, &auth).await?;
        if !state.store.revoke_session(&id).await? {
            return Err(WebError::not_found());
        }
        let mut e = crate::audit::by(
            &auth,
            state.clock.now(),
            rapport_store::audit::AuditAction::StaffChanged,
        );
        e.detail = Some(format!("ended session {id}"));
        state.audit.record(e).await?;
        Ok(format!("{id}: {}", req.lang.text().end_session))
    }
    .await;
    outcome(&state, &req, &auth, result).await
}
