use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use rapport_proto::ErrorCode;
use serde::Deserialize;

use super::{Ctx, PageError, PageRequest};
use crate::audit;
use crate::auth::{self, Authenticated, ClientIp};
use crate::{AppState, WebError};
use rapport_store::audit::AuditAction;

const LOGIN_CSRF_COOKIE: &str = "rapport_login_csrf";

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: Ctx,
    login_csrf: String,
    username: String,
    error: Option<String>,
}

/// The login form carries a fresh anti-forgery token, also set as a cookie (double submit).
fn render(
    req: &PageRequest,
    status: StatusCode,
    username: String,
    error: Option<String>,
) -> Response {
    let token = auth::random_token();
    let cookie = format!(
        "{LOGIN_CSRF_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600"
    );
    let page = LoginPage {
        ctx: req.ctx(None),
        login_csrf: token,
        username,
        error,
    };
    (status, [(SET_COOKIE, cookie)], page).into_response()
}

pub async fn show(req: PageRequest, auth: Result<Authenticated, WebError>) -> Response {
    if auth.is_ok() {
        return Redirect::to("/customers").into_response();
    }
    render(&req, StatusCode::OK, String::new(), None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf: String,
}

/// The cookie half of the double-submit token.
pub struct LoginCsrfCookie(Option<String>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for LoginCsrfCookie {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            auth::cookie(parts, LOGIN_CSRF_COOKIE).map(str::to_owned),
        ))
    }
}

pub async fn submit(
    State(state): State<AppState>,
    req: PageRequest,
    csrf_cookie: LoginCsrfCookie,
    ClientIp(ip): ClientIp,
    Form(form): Form<LoginForm>,
) -> Response {
    let t = req.lang.text();
    let expected = csrf_cookie.0.as_deref().unwrap_or("");
    if form.csrf.is_empty() || !crate::auth::same_secret(expected, &form.csrf) {
        return render(
            &req,
            StatusCode::FORBIDDEN,
            form.username,
            Some(t.form_expired.into()),
        );
    }
    match auth::login(&state, &form.username, &form.password, ip).await {
        Ok(ok) => (
            StatusCode::SEE_OTHER,
            [
                (SET_COOKIE, auth::session_cookie(&state, &ok.token)),
                (LOCATION, "/customers".to_owned()),
            ],
        )
            .into_response(),
        Err(e) => {
            let message = match e.code {
                ErrorCode::InvalidCredentials => t.bad_credentials.to_owned(),
                ErrorCode::AccountLocked => t.locked.to_owned(),
                _ => e.message.clone(),
            };
            render(&req, e.status(), form.username, Some(message))
        }
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    req: PageRequest,
    auth: Result<Authenticated, WebError>,
    Form(form): Form<LogoutForm>,
) -> Result<Response, PageError> {
    let auth = auth.map_err(|e| PageError::from_web(e, &req, None))?;
    if !auth.csrf_matches(&form.csrf) {
        let e = WebError::new(ErrorCode::CsrfRejected, req.lang.text().form_expired);
        return Err(PageError::from_web(e, &req, Some(&auth)));
    }
    state
        .store
        .delete_session(&auth.token_hash)
        .await
        .map_err(|e| PageError::from_web(e.into(), &req, Some(&auth)))?;
    state
        .audit
        .record(audit::by(&auth, state.clock.now(), AuditAction::Logout))
        .await
        .map_err(|e| PageError::from_web(e, &req, Some(&auth)))?;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (SET_COOKIE, auth::clear_session_cookie(&state)),
            (LOCATION, "/login".to_owned()),
        ],
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "password.html")]
pub struct PasswordPage {
    ctx: Ctx,
    error: Option<String>,
}

pub async fn password_form(
    req: PageRequest,
    auth: Result<Authenticated, WebError>,
) -> Result<PasswordPage, PageError> {
    let auth = auth.map_err(|e| PageError::from_web(e, &req, None))?;
    Ok(PasswordPage {
        ctx: req.ctx(Some(&auth)),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: String,
    current_password: String,
    new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    req: PageRequest,
    auth: Result<Authenticated, WebError>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let auth = auth.map_err(|e| PageError::from_web(e, &req, None))?;
    if !auth.csrf_matches(&form.csrf) {
        let e = WebError::new(ErrorCode::CsrfRejected, req.lang.text().form_expired);
        return Err(PageError::from_web(e, &req, Some(&auth)));
    }
    match auth::change_password(&state, &auth, &form.current_password, &form.new_password).await {
        Ok(()) => Ok(Redirect::to("/customers").into_response()),
        Err(e) if e.code == ErrorCode::InvalidParameter => Ok((
            StatusCode::BAD_REQUEST,
            PasswordPage {
                ctx: req.ctx(Some(&auth)),
                error: Some(e.message),
            },
        )
            .into_response()),
        Err(e) => Err(PageError::from_web(e, &req, Some(&auth))),
    }
}
