//! The REST API contract of `/api/v1`: request and response bodies as they travel, and the
//! table of stable error codes. Only types and their documentation live here; no behaviour.
//!
//! Personal fields in responses are already masked per the viewer's role when they are put in
//! these types (see `rapport-web`'s `present` module); the type does not say which.

mod analytics;
mod customers;
mod errors;
mod identity;
mod scores;
mod segments;
mod work;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use analytics::*;
pub use customers::*;
pub use errors::{ErrorBody, ErrorCode};
pub use identity::*;
pub use scores::*;
pub use segments::*;
pub use work::*;

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
    /// A client that uses the session cookie instead of the bearer token sends this in the
    /// `X-CSRF-Token` header with every write (POST, PUT, PATCH, DELETE); without it the write
    /// is refused (`csrf_rejected`).
    pub csrf_token: String,
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

/// One entry of the audit trail as the auditor sees it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditEntryDto {
    pub seq: i64,
    /// UTC.
    pub at: DateTime<Utc>,
    pub actor_username: String,
    pub actor_role: Option<String>,
    pub source_ip: Option<String>,
    /// login_succeeded, login_failed, logout, customer_viewed, customers_listed,
    /// customers_searched, field_unmasked, customer_changed, exported, authorization_failed,
    /// staff_changed, staff_change_requested, staff_change_approved, staff_change_rejected,
    /// audit_viewed, review_viewed, review_decided, customers_merged,
    /// merge_undone, identity_matched, report_viewed, segment_viewed, segment_changed.
    pub action: String,
    pub party_id: Option<i64>,
    pub fields_unmasked: Vec<String>,
    pub reason: Option<String>,
    pub detail: Option<String>,
    pub hash: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntryDto>,
    pub page: u32,
    pub page_size: u32,
    pub has_more: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[schema(format = Password)]
    pub current_password: String,
    /// At least 12 characters, different from the current one.
    #[schema(format = Password)]
    pub new_password: String,
}

/// A staff member as administrators see them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StaffDto {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub branch_id: Option<i64>,
    pub disabled: bool,
    pub locked: bool,
    pub must_change_password: bool,
    pub can_log_in: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateStaffRequest {
    pub username: String,
    pub display_name: String,
    /// rm, branch_manager, service_agent, data_steward, marketing, auditor or admin.
    pub role: String,
    pub branch_id: Option<i64>,
}

/// Changes to a staff member; absent fields stay as they are.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateStaffRequest {
    pub display_name: Option<String>,
    pub role: Option<String>,
    /// A branch id, or null to clear it (absent: unchanged).
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub branch_id: Option<Option<i64>>,
    pub disabled: Option<bool>,
}

/// A staff change that waits for a second administrator (separation of duties): creating a
/// login, changing its role or branch, enabling it, resetting its password or creating an API
/// token take effect only when an administrator other than the requester approves.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StaffChangeDto {
    /// Pass it to POST /api/v1/admin/staff-changes/{id}/approve or …/reject.
    pub id: i64,
    /// create_login, change_access, enable, reset_password or create_token.
    pub kind: String,
    /// The login concerned (for a token, its service account svc.<name>).
    pub username: String,
    /// For create_login.
    pub display_name: Option<String>,
    /// The role the change gives (create_login, create_token; change_access when it changes it).
    pub role: Option<String>,
    /// Whether the change sets the branch (to `branch_id`, null clearing it).
    pub sets_branch: bool,
    pub branch_id: Option<i64>,
    /// For create_token: days until the token expires.
    pub token_days: Option<i64>,
    /// The requesting administrator's staff id; null when requested from the command line.
    pub requested_by: Option<i64>,
    /// web, api or cli.
    pub requested_via: String,
    pub requested_at: DateTime<Utc>,
    /// pending, approved or rejected.
    pub status: String,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// An approved staff change and the credential it hands over, shown to the approver once.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StaffChangeApproved {
    pub change: StaffChangeDto,
    /// For create_login and reset_password: a temporary password, changed at the first login.
    pub temporary_password: Option<String>,
    /// For create_token: send it as `Authorization: Bearer <token>`.
    pub token: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SessionDto {
    /// Pass it to DELETE /api/v1/admin/sessions/{id} to end the session.
    pub id: String,
    pub username: String,
    /// browser or token.
    pub kind: String,
    pub name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// `Option<Option<T>>` that tells an absent field from an explicit null.
mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}
