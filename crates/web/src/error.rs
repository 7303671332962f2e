//! The one error type at the HTTP edge: every failure becomes a stable code, a status and a
//! message; domain and store errors are mapped here and nowhere else.
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rapport_proto::ErrorCode;
use rapport_store::StoreError;

#[derive(Debug, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct WebError {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
}

impl WebError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn invalid_parameter(field: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameter, message).with_field(field)
    }

    pub fn not_found() -> Self {
        Self::new(ErrorCode::NotFound, "not found")
    }

    pub fn unauthenticated() -> Self {
        Self::new(ErrorCode::Unauthenticated, "log in first")
    }

    pub fn internal(context: &str, e: impl std::fmt::Display) -> Self {
        tracing::error!(context, error = %e, "internal error");
        Self::new(ErrorCode::Internal, "internal error")
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(m) => {
                tracing::error!(error = %m, "store unavailable");
                Self::new(ErrorCode::StoreUnavailable, "the database is unavailable")
            }
            StoreError::Conflict(m) => Self::new(ErrorCode::Conflict, m),
            StoreError::NotFound(_) => Self::not_found(),
            StoreError::Invalid(m) => Self::new(ErrorCode::InvalidParameter, m),
            StoreError::Migration(m) | StoreError::Database(m) => Self::internal("store", m),
        }
    }
}

impl From<rapport_services::AuditError> for WebError {
    fn from(e: rapport_services::AuditError) -> Self {
        match e {
            rapport_services::AuditError::Append(_) => Self::new(
                ErrorCode::StoreUnavailable,
                "the audit trail cannot be written; try again",
            ),
            rapport_services::AuditError::Stopped => Self::internal("audit", e),
        }
    }
}

impl From<rapport_services::staff::StaffError> for WebError {
    fn from(e: rapport_services::staff::StaffError) -> Self {
        use rapport_services::staff::StaffError;
        match e {
            StaffError::Invalid { field, message } => Self::invalid_parameter(field, message),
            StaffError::UsernameTaken(_) => Self::new(ErrorCode::Conflict, e.to_string()),
            // The administrator addressed a login by name: unknown reads as 404.
            StaffError::UnknownStaff(_) => Self::not_found(),
            StaffError::Store(e) => e.into(),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        (status, Json(self.code.body(self.message, self.field))).into_response()
    }
}

pub async fn not_found() -> WebError {
    WebError::not_found()
}

pub async fn method_not_allowed() -> WebError {
    WebError::new(
        ErrorCode::MethodNotAllowed,
        "method not allowed on this path",
    )
}
