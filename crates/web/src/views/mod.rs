//! Server-rendered pages (中文 and English). They call the same store functions and the same
//! `present` masking as the API; only the rendering differs.

/// Declares that each named form carries the page's anti-forgery token in its `csrf` field,
/// so that [`FormPost`] checks it.
macro_rules! posted_forms {
    ($($form:ty),+ $(,)?) => {
        $(impl $crate::views::PostedForm for $form {
            fn csrf(&self) -> &str {
                &self.csrf
            }
        })+
    };
}

mod admin;
mod analytics;
mod audit;
mod customers;
mod identity;
mod login;
mod scorecards;
mod segments;
mod tiers;
mod work;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::StatusCode;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use rapport_proto::{AccountDto, BranchDto, ErrorCode, Me, MoneyDto, RelationshipDto};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::auth::Authenticated;
use crate::i18n::{LANG_COOKIE, Lang, Text};
use crate::i18n_identity::IdText;
use crate::i18n_scores::ScoreText;
use crate::i18n_segments::SegText;
use crate::{AppState, WebError, assets};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::logout))
        .route(
            "/password",
            get(login::password_form).post(login::change_password),
        )
        .route("/customers", get(customers::search))
        .route(
            "/customers/new",
            get(customers::new_prospect).post(customers::create_prospect),
        )
        .route("/customers/{id}", get(customers::view))
        .route("/customers/{id}/contact", post(customers::contact))
        .route("/customers/{id}/unmask", post(customers::unmask))
        .route("/customers/{id}/rms", post(customers::assign_rm))
        .route(
            "/customers/{id}/rms/{staff_id}/end",
            post(customers::end_rm),
        )
        .route(
            "/customers/{id}/unmerge/{event_id}",
            post(identity::unmerge),
        )
        .route("/identity/reviews", get(identity::queue))
        .route(
            "/identity/reviews/{id}",
            get(identity::review).post(identity::decide),
        )
        .route("/audit", get(audit::view))
        .route("/dashboard", get(analytics::dashboard))
        .route("/workbench", get(work::workbench))
        .route("/workbench/tasks/{id}/complete", post(work::complete))
        .route("/scorecards", get(scorecards::view))
        .route("/tier-proposals", get(tiers::list))
        .route("/tier-proposals/{id}/decision", post(tiers::decide))
        .route("/segments", get(segments::list).post(segments::create))
        .route("/segments/{id}", get(segments::view))
        .route("/segments/{id}/delete", post(segments::delete))
        .route("/admin/staff", get(admin::list).post(admin::create_staff))
        .route("/admin/staff/{username}/{action}", post(admin::action))
        .route("/admin/sessions/{id}/end", post(admin::end_session))
        .route("/admin/staff-changes/{id}/{decision}", post(admin::decide))
        .route("/lang/{code}", get(switch_language))
        .route("/docs/errors", get(error_codes))
}

/// What every page template needs.
pub struct Ctx {
    pub t: &'static Text,
    /// The identity pages' strings.
    pub it: &'static IdText,
    /// The scoring pages' strings.
    pub st: &'static ScoreText,
    /// The workbench's strings.
    pub wt: &'static crate::i18n_work::WorkText,
    /// The segment pages' strings.
    pub sg: &'static SegText,
    pub lang: Lang,
    pub me: Option<Me>,
    pub csrf: String,
    /// The current path and query, URL-encoded, for the language switch to come back to.
    pub path: String,
    pub css_url: String,
    pub js_url: String,
}

impl Ctx {
    pub fn label<'a>(&self, code: &'a str) -> &'a str {
        self.lang.label(code)
    }

    pub fn id_label<'a>(&self, code: &'a str) -> &'a str {
        self.lang.id_label(code)
    }

    /// `1234567.5 CNY` → `¥1,234,567.50`.
    pub fn money(&self, m: &MoneyDto) -> String {
        let (sign, digits) = match m.amount.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", m.amount.as_str()),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let symbol = if m.currency == "CNY" { "¥" } else { "" };
        // Two places, padded with zeros; counted in characters so odd input cannot split one.
        let frac: String = format!("{frac:0<2}").chars().take(2).collect();
        let unit = if symbol.is_empty() {
            format!(" {}", m.currency)
        } else {
            String::new()
        };
        format!("{sign}{symbol}{grouped}.{frac}{unit}")
    }

    pub fn branch_name<'a>(&self, b: &'a BranchDto) -> &'a str {
        if self.lang == Lang::Zh {
            &b.name_zh
        } else {
            &b.name_en
        }
    }

    pub fn product_name<'a>(&self, a: &'a AccountDto) -> &'a str {
        if self.lang == Lang::Zh {
            &a.product_name_zh
        } else {
            &a.product_name_en
        }
    }

    pub fn relation_label(&self, r: &RelationshipDto) -> String {
        match (r.kind.as_str(), r.direction.as_str()) {
            ("employer", "outgoing") => self.t.employee_of.to_owned(),
            ("employer", "incoming") => self.t.employer_of.to_owned(),
            (kind, _) => self.lang.label(kind).to_owned(),
        }
    }
}

