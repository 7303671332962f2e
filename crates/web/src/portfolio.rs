//! Moving an RM's portfolio at the edge (R4.1, R1.6): branch managers and administrators
//! preview and request a move; above the configured size a second person approves it.
use rapport_domain::{Action, PartyId, Role, StaffId};
use rapport_proto::{ReassignPreviewDto, ReassignRequest, ReassignmentDto};
use rapport_store::StoreError;
use rapport_store::audit::AuditAction;
use rapport_store::portfolio::{NewReassignment, Reassignment, RmAssignment};

use crate::auth::Authenticated;
use crate::{AppState, WebError, audit, present, work};

fn dto(r: &Reassignment) -> ReassignmentDto {
    ReassignmentDto {
        id: r.id,
        from_staff_id: r.from.0,
        to_staff_id: r.to.0,
        status: r.status.as_str().to_owned(),
        customers: r.customers,
        moved: r.moved,
        requested_by: r.requested_by.0,
        requested_at: r.requested_at,
        approved_by: r.approved_by.map(|s| s.0),
        approved_at: r.approved_at,
    }
}

async fn allowed(state: &AppState, auth: &Authenticated) -> Result<(), WebError> {
    audit::require(state, auth, Action::MovePortfolios, None).await
}

/// The store names the field in its message (`to_staff_id: …`).
fn invalid(e: StoreError) -> WebError {
    match e {
        StoreError::Invalid(m) => {
            let field = m
                .split(':')
                .next()
                .unwrap_or("to_staff_id")
                .trim()
                .to_owned();
            WebError::invalid_parameter(&field, m)
        }
        other => other.into(),
    }
}

async fn record(state: &AppState, auth: &Authenticated, detail: String) -> Result<(), WebError> {
    let mut e = audit::by(auth, state.clock.now(), AuditAction::PortfolioReassigned);
    e.detail = Some(detail);
    state.audit.record(e).await
}

pub enum Outcome {
    Preview(ReassignPreviewDto),
    Requested(ReassignmentDto),
}

pub async fn reassign(
    state: &AppState,
    auth: &Authenticated,
    req: &ReassignRequest,
) -> Result<Outcome, WebError> {
    allowed(state, auth).await?;
    let from = StaffId(req.from_staff_id);
    let threshold = state.config.reassign_approval_threshold;
    // A staff member outside the caller's branch subtree reads as unknown: 404.
    if req.preview {
        let p = state.store.reassignment_preview(&auth.viewer, from).await?;
        return Ok(Outcome::Preview(ReassignPreviewDto {
            customers: p.customers,
            primary: p.primary,
            secondary: p.secondary,
            approval_threshold: threshold,
        }));
    }
    let r = state
        .store
        .request_reassignment(
            &auth.viewer,
            &NewReassignment {
                from,
                to: StaffId(req.to_staff_id),
                requested_by: auth.staff.id,
                at: state.clock.now(),
                effective_on: work::today(state),
                approval_threshold: threshold,
            },
        )
        .await
        .map_err(invalid)?;
    let what = format!(
        "reassignment {} of staff {} to {}: {} ({} customers)",
        r.id, r.from.0, r.to.0, r.status, r.customers
    );
    record(state, auth, what).await?;
    Ok(Outcome::Requested(dto(&r)))
}

pub async fn approve(
    state: &AppState,
    auth: &Authenticated,
    id: i64,
) -> Result<ReassignmentDto, WebError> {
    allowed(state, auth).await?;
    let r = state
        .store
        .approve_reassignment(&auth.viewer, id, state.clock.now(), work::today(state))
        .await
        .map_err(invalid)?;
    let what = format!(
        "reassignment {} approved: {} customers moved",
        r.id, r.moved
    );
    record(state, auth, what).await?;
    Ok(dto(&r))
}

pub async fn pending(
    state: &AppState,
    auth: &Authenticated,
) -> Result<Vec<ReassignmentDto>, WebError> {
    allowed(state, auth).await?;
    Ok(state
        .store
        .pending_reassignments(&auth.viewer)
        .await?
        .iter()
        .map(dto)
        .collect())
}

fn rm_dtos(rms: &[rapport_store::AssignedRm]) -> Vec<rapport_proto::RmDto> {
    rms.iter().map(present::rm).collect()
}

/// Assigns an RM to a customer in scope by hand (R4.1), audited with the customer.
pub async fn assign_rm(
    state: &AppState,
    auth: &Authenticated,
    party: PartyId,
    req: &rapport_proto::AssignRmRequest,
) -> Result<Vec<rapport_proto::RmDto>, WebError> {
    allowed(state, auth).await?;
    let assignment = RmAssignment {
        party,
        staff: StaffId(req.staff_id),
        primary: req.primary,
        on: work::today(state),
    };
    let rms = state
        .store
        .assign_rm(&auth.viewer, &assignment)
        .await
        .map_err(invalid)?
        .ok_or_else(WebError::not_found)?;
    let mut e = audit::by(auth, state.clock.now(), AuditAction::PortfolioReassigned);
    e.party_id = Some(party);
    e.detail = Some(format!(
        "staff {} assigned as {} RM",
        req.staff_id,
        if req.primary { "primary" } else { "secondary" }
    ));
    state.audit.record(e).await?;
    Ok(rm_dtos(&rms))
}

/// Ends a secondary RM's assignment (kept as history), audited with the customer.
pub async fn end_secondary_rm(
    state: &AppState,
    auth: &Authenticated,
    party: PartyId,
    staff: StaffId,
) -> Result<Vec<rapport_proto::RmDto>, WebError> {
    allowed(state, auth).await?;
    let rms = state
        .store
        .end_secondary_rm(&auth.viewer, party, staff, work::today(state))
        .await
        .map_err(invalid)?
        .ok_or_else(WebError::not_found)?;
    let mut e = audit::by(auth, state.clock.now(), AuditAction::PortfolioReassigned);
    e.party_id = Some(party);
    e.detail = Some(format!("staff {} no longer a secondary RM", staff.0));
    state.audit.record(e).await?;
    Ok(rm_dtos(&rms))
}

/// The enabled RMs one may assign, as (staff id, "name (username)"), by name.
pub async fn enabled_rms(state: &AppState) -> Result<Vec<(i64, String)>, WebError> {
    let mut rms: Vec<(i64, String)> = state
        .store
        .list_staff()
        .await?
        .into_iter()
        .filter(|s| s.role == Role::Rm && !s.disabled)
        .map(|s| {
            (
                s.id.0,
                format!("{} ({})", s.display_name, s.username.as_str()),
            )
        })
        .collect();
    rms.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(rms)
}
