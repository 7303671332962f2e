//! The RM's work at the edge (R4.2–R4.4): tasks, completing them by a logged contact, the
//! interactions log and the workbench. Scope and ownership are the store's; this module
//! parses the input (naming the field), checks the role and writes the audit entries.
use chrono::NaiveDate;
use rapport_domain::{Action, PartyId, StaffId, permits};
use rapport_proto::{
    CompleteTaskRequest, CompletedTaskDto, CreateTaskRequest, InteractionDto,
    LogInteractionRequest, TaskDto,
};
use rapport_store::audit::AuditAction;
use rapport_store::work::{
    Channel, Direction, MAX_NOTES_CHARS, MAX_OUTCOME_CHARS, NewInteraction, NewTask,
    TaskCompletion, TaskKind,
};

use crate::auth::Authenticated;
use crate::i18n::Lang;
use crate::{AppState, WebError, audit, present};

/// Contacts a customer's interactions log lists at most.
const LIST: i64 = 200;
/// How far ahead the workbench's "upcoming" looks.
pub const UPCOMING_DAYS: u64 = 14;

pub fn parse<T: std::str::FromStr>(field: &str, value: &str) -> Result<T, WebError>
where
    T::Err: std::fmt::Display,
{
    value
        .trim()
        .parse()
        .map_err(|e: T::Err| WebError::invalid_parameter(field, e.to_string()))
}

fn text(field: &str, value: &str, max: usize, required: bool) -> Result<String, WebError> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(WebError::invalid_parameter(
            field,
            format!("{field} is required"),
        ));
    }
    if v.chars().count() > max {
        return Err(WebError::invalid_parameter(
            field,
            format!("{field} is longer than {max} characters"),
        ));
    }
    // Lines and tabs are text; other control characters are not (PostgreSQL refuses a NUL).
    if v.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(WebError::invalid_parameter(
            field,
            format!("{field} may not contain control characters"),
        ));
    }
    Ok(v.to_owned())
}

fn direction(value: Option<&str>) -> Result<Direction, WebError> {
    value.map_or(Ok(Direction::Outbound), |d| parse("direction", d))
}

/// The bank's date today.
pub fn today(state: &AppState) -> NaiveDate {
    state
        .clock
        .now()
        .with_timezone(&state.bank.time_zone)
        .date_naive()
}

pub async fn create_task(
    state: &AppState,
    auth: &Authenticated,
    req: &CreateTaskRequest,
    lang: Lang,
) -> Result<TaskDto, WebError> {
    audit::require(state, auth, Action::CreateTasks, None).await?;
    let kind: TaskKind = parse("kind", &req.kind)?;
    let reason = text("reason", &req.reason, MAX_OUTCOME_CHARS, true)?;
    if req.due_on < today(state) {
        return Err(WebError::invalid_parameter(
            "due_on",
            "due_on is in the past",
        ));
    }
    let owner = StaffId(req.owner_staff_id.unwrap_or(auth.staff.id.0));
    if owner != auth.staff.id && !permits(auth.staff.role, Action::GiveTasksToOthers) {
        return Err(WebError::invalid_parameter(
            "owner_staff_id",
            "only a branch manager gives a task to someone else",
        ));
    }
    let task = NewTask {
        party_id: PartyId(req.customer_id),
        owner,
        kind,
        reason,
        detail: None,
        alert_id: None,
        due_on: req.due_on,
        created_by: Some(auth.staff.id),
        created_at: state.clock.now(),
    };
    let created = match state.store.create_task(&auth.viewer, &task).await {
        Ok(t) => t,
        Err(rapport_store::StoreError::Invalid(m)) => {
            return Err(WebError::invalid_parameter("owner_staff_id", m));
        }
        Err(e) => return Err(e.into()),
    };
    let Some(created) = created else {
        return Err(WebError::not_found());
    };
    let mut e = audit::by(auth, state.clock.now(), AuditAction::CustomerChanged);
    e.party_id = Some(created.party_id);
    e.detail = Some(format!("task {} created ({})", created.id, created.kind));
    state.audit.record(e).await?;
    Ok(present::task(&created, auth.viewer.field_policy(), lang))
}

pub async fn complete_task(
    state: &AppState,
    auth: &Authenticated,
    id: i64,
    req: &CompleteTaskRequest,
    lang: Lang,
) -> Result<CompletedTaskDto, WebError> {
    let done = TaskCompletion {
        channel: parse::<Channel>("channel", &req.channel)?,
        direction: direction(req.direction.as_deref())?,
        outcome: text("outcome", &req.outcome, MAX_OUTCOME_CHARS, true)?,
        notes: text("notes", &req.notes, MAX_NOTES_CHARS, false)?,
        at: state.clock.now(),
    };
    // Another RM's task, a finished one and an unknown one all answer 404.
    let Some((task, contact)) = state.store.complete_task(&auth.viewer, id, &done).await? else {
        return Err(WebError::not_found());
    };
    let mut e = audit::by(auth, state.clock.now(), AuditAction::CustomerChanged);
    e.party_id = Some(task.party_id);
    e.detail = Some(format!(
        "task {} completed as contact {}",
        task.id, contact.id
    ));
    state.audit.record(e).await?;
    Ok(CompletedTaskDto {
        task: present::task(&task, auth.viewer.field_policy(), lang),
        interaction: present::interaction(&contact),
    })
}

