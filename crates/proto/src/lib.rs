//! The REST API contract of `/api/v1`: request and response bodies as they travel, and the
//! table of stable error codes. Only types and their documentation live here; no behaviour.
//!
//! Personal fields in responses are already masked per the viewer's role when they are put in
//! these types (see `rapport-web`'s `present` module); the type does not say which.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod customers;
mod errors;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use customers::*;
pub use errors::{ErrorBody, ErrorCode};

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    #[schema(format = Password)]
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    /// Bearer token for API clients (`Authorization: Bearer …`); browsers use the cookie.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub staff: Me,
}

/// The logged-in staff member.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub username: String,
    pub display_name: String,
    /// One of rm, branch_manager, service_agent, data_steward, marketing, auditor, admin.
    pub role: String,
    pub branch_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Health {
    pub status: String,
    pub store: Option<String>,
}
