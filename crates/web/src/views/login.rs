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

use super::{Button, Ctx, FormPost, PageError, PageRequest, SignedIn};
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

pub async fn logout(
    State(state): State<AppState>,
    FormPost { page, .. }: FormPost<Button>,
) -> Result<Response, PageError> {
    let fail = page.fail();
    state
        .store
        .delete_session(&page.auth.token_hash)
        .await
        .map_err(|e| fail(e.into()))?;
    state
        .audit
        .record(audit::by(
            &page.auth,
            state.clock.now(),
            AuditAction::Logout,
        ))
        .await
        .map_err(fail)?;
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

pub async fn password_form(page: SignedIn) -> Result<PasswordPage, PageError> {
    Ok(PasswordPage {
        ctx: page.ctx(),
        error: None,
    })
}

posted_forms!(PasswordForm);

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: String,
    current_password: String,
    new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    FormPost { page, form, .. }: FormPost<PasswordForm>,
) -> Result<Response, PageError> {
    let (current, new) = (&form.current_password, &form.new_password);
    match auth::change_password(&state, &page.auth, current, new).await {
        Ok(()) => Ok(Redirect::to("/customers").into_response()),
        Err(e) if e.code == ErrorCode::InvalidParameter => Ok((
            StatusCode::BAD_REQUEST,
            PasswordPage {
                ctx: page.ctx(),
                error: Some(e.message),
            },
        )
            .into_response()),
        Err(e) => Err(page.fail()(e)),
    }
}