pub async fn log_interaction(
    state: &AppState,
    auth: &Authenticated,
    party: PartyId,
    req: &LogInteractionRequest,
) -> Result<InteractionDto, WebError> {
    audit::require(state, auth, Action::ServeCustomers, None).await?;
    let now = state.clock.now();
    let occurred_at = req.occurred_at.unwrap_or(now);
    if occurred_at > now {
        return Err(WebError::invalid_parameter(
            "occurred_at",
            "occurred_at is in the future",
        ));
    }
    let contact = NewInteraction {
        party_id: party,
        staff_id: auth.staff.id,
        channel: parse("channel", &req.channel)?,
        direction: direction(req.direction.as_deref())?,
        purpose: req
            .purpose
            .as_deref()
            .map(|p| parse("purpose", p))
            .transpose()?,
        occurred_at,
        notes: text("notes", &req.notes, MAX_NOTES_CHARS, false)?,
        outcome: text("outcome", &req.outcome, MAX_OUTCOME_CHARS, true)?,
        task_id: None,
        alert_id: None,
    };
    let Some(logged) = state.store.log_interaction(&auth.viewer, &contact).await? else {
        return Err(WebError::not_found());
    };
    let mut e = audit::by(auth, now, AuditAction::CustomerChanged);
    e.party_id = Some(party);
    e.detail = Some(format!("contact {} logged", logged.id));
    state.audit.record(e).await?;
    Ok(present::interaction(&logged))
}

pub async fn interactions(
    state: &AppState,
    auth: &Authenticated,
    party: PartyId,
) -> Result<Vec<InteractionDto>, WebError> {
    let Some(customer) = state.store.customer_in_scope(&auth.viewer, party).await? else {
        return Err(WebError::not_found());
    };
    let rows = state
        .store
        .party_interactions(&customer, LIST)
        .await?
        .unwrap_or_default();
    let mut e = audit::viewed(auth, state.clock.now(), party);
    e.detail = Some("interactions".into());
    state.audit.record(e).await?;
    Ok(rows.iter().map(present::interaction).collect())
}

fn plan_dto(p: &rapport_store::work::ContactPlan) -> rapport_proto::ContactPlanDto {
    rapport_proto::ContactPlanDto {
        id: p.id,
        tier: p.tier.map(|t| t.as_str().to_owned()),
        customer_id: p.party_id.map(|x| x.0),
        cadence_days: p.cadence_days,
        created_by: p.created_by.0,
        created_at: p.created_at,
    }
}

/// Longest cadence accepted: a plan is at least yearly.
const MAX_CADENCE_DAYS: i64 = 366;

pub async fn set_contact_plan(
    state: &AppState,
    auth: &Authenticated,
    req: &rapport_proto::ContactPlanRequest,
) -> Result<rapport_proto::ContactPlanDto, WebError> {
    if !(1..=MAX_CADENCE_DAYS).contains(&req.cadence_days) {
        return Err(WebError::invalid_parameter(
            "cadence_days",
            format!(
                "cadence_days must be 1 to {MAX_CADENCE_DAYS} days, not {}",
                req.cadence_days
            ),
        ));
    }
    let tier = match (&req.tier, req.customer_id) {
        (Some(t), None) => {
            let tier: rapport_domain::Tier = parse("tier", t)?;
            audit::require(state, auth, Action::SetTierContactPlans, None).await?;
            Some(tier)
        }
        (None, Some(_)) => {
            audit::require(state, auth, Action::SetCustomerContactPlans, None).await?;
            None
        }
        _ => {
            return Err(WebError::invalid_parameter(
                "tier",
                "give either tier or customer_id",
            ));
        }
    };
    let plan = rapport_store::work::NewContactPlan {
        tier,
        party_id: req.customer_id.map(PartyId),
        cadence_days: i32::try_from(req.cadence_days).unwrap_or(i32::MAX),
        created_by: auth.staff.id,
        created_at: state.clock.now(),
    };
    let Some(saved) = state.store.set_contact_plan(&auth.viewer, &plan).await? else {
        return Err(WebError::not_found());
    };
    let mut e = audit::by(auth, state.clock.now(), AuditAction::CustomerChanged);
    e.party_id = saved.party_id;
    e.detail = Some(format!(
        "contact plan {} every {} days",
        saved.id, saved.cadence_days
    ));
    state.audit.record(e).await?;
    Ok(plan_dto(&saved))
}

pub async fn contact_plans(
    state: &AppState,
    auth: &Authenticated,
) -> Result<Vec<rapport_proto::ContactPlanDto>, WebError> {
    audit::require(state, auth, Action::ReadContactPlans, None).await?;
    // Customer plans are listed only for customers in the caller's scope, read in one query.
    let plans = state.store.contact_plans().await?;
    let customers: Vec<PartyId> = plans.iter().filter_map(|p| p.party_id).collect();
    let in_scope: std::collections::HashSet<PartyId> = state
        .store
        .party_names(&auth.viewer, &customers)
        .await?
        .into_iter()
        .map(|(party, _)| party)
        .collect();
    Ok(plans
        .iter()
        .filter(|p| p.party_id.is_none_or(|party| in_scope.contains(&party)))
        .map(plan_dto)
        .collect())
}
