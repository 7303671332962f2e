use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{AppendHeaders, IntoResponse};
use rapport_proto::{ChangePasswordRequest, ErrorBody, LoginRequest, LoginResponse, Me};

use super::{Caller, Errors};
use crate::audit;
use crate::auth::{self as session, Authenticated, ClientIp};
use crate::extract::ApiJson;
use crate::{AppState, WebError};
use rapport_store::audit::AuditAction;

pub fn me_of(a: &Authenticated) -> Me {
    Me {
        username: a.staff.username.to_string(),
        display_name: a.staff.display_name.clone(),
        role: a.staff.role.as_str().to_owned(),
        branch_id: a.staff.branch_id.map(|b| b.0),
    }
}

/// Log in with a username and password. Sets the session cookie and returns a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse),
        (status = 400, body = ErrorBody, description = "malformed JSON"),
        (status = 401, body = ErrorBody, description = "invalid_credentials"),
        (status = 423, body = ErrorBody, description = "account_locked"),
        Errors<415>))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<impl IntoResponse, WebError> {
    let ok = session::login(&state, &req.username, &req.password, ip).await?;
    let cookie = session::session_cookie(&state, &ok.token);
    let body = LoginResponse {
        token: ok.token,
        csrf_token: ok.csrf_token,
        expires_at: ok.expires_at,
        staff: Me {
            username: ok.staff.username.to_string(),
            display_name: ok.staff.display_name,
            role: ok.staff.role.as_str().to_owned(),
            branch_id: ok.staff.branch_id.map(|b| b.0),
        },
    };
    Ok((AppendHeaders([(SET_COOKIE, cookie)]), Json(body)))
}

/// End the current session (cookie or bearer token).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204), Errors<401>))]
pub async fn logout(Caller { state, auth }: Caller) -> Result<impl IntoResponse, WebError> {
    state.store.delete_session(&auth.token_hash).await?;
    state
        .audit
        .record(audit::by(&auth, state.clock.now(), AuditAction::Logout))
        .await?;
    tracing::info!(staff_id = auth.staff.id.0, "logout");
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([(SET_COOKIE, session::clear_session_cookie(&state))]),
    ))
}

/// Who is logged in.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth",
    responses((status = 200, body = Me), Errors<401>))]
pub async fn me(auth: Authenticated) -> Json<Me> {
    Json(me_of(&auth))
}

/// Choose a new password (required first after a temporary one). Other sessions end.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth",
    request_body = ChangePasswordRequest,
    responses(
        (status = 204),
        (status = 400, body = ErrorBody, description = "wrong current password, or a weak new one"),
        Errors<401>))]
pub async fn change_password(
    Caller { state, auth }: Caller,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> Result<StatusCode, WebError> {
    session::change_password(&state, &auth, &req.current_password, &req.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}
