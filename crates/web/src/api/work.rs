//! `/api/v1/workbench`, `/api/v1/tasks` and a customer's interactions: the RM's day (R4.2–R4.4).
use axum::Json;
use axum::http::StatusCode;
use rapport_domain::PartyId;
use rapport_proto::{
    CompleteTaskRequest, CompletedTaskDto, CreateTaskRequest, ErrorBody, InteractionDto,
    LogInteractionRequest, ReassignPreviewDto, ReassignRequest, ReassignmentDto, TaskDto, TaskPage,
    WorkbenchDto,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{BadPageQuery, Caller, DecidedAlready, Errors, created};
use crate::extract::{ApiJson, ApiPath, ApiQuery, ReplyLang};
use crate::{WebError, portfolio, work, workbench};

/// The caller's day: their open tasks due today or overdue (soonest first), the next two
/// weeks' tasks and open tasks by kind. Audited as a report.
#[utoipa::path(get, path = "/api/v1/workbench", tag = "work",
    responses((status = 200, body = WorkbenchDto), Errors<401>))]
pub async fn workbench(
    Caller { state, auth }: Caller,
    ReplyLang(lang): ReplyLang,
) -> Result<Json<WorkbenchDto>, WebError> {
    Ok(Json(workbench::workbench(&state, &auth, 1, lang).await?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TaskListQuery {
    /// open (the default), done, cancelled or any.
    status: Option<String>,
    /// Only tasks due after this day, YYYY-MM-DD.
    due_after: Option<chrono::NaiveDate>,
    /// Only tasks due on or before this day, YYYY-MM-DD.
    due_until: Option<chrono::NaiveDate>,
    /// Page number, from 1.
    page: Option<u32>,
    /// Rows per page, 1–100 (default 20).
    page_size: Option<u32>,
}

/// The caller's own tasks, soonest due first, a page at a time; only those whose customer is
/// in the caller's scope. Audited as a report.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "work",
    params(TaskListQuery),
    responses(
        (status = 200, body = TaskPage),
        (status = 400, body = ErrorBody, description = "invalid_parameter: status, due_after, due_until, page or page_size"),
        Errors<401>))]
pub async fn list_tasks(
    Caller { state, auth }: Caller,
    ReplyLang(lang): ReplyLang,
    ApiQuery(q): ApiQuery<TaskListQuery>,
) -> Result<Json<TaskPage>, WebError> {
    let page = crate::api::page_request(q.page, q.page_size)?;
    let filter = workbench::TaskFilter {
        status: q.status,
        due_after: q.due_after,
        due_until: q.due_until,
    };
    Ok(Json(
        workbench::tasks(&state, &auth, &filter, page, lang).await?,
    ))
}

/// A task for a customer in the caller's scope (rm, branch_manager); a customer outside the
/// scope answers 404. Audited.
#[utoipa::path(post, path = "/api/v1/tasks", tag = "work",
    request_body = CreateTaskRequest,
    responses(
        (status = 201, body = TaskDto),
        (status = 400, body = ErrorBody, description = "invalid_parameter: kind, reason, due_on or owner_staff_id (e.g. a disabled owner)"),
        (status = 404, body = ErrorBody, description = "no such customer in the caller's scope"),
        Errors<401, 403>))]
pub async fn create_task(
    Caller { state, auth }: Caller,
    ReplyLang(lang): ReplyLang,
    ApiJson(req): ApiJson<CreateTaskRequest>,
) -> Result<(StatusCode, Json<TaskDto>), WebError> {
    Ok(created(work::create_task(&state, &auth, &req, lang).await?))
}

/// Completes one of the caller's own open tasks with its outcome; the contact is logged on the
/// customer's timeline and the task's alert is closed. Another RM's task answers 404. Audited.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/complete", tag = "work",
    params(("id" = i64, Path, description = "Task id")),
    request_body = CompleteTaskRequest,
    responses(
        (status = 200, body = CompletedTaskDto),
        (status = 400, body = ErrorBody, description = "invalid_parameter: channel, direction, outcome or notes"),
        (status = 404, body = ErrorBody, description = "not the caller's open task"),
        Errors<401>))]
pub async fn complete_task(
    Caller { state, auth }: Caller,
    ReplyLang(lang): ReplyLang,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CompleteTaskRequest>,
) -> Result<Json<CompletedTaskDto>, WebError> {
    Ok(Json(
        work::complete_task(&state, &auth, id, &req, lang).await?,
    ))
}

/// A customer's contacts, newest first (within the caller's scope). Audited as a view.
#[utoipa::path(get, path = "/api/v1/customers/{id}/interactions", tag = "work",
    params(("id" = i64, Path, description = "Customer (party) id")),
    responses((status = 200, body = Vec<InteractionDto>), Errors<401, 404>))]
