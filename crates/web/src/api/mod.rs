//! `/api/v1`: each operation declared once, with its OpenAPI description, through utoipa-axum.
pub mod admin;
mod analytics;
pub mod audit;
mod auth;
mod customers;
mod health;
mod identity;
mod identity_merge;
mod imports;
mod segments;
mod work;

pub use auth::me_of;
pub use customers::{page_request, parse_unmask};
pub use identity::parse_status;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Authenticated;
use crate::{AppState, WebError};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rapport API",
        version = "1",
        description = "Rapport bank CRM. Every customer read is limited to the caller's data scope and \
                       personal fields are masked per role. Errors carry a stable `code` (see ErrorBody)."
    ),
    components(schemas(rapport_proto::ErrorBody)),
    modifiers(&SecuritySchemes),
    security(("bearer" = []), ("session_cookie" = [])),
    tags(
        (name = "auth", description = "Login, logout, who am I"),
        (name = "customers", description = "Customer search and the 360° view"),
        (name = "audit", description = "The audit trail (auditors only)"),
        (name = "identity", description = "Identity resolution: the data steward's review queue, merges, real-time matching"),
        (name = "analytics", description = "Score distributions and the 80/20 analysis, within the caller's scope"),
        (name = "segments", description = "Saved customer segments: conditions over the features, evaluated in the warehouse; members within the caller's scope"),
        (name = "work", description = "The RM's workbench, tasks and the interactions log"),
        (name = "admin", description = "Staff administration (administrators only)"),
        (name = "operations", description = "Health and readiness")
    )
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

/// The error answers an operation lists with nothing to say but their status, each an
/// `ErrorBody`: `Errors<401, 404>` in `responses(...)` stands for
/// `(status = 401, body = ErrorBody), (status = 404, body = ErrorBody)`. `0` is no status (the
/// unused places).
pub struct Errors<const A: u16, const B: u16 = 0, const C: u16 = 0, const D: u16 = 0>;

impl<const A: u16, const B: u16, const C: u16, const D: u16> IntoResponses for Errors<A, B, C, D> {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        [A, B, C, D]
            .into_iter()
            .filter(|status| *status != 0)
            .map(|status| error_response(status, ""))
            .collect()
    }
}

/// One error answer: `status` with an `ErrorBody`.
fn error_response(status: u16, description: &str) -> (String, RefOr<Response>) {
    let error_body = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("ErrorBody")))
        .build();
    let response = ResponseBuilder::new()
        .description(description)
        .content("application/json", error_body)
        .build();
    (status.to_string(), RefOr::T(response))
}

/// Declares error answers that several operations give with the same description, as types
/// to name in `responses(...)`.
macro_rules! described_errors {
    ($($(#[$doc:meta])* $name:ident = $status:literal, $description:literal;)+) => {
        $($(#[$doc])*
        pub struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                BTreeMap::from([error_response($status, $description)])
            }
        })+
    };
}

described_errors! {
    /// An id in the path that is not a number.
    BadId = 400, "id is not a number";
    /// A list's status or paging that is out of range.
    BadPageQuery = 400, "invalid_parameter (status, page, page_size)";
    /// A body field that is invalid, named in `field`.
    BadField = 400, "a field is invalid; `field` names it";
    /// A data steward's operation asked by another role.
    NotSteward = 403, "not a data steward";
    /// A staff change decided by the administrator who requested it.
    OwnRequest = 403, "you requested it: a different administrator decides";
    /// A decision on something decided before.
    DecidedAlready = 409, "decided already";
}

/// The caller of an operation: the server's state and the signed-in staff member (no valid
/// session or token → the `Authenticated` rejection, 401).
pub struct Caller {
    pub state: AppState,
    pub auth: Authenticated,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let auth = Authenticated::from_request_parts(parts, state).await?;
        let state = state.clone();
        Ok(Self { state, auth })
    }
}

/// A 201 answer: `body` was made.
pub fn created<T>(body: T) -> (StatusCode, Json<T>) {
    (StatusCode::CREATED, Json(body))
}

/// A 202 answer: `body` was requested and waits (for a second administrator).
pub fn accepted<T>(body: T) -> (StatusCode, Json<T>) {
    (StatusCode::ACCEPTED, Json(body))
}

/// Uploads: served with their own, larger body limit (`WebConfig::max_upload_bytes`).
pub fn upload_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(imports::upload))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::change_password))
        .routes(routes!(analytics::dashboard))
        .routes(routes!(analytics::pareto))
        .routes(routes!(work::workbench))
        .routes(routes!(work::list_tasks, work::create_task))
        .routes(routes!(work::complete_task))
        .routes(routes!(work::list_interactions, work::log_interaction))
        .routes(routes!(work::pending_reassignments, work::reassign))
        .routes(routes!(work::approve_reassignment))
        .routes(routes!(work::assign_rm))
        .routes(routes!(work::end_secondary_rm))
        .routes(routes!(work::scorecards))
        .routes(routes!(work::tier_proposals))
        .routes(routes!(work::decide_tier_proposal))
        .routes(routes!(work::contact_plans, work::set_contact_plan))
        .routes(routes!(segments::list_segments, segments::create_segment))
        .routes(routes!(segments::get_segment, segments::delete_segment))
        .routes(routes!(admin::list_staff, admin::create_staff))
        .routes(routes!(admin::update_staff))
        .routes(routes!(admin::reset_password))
        .routes(routes!(admin::list_staff_changes))
        .routes(routes!(admin::approve_staff_change))
        .routes(routes!(admin::reject_staff_change))
        .routes(routes!(admin::list_sessions))
        .routes(routes!(admin::revoke_session))
        .routes(routes!(
            customers::list_customers,
            customers::create_customer
        ))
        .routes(routes!(customers::get_customer, customers::update_customer))
        .routes(routes!(customers::customer_history))
        .routes(routes!(customers::customer_scores))
        .routes(routes!(customers::unmask_field))
        .routes(routes!(identity::list_reviews))
        .routes(routes!(identity::get_review))
        .routes(routes!(identity::decide_review))
        .routes(routes!(identity::match_record))
        .routes(routes!(identity_merge::merge_customer))
        .routes(routes!(identity_merge::undo_merge))
        .routes(routes!(identity_merge::customer_identity))
        .routes(routes!(audit::list_audit))
        .routes(routes!(audit::export_audit))
        .route("/api/v1/openapi.json", axum::routing::get(openapi_json))
}

async fn openapi_json() -> impl IntoResponse {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    Json(DOC.get_or_init(crate::openapi).clone())
}
