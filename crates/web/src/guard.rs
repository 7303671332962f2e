//! The last line of defence: a panic while answering a request becomes a 500 with the
//! `internal` code and an audit record, never a dropped connection. Handlers are written not
//! to panic (clippy denies `unwrap`, `expect`, `panic` and slicing); this catches what slips
//! through, so that one bad request cannot take a worker or a connection down.
use std::panic::AssertUnwindSafe;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;
use rapport_store::audit::{AuditAction, NewAuditEntry};

use crate::{AppState, WebError};

pub async fn catch_panics(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    // The route template, not the path: a path can carry an identifier typed by the caller.
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "(unmatched)".to_owned(), |p| p.as_str().to_owned());
    match AssertUnwindSafe(next.run(req)).catch_unwind().await {
        Ok(response) => response,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::error!(%method, %route, panic = %what, "request handler panicked");
            let mut e = NewAuditEntry::new(state.clock.now(), "-", AuditAction::RequestFailed);
            e.detail = Some(format!("panic in {method} {route}"));
            if let Err(err) = state.audit.record(e).await {
                tracing::error!(error = %err, "the panic's audit entry was not written");
            }
            WebError::new(rapport_proto::ErrorCode::Internal, "internal error").into_response()
        }
    }
}