/// The language and location of a page request.
pub struct PageRequest {
    pub lang: Lang,
    pub path: String,
}

impl<S: Send + Sync> FromRequestParts<S> for PageRequest {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        Ok(Self {
            lang: Lang::of_request(parts),
            path: url_encode(path),
        })
    }
}

impl PageRequest {
    pub fn ctx(&self, auth: Option<&Authenticated>) -> Ctx {
        Ctx {
            t: self.lang.text(),
            it: self.lang.id_text(),
            st: self.lang.score_text(),
            wt: self.lang.work_text(),
            sg: self.lang.seg_text(),
            lang: self.lang,
            me: auth.map(crate::api::me_of),
            csrf: auth.map(|a| a.csrf_token.clone()).unwrap_or_default(),
            path: self.path.clone(),
            css_url: assets::url("app.css"),
            js_url: assets::url("app.js"),
        }
    }
}

pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The links under a paged table (`pager.html`): "page N" and the pages before and after.
pub struct Pager {
    pub label: String,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
}

impl Pager {
    pub fn new(t: &Text, page: u32, has_more: bool, link: impl Fn(u32) -> String) -> Self {
        Self {
            label: t.page.replace("{}", &page.to_string()),
            prev_url: (page > 1).then(|| link(page - 1)),
            next_url: has_more.then(|| link(page + 1)),
        }
    }
}

/// A page request by a signed-in caller. Without a usable session the page is not shown: the
/// rejection sends the browser to the login page (or to choose a new password).
pub struct SignedIn {
    pub req: PageRequest,
    pub auth: Authenticated,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let Ok(req) = PageRequest::from_request_parts(parts, state).await;
        Self::of(req, Authenticated::from_request_parts(parts, state).await)
    }
}

impl SignedIn {
    fn of(req: PageRequest, auth: Result<Authenticated, WebError>) -> Result<Self, PageError> {
        match auth {
            Ok(auth) => Ok(Self { req, auth }),
            Err(e) => Err(PageError::from_web(e, &req, None)),
        }
    }

    /// Shows a failure to this caller as a page.
    pub fn fail(&self) -> impl Fn(WebError) -> PageError + Copy + '_ {
        |e| PageError::from_web(e, &self.req, Some(&self.auth))
    }

    /// What a form did, for the banner above it: done → (true, `done`); an error among the
    /// `shown` codes → (false, its message) next to the form; any other → the error page.
    pub fn outcome<T>(
        &self,
        result: Result<T, WebError>,
        done: &str,
        shown: &[ErrorCode],
    ) -> Result<(bool, String), PageError> {
        match result {
            Ok(_) => Ok((true, done.to_owned())),
            Err(e) if shown.contains(&e.code) => Ok((false, e.message)),
            Err(e) => Err(self.fail()(e)),
        }
    }

    /// What the page's template needs, for this caller.
    pub fn ctx(&self) -> Ctx {
        self.req.ctx(Some(&self.auth))
    }

    /// The page's query: one that does not parse is an invalid `parameter`.
    pub fn query<T>(
        &self,
        query: Result<Query<T>, QueryRejection>,
        parameter: &str,
    ) -> Result<T, PageError> {
        query
            .map(|Query(q)| q)
            .map_err(|e| self.fail()(WebError::invalid_parameter(parameter, e.body_text())))
    }
}

/// A page at a path with ids, for a signed-in caller: a path that does not parse names no
/// page (not found).
pub struct PageAt<P> {
    pub page: SignedIn,
    pub id: P,
}

impl<P: PagePath> FromRequestParts<AppState> for PageAt<P> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let page = SignedIn::from_request_parts(parts, state).await?;
        let id = P::of(parts)
            .await
            .ok_or_else(|| page.fail()(WebError::not_found()))?;
        Ok(Self { page, id })
    }
}

/// A form a page posts: it carries the session's anti-forgery token.
pub trait PostedForm: DeserializeOwned + Send {
    fn csrf(&self) -> &str;
}

/// A form with nothing but the anti-forgery token (a button).
#[derive(Deserialize)]
pub struct Button {
    csrf: String,
}

posted_forms!(Button);

/// The path parameters of a page a form posts to.
pub trait PagePath: Sized + Send {
    /// `None` when the path does not parse.
    fn of(parts: &mut Parts) -> impl Future<Output = Option<Self>> + Send;
}

/// A form posted to a path without parameters (or one its handler reads itself).
impl PagePath for () {
    async fn of(_: &mut Parts) -> Option<Self> {
        Some(())
    }
}

impl PagePath for i64 {
    async fn of(parts: &mut Parts) -> Option<Self> {
        path_of(parts).await
    }
}

impl PagePath for (i64, i64) {
    async fn of(parts: &mut Parts) -> Option<Self> {
        path_of(parts).await
    }
}

async fn path_of<T: DeserializeOwned + Send>(parts: &mut Parts) -> Option<T> {
    let path = Path::from_request_parts(parts, &()).await;
    path.ok().map(|Path(p)| p)
}

