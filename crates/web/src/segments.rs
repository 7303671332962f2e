//! Saved customer segments at the edge (R3.3): staff write a condition over the features
//! table, the [`SegmentEngine`] checks it and evaluates it in the warehouse, the store keeps
//! the definition and its members; counts and member lists hold only the caller's customers.
//! Shared by `/api/v1/segments` and the `/segments` pages.
//!
//! The engine is a seam: this crate does not depend on the warehouse (DataFusion). The binary
//! passes an engine over its warehouse; without one the segments are still listed and shown,
//! but none can be created (`segments_unavailable`).
use chrono::NaiveDate;
use rapport_domain::{Action, permits};
use rapport_proto::{CreateSegmentRequest, CustomerPage, ErrorCode, SegmentDto};
use rapport_store::audit::AuditAction;
use rapport_store::segments::{NewSegment, SegmentRow};
use rapport_store::{PageRequest, StoreError};

use crate::auth::Authenticated;
use crate::{AppState, WebError, audit, present};

pub use rapport_services::{EvaluationError, SegmentEngine};

pub const MAX_NAME: usize = 80;
pub const MAX_DESCRIPTION: usize = 500;

async fn require_user(state: &AppState, auth: &Authenticated) -> Result<(), WebError> {
    audit::require(state, auth, Action::UseSegments, None).await
}

fn unavailable() -> WebError {
    WebError::new(
        ErrorCode::SegmentsUnavailable,
        "segments cannot be checked or evaluated: this server runs without the warehouse",
    )
}

fn text(field: &str, value: &str, max: usize) -> Result<String, WebError> {
    crate::changes::text_field(field, value, max, true)
}

/// The name and description of a request, checked (the expression is the engine's to check).
pub fn parse_request(req: &CreateSegmentRequest) -> Result<(String, Option<String>), WebError> {
    let name = text("name", &req.name, MAX_NAME)?;
    if name.is_empty() {
        return Err(WebError::invalid_parameter(
            "name",
            "name must not be empty",
        ));
    }
    if name.contains('\n') || name.contains('\r') {
        return Err(WebError::invalid_parameter("name", "name must be one line"));
    }
    let description = text(
        "description",
        req.description.as_deref().unwrap_or(""),
        MAX_DESCRIPTION,
    )?;
    Ok((name, Some(description).filter(|d| !d.is_empty())))
}

pub fn dto(s: &SegmentRow) -> SegmentDto {
    SegmentDto {
        id: s.id,
        name: s.name.clone(),
        expression: s.expression.clone(),
        description: s.description.clone(),
        created_by: s.created_by_username.clone(),
        created_at: s.created_at,
        as_of: s.as_of,
        members: s.members,
    }
}

/// The columns usable in a definition; empty without an engine.
pub fn columns(state: &AppState) -> Vec<String> {
    state
        .segments
        .as_ref()
        .map_or_else(Vec::new, |e| e.columns())
}

/// The active segments with their members counted within the caller's scope; audited as a
/// report.
pub async fn list(state: &AppState, auth: &Authenticated) -> Result<Vec<SegmentDto>, WebError> {
    require_user(state, auth).await?;
    let rows = state.store.list_segments(&auth.viewer).await?;
    let mut e = audit::by(auth, state.clock.now(), AuditAction::ReportViewed);
    e.detail = Some(format!("segments listed={}", rows.len()));
    state.audit.record(e).await?;
    Ok(rows.iter().map(dto).collect())
}

/// Creates a segment: name and description checked, the name free, the expression accepted
/// by the engine and evaluated over the latest features (when there are any) before anything
/// is stored; audited.
pub async fn create(
    state: &AppState,
    auth: &Authenticated,
    req: &CreateSegmentRequest,
) -> Result<SegmentDto, WebError> {
    require_user(state, auth).await?;
    let (name, description) = parse_request(req)?;
    let taken = state
        .store
        .list_segments(&auth.viewer)
        .await?
        .iter()
        .any(|s| s.name == name);
    if taken {
        return Err(WebError::new(
            ErrorCode::Conflict,
            format!("a segment named {name:?} already exists"),
        )
        .with_field("name"));
    }
    let engine = state.segments.clone().ok_or_else(unavailable)?;
    let (expression, members) = check_and_evaluate(state, auth, engine, &req.expression).await?;
    let id = state
        .store
        .create_segment(&NewSegment {
            name,
            expression,
            description,
            created_by: auth.staff.id,
            created_at: state.clock.now(),
        })
        .await
        .map_err(|e| match e {
            StoreError::Conflict(m) => WebError::new(ErrorCode::Conflict, m).with_field("name"),
            other => other.into(),
        })?;
    let evaluated = match &members {
        Some((as_of, ids)) => {
            let parties: Vec<rapport_domain::PartyId> =
                ids.iter().copied().map(rapport_domain::PartyId).collect();
            state
                .store
                .replace_segment_members(id, *as_of, &parties)
                .await?;
            format!("as_of={as_of} members={}", parties.len())
        }
        None => "not evaluated: no features yet".to_owned(),
    };
    let mut e = audit::by(auth, state.clock.now(), AuditAction::SegmentChanged);
    e.detail = Some(format!("segment={id} created {evaluated}"));
    state.audit.record(e).await?;
    let row = state
        .store
        .segment(&auth.viewer, id)
        .await?
        .ok_or_else(WebError::not_found)?;
    Ok(dto(&row))
}