pub async fn list_interactions(
    Caller { state, auth }: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<InteractionDto>>, WebError> {
    Ok(Json(work::interactions(&state, &auth, PartyId(id)).await?))
}

/// Logs a contact with a customer in the caller's scope (rm, branch_manager, service_agent);
/// a contact for care resets the care plan whoever made it. Audited.
#[utoipa::path(post, path = "/api/v1/customers/{id}/interactions", tag = "work",
    params(("id" = i64, Path, description = "Customer (party) id")),
    request_body = LogInteractionRequest,
    responses(
        (status = 201, body = InteractionDto),
        (status = 400, body = ErrorBody, description = "invalid_parameter: channel, direction, purpose, outcome, notes or occurred_at"),
        Errors<401, 403, 404>))]
pub async fn log_interaction(
    Caller { state, auth }: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<LogInteractionRequest>,
) -> Result<(StatusCode, Json<InteractionDto>), WebError> {
    Ok(created(
        work::log_interaction(&state, &auth, PartyId(id), &req).await?,
    ))
}

/// Moves every customer of one RM to another (branch_manager, admin), or with `preview` only
/// counts them. The move takes effect at once and keeps the history; above the bank's
/// threshold it is `pending` until a second person approves it. Audited.
#[utoipa::path(post, path = "/api/v1/portfolios/reassignments", tag = "work",
    request_body = ReassignRequest,
    responses(
        (status = 200, body = ReassignPreviewDto, description = "preview"),
        (status = 201, body = ReassignmentDto, description = "applied or pending"),
        (status = 400, body = ErrorBody, description = "invalid_parameter: from_staff_id or to_staff_id (e.g. a disabled RM)"),
        Errors<401, 403>))]
pub async fn reassign(
    Caller { state, auth }: Caller,
    ApiJson(req): ApiJson<ReassignRequest>,
) -> Result<axum::response::Response, WebError> {
    use axum::response::IntoResponse;
    Ok(match portfolio::reassign(&state, &auth, &req).await? {
        portfolio::Outcome::Preview(p) => Json(p).into_response(),
        portfolio::Outcome::Requested(r) => (StatusCode::CREATED, Json(r)).into_response(),
    })
}

/// Moves waiting for a second person's approval (branch_manager, admin).
#[utoipa::path(get, path = "/api/v1/portfolios/reassignments", tag = "work",
    responses((status = 200, body = Vec<ReassignmentDto>), Errors<401, 403>))]
pub async fn pending_reassignments(
    Caller { state, auth }: Caller,
) -> Result<Json<Vec<ReassignmentDto>>, WebError> {
    Ok(Json(portfolio::pending(&state, &auth).await?))
}

/// Approves and applies a pending move; its requester cannot approve it (400 `approver`).
#[utoipa::path(post, path = "/api/v1/portfolios/reassignments/{id}/approve", tag = "work",
    params(("id" = i64, Path, description = "Reassignment id")),
    responses(
        (status = 200, body = ReassignmentDto),
        (status = 404, body = ErrorBody, description = "no such pending move"),
        Errors<400, 401, 403>))]
pub async fn approve_reassignment(
    Caller { state, auth }: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ReassignmentDto>, WebError> {
    Ok(Json(portfolio::approve(&state, &auth, id).await?))
}

/// Sets a contact cadence for a tier (branch_manager, admin) or one customer in the caller's
/// scope; tasks follow from `rapport alerts`, and any logged contact restarts the cycle.
#[utoipa::path(post, path = "/api/v1/contact-plans", tag = "work",
    request_body = rapport_proto::ContactPlanRequest,
    responses(
        (status = 201, body = rapport_proto::ContactPlanDto),
        (status = 400, body = ErrorBody, description = "invalid_parameter: cadence_days (zero or negative), tier or customer_id"),
        Errors<401, 403, 404>))]
pub async fn set_contact_plan(
    Caller { state, auth }: Caller,
    ApiJson(req): ApiJson<rapport_proto::ContactPlanRequest>,
) -> Result<(StatusCode, Json<rapport_proto::ContactPlanDto>), WebError> {
    Ok(created(work::set_contact_plan(&state, &auth, &req).await?))
}

/// The contact plans: every tier's, and those of customers in the caller's scope.
#[utoipa::path(get, path = "/api/v1/contact-plans", tag = "work",
    responses((status = 200, body = Vec<rapport_proto::ContactPlanDto>), Errors<401, 403>))]
pub async fn contact_plans(
    Caller { state, auth }: Caller,
) -> Result<Json<Vec<rapport_proto::ContactPlanDto>>, WebError> {
    Ok(Json(work::contact_plans(&state, &auth).await?))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TierProposalQuery {
    /// proposed (default), accepted or declined.
    status: Option<String>,
    /// Page number, from 1.
    page: Option<u32>,
    /// Rows per page, 1–100 (default 20).
    page_size: Option<u32>,
}

/// Tier changes the scoring rules proposed for customers in the caller's scope (branch_manager,
/// admin), latest first.
#[utoipa::path(get, path = "/api/v1/tier-proposals", tag = "work",
    params(TierProposalQuery),
    responses(
        (status = 200, body = rapport_proto::TierProposalPage),
        BadPageQuery,
        Errors<401, 403>))]