/// A form posted from a page by a signed-in caller, with the path it was posted to. Checked in
/// this order, the pages' one rule: a form that does not parse is refused as axum refuses it;
/// then no session → login, a path that does not parse → not found, and a wrong anti-forgery
/// token → `csrf_rejected` ("form expired"). The only place the pages compare that token.
pub struct FormPost<F, P = ()> {
    pub page: SignedIn,
    /// The ids in the path posted to (`()` where the handler reads its path itself).
    pub id: P,
    pub form: F,
}

impl<F: PostedForm, P: PagePath> FromRequest<AppState> for FormPost<F, P> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let Ok(req) = PageRequest::from_request_parts(&mut parts, state).await;
        let auth = Authenticated::from_request_parts(&mut parts, state).await;
        let path = P::of(&mut parts).await;
        let Form(form) = Form::<F>::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let page = SignedIn::of(req, auth).map_err(IntoResponse::into_response)?;
        let fail = |e| page.fail()(e).into_response();
        let id = path.ok_or_else(|| fail(WebError::not_found()))?;
        if !page.auth.csrf_matches(form.csrf()) {
            let expired = page.req.lang.text().form_expired;
            return Err(fail(WebError::new(ErrorCode::CsrfRejected, expired)));
        }
        Ok(Self { page, id, form })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub ctx: Ctx,
    pub title: String,
    pub body: String,
}

/// A page-side failure: unauthenticated users go to the login page, anything else is shown as
/// a page (never a JSON body in the browser).
pub enum PageError {
    Login,
    ChangePassword,
    Shown(StatusCode, Box<MessagePage>),
}

impl PageError {
    pub fn from_web(e: WebError, req: &PageRequest, auth: Option<&Authenticated>) -> Self {
        let ctx = req.ctx(auth);
        match e.code {
            ErrorCode::Unauthenticated => Self::Login,
            ErrorCode::PasswordChangeRequired => Self::ChangePassword,
            ErrorCode::NotFound => Self::Shown(
                StatusCode::NOT_FOUND,
                Box::new(MessagePage {
                    title: ctx.t.not_found_title.into(),
                    body: ctx.t.not_found_body.into(),
                    ctx,
                }),
            ),
            _ => Self::Shown(
                e.status(),
                Box::new(MessagePage {
                    title: ctx.t.error_title.into(),
                    body: e.message,
                    ctx,
                }),
            ),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            Self::Login => Redirect::to("/login").into_response(),
            Self::ChangePassword => Redirect::to("/password").into_response(),
            Self::Shown(status, page) => (status, *page).into_response(),
        }
    }
}

async fn home(auth: Result<Authenticated, WebError>) -> Redirect {
    Redirect::to(if auth.is_ok() { "/customers" } else { "/login" })
}

#[derive(Deserialize)]
struct LangQuery {
    next: Option<String>,
}

/// Whether `next` is a path on this site and nothing a browser could read as another site:
/// one leading `/`, then only visible ASCII without `\\` (browsers drop tabs and newlines
/// from URLs, so `/\t/evil.example` would become `//evil.example`).
fn is_same_site_path(next: &str) -> bool {
    let mut chars = next.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && next.chars().all(|c| c.is_ascii_graphic() && c != '\\')
}

/// Sets the language cookie and returns to the page the switch was pressed on.
async fn switch_language(
    axum::extract::Path(code): axum::extract::Path<String>,
    Query(q): Query<LangQuery>,
) -> Result<Response, WebError> {
    let lang = Lang::parse(&code)
        .ok_or_else(|| WebError::invalid_parameter("code", "language must be zh or en"))?;
    let next = q
        .next
        .filter(|n| is_same_site_path(n))
        .unwrap_or_else(|| "/".to_owned());
    let code = if lang == Lang::Zh { "zh" } else { "en" };
    Ok((
        StatusCode::SEE_OTHER,
        [
            (
                SET_COOKIE,
                format!("{LANG_COOKIE}={code}; Path=/; SameSite=Lax; Max-Age=31536000"),
            ),
            (LOCATION, next),
        ],
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "errors.html")]
struct ErrorCodesPage {
    ctx: Ctx,
    codes: Vec<(&'static str, u16, &'static str)>,
}

async fn error_codes(req: PageRequest, auth: Result<Authenticated, WebError>) -> ErrorCodesPage {
    ErrorCodesPage {
        ctx: req.ctx(auth.as_ref().ok()),
        codes: ErrorCode::ALL
            .iter()
            .map(|c| (c.as_str(), c.status(), c.description()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::is_same_site_path;

    #[test]
    fn only_same_site_paths_are_redirect_targets() {
        for ok in ["/", "/customers/12?page=2", "/segments#x"] {
            assert!(is_same_site_path(ok), "{ok}");
        }
        for bad in [
            "",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "https://evil.example",
            "\\/evil.example",
            "/客户",
            "/a\\b",
        ] {
            assert!(!is_same_site_path(bad), "{bad:?}");
        }
    }
}