/// Checks a definition and evaluates it over the latest features; every attempt is audited,
/// refused and failed ones included. The engine runs conditions that cannot fail on a row
/// (its checker makes them total), so neither the answer nor the error depends on customers
/// outside the caller's scope; what reaches the caller is counted within it.
async fn check_and_evaluate(
    state: &AppState,
    auth: &Authenticated,
    engine: std::sync::Arc<dyn SegmentEngine>,
    text: &str,
) -> Result<(String, Option<(NaiveDate, Vec<i64>)>), WebError> {
    let outcome = match engine.check(text) {
        Err(m) => Err(WebError::invalid_parameter("expression", m)),
        Ok(canonical) => {
            let (engine, checked) = (engine.clone(), canonical.clone());
            match tokio::task::spawn_blocking(move || engine.evaluate(&checked)).await {
                Err(e) => Err(WebError::internal("segment evaluation", e)),
                Ok(Err(EvaluationError::Definition(m))) => Err(WebError::invalid_parameter(
                    "expression",
                    format!("the condition cannot be evaluated: {m}"),
                )),
                Ok(Err(EvaluationError::Warehouse(m))) => {
                    Err(WebError::internal("segment evaluation", m))
                }
                Ok(Ok(members)) => Ok((canonical, members)),
            }
        }
    };
    let mut e = audit::by(auth, state.clock.now(), AuditAction::SegmentEvaluated);
    e.detail = Some(match &outcome {
        Ok((_, Some((as_of, ids)))) => format!("evaluated as_of={as_of} selected={}", ids.len()),
        Ok((_, None)) => "checked; not evaluated: no features yet".to_owned(),
        Err(err) => format!("refused: {:?}", err.code),
    });
    e.reason = outcome.as_ref().err().map(|err| err.message.clone());
    state.audit.record(e).await?;
    outcome
}

/// A segment of a caller who may use segments; unknown or deleted → 404.
async fn segment(
    state: &AppState,
    auth: &Authenticated,
    id: i64,
) -> Result<rapport_store::segments::SegmentRow, WebError> {
    require_user(state, auth).await?;
    let row = state.store.segment(&auth.viewer, id).await?;
    row.ok_or_else(WebError::not_found)
}

/// One segment and a page of its members at its latest evaluation, within the caller's
/// scope; unknown or deleted → 404. Audited with the ids shown, like a customer list.
pub async fn view(
    state: &AppState,
    auth: &Authenticated,
    id: i64,
    request: PageRequest,
) -> Result<(SegmentDto, CustomerPage), WebError> {
    let row = segment(state, auth, id).await?;
    let page = match row.as_of {
        Some(as_of) => {
            state
                .store
                .segment_members(&auth.viewer, id, as_of, request)
                .await?
        }
        None => rapport_store::Page::from_rows(Vec::new(), request),
    };
    let listed = format!("segment={id} page={}", request.page);
    let shown = page.items.iter().map(|c| c.party_id);
    let e = audit::listed(
        auth,
        state.clock.now(),
        AuditAction::SegmentViewed,
        &listed,
        shown,
    );
    state.audit.record(e).await?;
    Ok((dto(&row), present::page(&page, auth.viewer.field_policy())))
}

/// Deletes a segment: its creator or an administrator; audited.
pub async fn delete(state: &AppState, auth: &Authenticated, id: i64) -> Result<(), WebError> {
    let row = segment(state, auth, id).await?;
    if row.created_by != auth.staff.id {
        audit::require(state, auth, Action::DeleteOthersSegments, None).await?;
    }
    if !state.store.delete_segment(id, state.clock.now()).await? {
        return Err(WebError::not_found());
    }
    let mut e = audit::by(auth, state.clock.now(), AuditAction::SegmentChanged);
    e.detail = Some(format!("segment={id} deleted"));
    state.audit.record(e).await?;
    Ok(())
}

/// Whether the caller may delete this segment (for the pages' buttons).
pub fn may_delete(auth: &Authenticated, s: &SegmentDto) -> bool {
    s.created_by == auth.staff.username.as_str()
        || permits(auth.staff.role, Action::DeleteOthersSegments)
}