pub async fn tier_proposals(
    Caller { state, auth }: Caller,
    crate::extract::ApiQuery(q): crate::extract::ApiQuery<TierProposalQuery>,
) -> Result<Json<rapport_proto::TierProposalPage>, WebError> {
    let status = crate::tiers::parse_status(q.status.as_deref())?;
    let page = crate::api::page_request(q.page, q.page_size)?;
    Ok(Json(crate::tiers::list(&state, &auth, status, page).await?))
}

/// Accepts a tier change — with `dedicated_rm_staff_id`, that RM becomes the customer's primary
/// RM today, the previous assignment kept as history — or declines it. Audited.
#[utoipa::path(post, path = "/api/v1/tier-proposals/{id}/decision", tag = "work",
    params(("id" = i64, Path, description = "Tier proposal id")),
    request_body = rapport_proto::TierDecisionBody,
    responses(
        (status = 200, body = rapport_proto::TierProposalDto),
        (status = 400, body = ErrorBody, description = "invalid_parameter: decision, or dedicated_rm_staff_id (not an enabled RM)"),
        (status = 404, body = ErrorBody, description = "no such proposal in the caller's scope"),
        DecidedAlready,
        Errors<401, 403>))]
pub async fn decide_tier_proposal(
    Caller { state, auth }: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<rapport_proto::TierDecisionBody>,
) -> Result<Json<rapport_proto::TierProposalDto>, WebError> {
    Ok(Json(crate::tiers::decide(&state, &auth, id, &body).await?))
}

/// Assigns an RM to the customer (branch_manager, admin): as primary — the current primary's
/// assignment ends today, kept as history, and scope follows at once — or as a secondary RM.
/// Returns the customer's current RMs. Audited.
#[utoipa::path(post, path = "/api/v1/customers/{id}/rms", tag = "work",
    params(("id" = i64, Path, description = "Customer (party) id")),
    request_body = rapport_proto::AssignRmRequest,
    responses(
        (status = 200, body = Vec<rapport_proto::RmDto>),
        (status = 400, body = ErrorBody, description = "invalid_parameter: staff_id (not an enabled RM, or already the primary)"),
        Errors<401, 403, 404>))]
pub async fn assign_rm(
    Caller { state, auth }: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<rapport_proto::AssignRmRequest>,
) -> Result<Json<Vec<rapport_proto::RmDto>>, WebError> {
    Ok(Json(
        portfolio::assign_rm(&state, &auth, PartyId(id), &req).await?,
    ))
}

/// Ends a secondary RM's assignment today (kept as history). A primary RM is replaced by
/// assigning another, never just ended (400). Audited.
#[utoipa::path(post, path = "/api/v1/customers/{id}/rms/{staff_id}/end", tag = "work",
    params(("id" = i64, Path, description = "Customer (party) id"),
        ("staff_id" = i64, Path, description = "The secondary RM")),
    responses(
        (status = 200, body = Vec<rapport_proto::RmDto>),
        (status = 400, body = ErrorBody, description = "invalid_parameter: staff_id is the primary RM"),
        (status = 404, body = ErrorBody, description = "no such customer in scope, or the staff member does not serve it"),
        Errors<401, 403>))]
pub async fn end_secondary_rm(
    Caller { state, auth }: Caller,
    ApiPath((id, staff_id)): ApiPath<(i64, i64)>,
) -> Result<Json<Vec<rapport_proto::RmDto>>, WebError> {
    Ok(Json(
        portfolio::end_secondary_rm(
            &state,
            &auth,
            PartyId(id),
            rapport_domain::StaffId(staff_id),
        )
        .await?,
    ))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ScorecardQuery {
    /// First month, YYYY-MM (default: two months before `to`).
    from: Option<String>,
    /// Last month, YYYY-MM (default: the current month).
    to: Option<String>,
}

/// RM scorecards over whole months, ranked by AUM growth (the leaderboard): an RM sees their
/// own, a branch manager the RMs of their branch subtree, an administrator every RM. Audited
/// as a report.
#[utoipa::path(get, path = "/api/v1/scorecards", tag = "work",
    params(ScorecardQuery),
    responses(
        (status = 200, body = rapport_proto::ScorecardsDto),
        (status = 400, body = ErrorBody, description = "invalid_parameter: from or to"),
        Errors<401, 403>))]
pub async fn scorecards(
    Caller { state, auth }: Caller,
    crate::extract::ApiQuery(q): crate::extract::ApiQuery<ScorecardQuery>,
) -> Result<Json<rapport_proto::ScorecardsDto>, WebError> {
    Ok(Json(
        crate::scorecards::scorecards(&state, &auth, q.from.as_deref(), q.to.as_deref()).await?,
    ))
}
