//! Staff administration (admin role only): create, change, disable, reset passwords, and see
//! and end sessions. Every change is audited; every refusal too.
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use rand::Rng;
use rand::distr::Alphanumeric;
use rapport_domain::{BranchId, Role, Username};
use rapport_proto::{
    CreateStaffRequest, ErrorBody, ErrorCode, SessionDto, StaffDto, TemporaryPassword,
    UpdateStaffRequest,
};
use rapport_store::audit::AuditAction;
use rapport_store::{NewStaff, StaffAccount, StaffUpdate};

use crate::auth::{Authenticated, hash_password};
use crate::extract::{ApiJson, ApiPath};
use crate::{AppState, WebError, audit};

pub fn staff_dto(s: &StaffAccount, now: chrono::DateTime<chrono::Utc>) -> StaffDto {
    StaffDto {
        id: s.id.0,
        username: s.username.to_string(),
        display_name: s.display_name.clone(),
        role: s.role.as_str().to_owned(),
        branch_id: s.branch_id.map(|b| b.0),
        disabled: s.disabled,
        locked: s.locked_until.is_some_and(|t| t > now),
        must_change_password: s.must_change_password,
        can_log_in: s.password_hash.is_some() && !s.disabled,
    }
}

pub async fn require_admin(state: &AppState, auth: &Authenticated) -> Result<(), WebError> {
    if auth.staff.role == Role::Admin {
        return Ok(());
    }
    let mut e = audit::by(auth, state.clock.now(), AuditAction::AuthorizationFailed);
    e.reason = Some("only administrators manage staff".into());
    state.audit.record(e).await?;
    Err(WebError::new(
        ErrorCode::Forbidden,
        "only administrators manage staff",
    ))
}

async fn record(state: &AppState, auth: &Authenticated, detail: String) -> Result<(), WebError> {
    let mut e = audit::by(auth, state.clock.now(), AuditAction::StaffChanged);
    e.detail = Some(detail);
    state.audit.record(e).await
}

/// A random password for a first login or a reset: 20 letters and digits.
pub fn temporary_password() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}

async fn hash(password: String) -> Result<String, WebError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| WebError::internal("password hashing", e))?
        .map_err(|e| WebError::internal("password hashing", e))
}

fn username(s: &str) -> Result<Username, WebError> {
    Username::parse(s).map_err(|e| WebError::invalid_parameter("username", e.reason))
}

fn display_name(s: &str) -> Result<String, WebError> {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > 50 || s.chars().any(char::is_control) {
        return Err(WebError::invalid_parameter(
            "display_name",
            "display_name must have 1–50 printable characters",
        ));
    }
    Ok(s.to_owned())
}

fn role(s: &str) -> Result<Role, WebError> {
    s.parse()
        .map_err(|e: rapport_domain::InvalidValue| WebError::invalid_parameter("role", e.reason))
}

/// All staff.
#[utoipa::path(get, path = "/api/v1/admin/staff", tag = "admin",
    responses((status = 200, body = Vec<StaffDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_staff(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<Vec<StaffDto>>, WebError> {
    require_admin(&state, &auth).await?;
    let now = state.clock.now();
    Ok(Json(
        state
            .store
            .list_staff()
            .await?
            .iter()
            .map(|s| staff_dto(s, now))
            .collect(),
    ))
}

/// Create a staff login with a temporary password (shown once; changed at the first login).
#[utoipa::path(post, path = "/api/v1/admin/staff", tag = "admin", request_body = CreateStaffRequest,
    responses((status = 201, body = TemporaryPassword), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "username taken")))]
pub async fn create_staff(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(req): ApiJson<CreateStaffRequest>,
) -> Result<(StatusCode, Json<TemporaryPassword>), WebError> {
    Ok((
        StatusCode::CREATED,
        Json(create(&state, &auth, &req).await?),
    ))
}

/// Creates a staff login with a temporary password (API and page).
pub async fn create(
    state: &AppState,
    auth: &Authenticated,
    req: &CreateStaffRequest,
) -> Result<TemporaryPassword, WebError> {
    require_admin(state, auth).await?;
    let username = username(&req.username)?;
    let role = role(&req.role)?;
    if role == Role::BranchManager && req.branch_id.is_none() {
        return Err(WebError::invalid_parameter(
            "branch_id",
            "a branch manager needs a branch_id (their data scope)",
        ));
    }
    let password = temporary_password();
    state
        .store
        .create_staff(&NewStaff {
            username: username.clone(),
            display_name: display_name(&req.display_name)?,
            role,
            branch_id: req.branch_id.map(BranchId),
            password_hash: hash(password.clone()).await?,
            must_change_password: true,
        })
        .await?;
    record(state, auth, format!("created {username} as {role}")).await?;
    Ok(TemporaryPassword {
        username: username.to_string(),
        temporary_password: password,
    })
}

