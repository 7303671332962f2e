//! The HTTP edge of Rapport: the only crate that knows HTTP, cookies and JSON.
//!
//! `/api/v1/*` is the REST API (OpenAPI at `/api/v1/openapi.json`); the pages are rendered here
//! from the same store calls. Every response that carries customer data goes through
//! [`present`], which masks personal fields per the viewer's role; every customer read goes
//! through the store with the viewer's scope.

/// A table of page strings: each field once, its 中文 and English side by side
/// (`field: "中文", "English";`), declared as a struct with the two tables `ZH` and `EN`. A
/// field without both translations does not compile.
macro_rules! translations {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($(#[$doc:meta])* $field:ident: $zh:literal, $en:literal;)*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$doc])* pub $field: &'static str,)*
        }

        pub static ZH: $name = $name { $($field: $zh,)* };

        pub static EN: $name = $name { $($field: $en,)* };
    };
}

pub mod access;
mod analytics;
mod api;
mod assets;
pub mod audit;
mod auth;
mod changes;
mod error;
mod extract;
mod guard;
mod headers;
mod i18n;
mod i18n_identity;
mod i18n_scores;
mod i18n_segments;
mod i18n_work;
mod identity;
mod matching;
mod portfolio;
mod present;
mod reads;
mod scorecards;
mod scores;
mod segments;
mod throttle;
mod tiers;
mod views;
mod work;
mod workbench;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use rapport_domain::{BankSettings, Clock};
use rapport_store::{LockoutPolicy, Store};
use tokio::net::TcpListener;

pub use auth::{random_token as new_token, token_hash as token_digest};
pub use error::WebError;
pub use matching::{MatchIndexHandle, rebuild_match_index};
pub use rapport_services::{EvaluationError, SegmentEngine};
pub use throttle::IdentifierSearchLimits;

/// Settings of the HTTP edge.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// A session ends after this long without a request.
    pub session_idle: chrono::Duration,
    /// A session ends this long after login, whatever happens.
    pub session_absolute: chrono::Duration,
    /// Failed logins per username (`max_failures`) within a window (`lock_for`) before that
    /// username is refused for the rest of the window, whether or not it exists.
    pub lockout: LockoutPolicy,
    /// Failed logins from one client address within the same window before it is refused.
    pub login_failures_per_address: i64,
    /// Proxies whose `X-Forwarded-For` is believed: the client address is the last one it
    /// names that is not a trusted proxy. Without any, the connection's peer is the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Searches by a whole mobile, resident ID or account number.
    pub identifier_searches: throttle::IdentifierSearchLimits,
    /// Mark cookies `Secure` (HTTPS only). Off only when serving plain HTTP on loopback.
    pub secure_cookies: bool,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// Largest accepted upload (source extracts).
    pub max_upload_bytes: usize,
    /// Where uploads are staged and mapping files live (`mappings/<name>.mapping.toml`);
    /// `None`: uploads are off.
    pub import_dir: Option<std::path::PathBuf>,
    /// Portfolio moves of more customers than this wait for a second person's approval.
    pub reassign_approval_threshold: i64,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            session_idle: chrono::Duration::minutes(30),
            session_absolute: chrono::Duration::hours(10),
            lockout: LockoutPolicy {
                max_failures: 5,
                lock_for: chrono::Duration::minutes(15),
            },
            login_failures_per_address: 50,
            trusted_proxies: Vec::new(),
            identifier_searches: throttle::IdentifierSearchLimits::default(),
            secure_cookies: true,
            max_body_bytes: 64 * 1024,
            max_upload_bytes: 512 * 1024 * 1024,
            import_dir: None,
            reassign_approval_threshold: 100,
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub bank: Arc<BankSettings>,
    pub config: Arc<WebConfig>,
    pub audit: audit::AuditSink,
    /// The real-time matching index; empty until the first build finishes.
    pub match_index: MatchIndexHandle,
    /// Source trust order for the golden records of manual merges and unmerges.
    pub trust: Arc<rapport_resolve::Trust>,
    /// Checks and evaluates saved segments in the warehouse; `None`: segments can be listed
    /// and viewed but not created (`segments_unavailable`).
    pub segments: Option<Arc<dyn SegmentEngine>>,
}

impl AppState {
    /// Builds the state and starts the audit writer (call inside the Tokio runtime).
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        bank: BankSettings,
        config: WebConfig,
    ) -> Self {
        Self {
            audit: audit::AuditSink::start(store.clone()),
            store,
            clock,
            bank: Arc::new(bank),
            config: Arc::new(config),
            match_index: MatchIndexHandle::default(),
            trust: Arc::new(rapport_resolve::Trust::default()),
            segments: None,
        }
    }

    /// The engine that checks and evaluates segments (the binary's, over its warehouse).
    pub fn with_segment_engine(mut self, engine: Arc<dyn SegmentEngine>) -> Self {
        self.segments = Some(engine);
        self
    }
}

/// The whole application: API, pages, static assets, security headers.
pub fn app(state: AppState) -> Router {
    let (api, _) = api::router().split_for_parts();
    let (uploads, _) = api::upload_router().split_for_parts();
    Router::new()
        .merge(api)
        .merge(views::router())
        .merge(assets::router())
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            state.config.max_body_bytes,
        ))
        .merge(uploads.layer(tower_http::limit::RequestBodyLimitLayer::new(
            state.config.max_upload_bytes,
        )))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::catch_panics,
        ))
        .layer(axum::middleware::from_fn(headers::security_headers))
        .with_state(state)
}

/// The OpenAPI document of `/api/v1`, as served at `/api/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::router()
        .merge(api::upload_router())
        .split_for_parts()
        .1
}

/// Serves until Ctrl-C / SIGTERM on a listener the caller bound (tests bind port 0).
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    // Matching answers `index_building` until this finishes; pages and the API work meanwhile.
    tokio::spawn(rebuild_match_index(state.clone()));
    let app = app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