/// Change a staff member's role, branch, name, or disable/enable them (disabling ends their
/// sessions at once).
#[utoipa::path(patch, path = "/api/v1/admin/staff/{username}", tag = "admin", request_body = UpdateStaffRequest,
    params(("username" = String, Path)),
    responses((status = 200, body = StaffDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn update_staff(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiPath(name): ApiPath<String>,
    ApiJson(req): ApiJson<UpdateStaffRequest>,
) -> Result<Json<StaffDto>, WebError> {
    Ok(Json(update(&state, &auth, &name, &req).await?))
}

/// Changes a staff member (API and page).
pub async fn update(
    state: &AppState,
    auth: &Authenticated,
    name: &str,
    req: &UpdateStaffRequest,
) -> Result<StaffDto, WebError> {
    require_admin(state, auth).await?;
    let name = username(name)?;
    if name == auth.staff.username
        && (req.disabled == Some(true) || req.role.as_deref().is_some_and(|r| r != "admin"))
    {
        return Err(WebError::new(
            ErrorCode::Conflict,
            "administrators cannot disable or demote themselves",
        ));
    }
    let update = StaffUpdate {
        display_name: req.display_name.as_deref().map(display_name).transpose()?,
        role: req.role.as_deref().map(role).transpose()?,
        branch_id: req.branch_id.map(|b| b.map(BranchId)),
    };
    let mut staff = state.store.update_staff(&name, &update).await?;
    if let Some(disabled) = req.disabled {
        state.store.set_disabled(&name, disabled).await?;
        staff.disabled = disabled;
    }
    let mut what = Vec::new();
    if let Some(r) = update.role {
        what.push(format!("role={r}"));
    }
    if let Some(b) = update.branch_id {
        what.push(format!(
            "branch={}",
            b.map(|b| b.0.to_string()).unwrap_or_else(|| "none".into())
        ));
    }
    if update.display_name.is_some() {
        what.push("display_name".into());
    }
    if let Some(d) = req.disabled {
        what.push(if d {
            "disabled".into()
        } else {
            "enabled".into()
        });
    }
    record(state, auth, format!("changed {name}: {}", what.join(" "))).await?;
    Ok(staff_dto(&staff, state.clock.now()))
}

/// Give a staff member a temporary password (shown once) and end their sessions.
#[utoipa::path(post, path = "/api/v1/admin/staff/{username}/reset-password", tag = "admin",
    params(("username" = String, Path)),
    responses((status = 200, body = TemporaryPassword), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiPath(name): ApiPath<String>,
) -> Result<Json<TemporaryPassword>, WebError> {
    Ok(Json(reset(&state, &auth, &name).await?))
}

/// Gives a staff member a temporary password (API and page).
pub async fn reset(
    state: &AppState,
    auth: &Authenticated,
    name: &str,
) -> Result<TemporaryPassword, WebError> {
    require_admin(state, auth).await?;
    let name = username(name)?;
    let staff = state
        .store
        .staff_by_username(&name)
        .await?
        .ok_or_else(WebError::not_found)?;
    let password = temporary_password();
    state
        .store
        .reset_password(staff.id, &hash(password.clone()).await?, true)
        .await?;
    record(state, auth, format!("reset the password of {name}")).await?;
    Ok(TemporaryPassword {
        username: name.to_string(),
        temporary_password: password,
    })
}

/// Live sessions and API tokens.
#[utoipa::path(get, path = "/api/v1/admin/sessions", tag = "admin",
    responses((status = 200, body = Vec<SessionDto>), (status = 403, body = ErrorBody)))]
pub async fn list_sessions(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<Vec<SessionDto>>, WebError> {
    require_admin(&state, &auth).await?;
    let sessions = state.store.list_sessions(None, state.clock.now()).await?;
    Ok(Json(
        sessions
            .into_iter()
            .map(|s| SessionDto {
                id: s.id,
                username: s.username,
                kind: s.kind.as_str().to_owned(),
                name: s.name,
                created_at: s.created_at,
                expires_at: if s.kind == rapport_store::SessionKind::Token {
                    s.absolute_expires_at
                } else {
                    s.idle_expires_at
                },
            })
            .collect(),
    ))
}

/// End a session or revoke an API token.
#[utoipa::path(delete, path = "/api/v1/admin/sessions/{id}", tag = "admin", params(("id" = String, Path)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_session(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, WebError> {
    require_admin(&state, &auth).await?;
    if !state.store.revoke_session(&id).await? {
        return Err(WebError::not_found());
    }
    record(&state, &auth, format!("ended session {id}")).await?;
    Ok(StatusCode::NO_CONTENT)
}
