//! Tier change proposals at the edge (R3.3, R4.1): branch managers and administrators see the
//! proposals of customers in their scope and accept them — making a dedicated RM the primary —
//! or decline them. Every decision is audited with its customer.
use rapport_domain::{Action, StaffId, TierProposalStatus};
use rapport_proto::{ErrorCode, TierDecisionBody, TierProposalDto, TierProposalPage};
use rapport_store::audit::AuditAction;
use rapport_store::portfolio::{TierDecision, TierDecisionRequest, TierProposal};
use rapport_store::{PageRequest, StoreError};

use crate::auth::Authenticated;
use crate::{AppState, WebError, audit, present, work};

pub fn dto(p: &TierProposal, policy: rapport_domain::FieldPolicy) -> TierProposalDto {
    TierProposalDto {
        id: p.id,
        customer_id: p.party_id.0,
        customer_name: present::name(rapport_domain::PartyKind::Individual, &p.party_name, policy),
        from_tier: p.from_tier.map(|t| t.as_str().to_owned()),
        to_tier: p.to_tier.as_str().to_owned(),
        propose_dedicated_rm: p.propose_dedicated_rm,
        rule: p.rule.clone(),
        as_of: p.as_of,
        status: p.status.as_str().to_owned(),
        primary_rm_staff_id: p.primary_rm.map(|s| s.0),
        decided_by: p.decided_by.map(|s| s.0),
        decided_at: p.decided_at,
        assigned_rm_staff_id: p.assigned_rm.map(|s| s.0),
    }
}

async fn allowed(state: &AppState, auth: &Authenticated) -> Result<(), WebError> {
    audit::require(state, auth, Action::DecideTierProposals, None).await
}

/// The `status` parameter (proposed when absent or empty).
pub fn parse_status(s: Option<&str>) -> Result<TierProposalStatus, WebError> {
    match s.filter(|s| !s.is_empty()) {
        None => Ok(TierProposalStatus::Proposed),
        Some(s) => s.parse().map_err(|_| {
            WebError::invalid_parameter("status", "status must be proposed, accepted or declined")
        }),
    }
}

pub async fn list(
    state: &AppState,
    auth: &Authenticated,
    status: TierProposalStatus,
    page: PageRequest,
) -> Result<TierProposalPage, WebError> {
    allowed(state, auth).await?;
    let p = state
        .store
        .tier_proposals(&auth.viewer, status, page)
        .await?;
    let policy = auth.viewer.field_policy();
    Ok(TierProposalPage {
        items: p.items.iter().map(|t| dto(t, policy)).collect(),
        page: p.page,
        page_size: p.page_size,
        has_more: p.has_more,
    })
}

pub async fn decide(
    state: &AppState,
    auth: &Authenticated,
    id: i64,
    body: &TierDecisionBody,
) -> Result<TierProposalDto, WebError> {
    allowed(state, auth).await?;
    let decision = match (body.decision.as_str(), body.dedicated_rm_staff_id) {
        ("accept", rm) => TierDecision::Accept {
            dedicated_rm: rm.map(StaffId),
        },
        ("decline", None) => TierDecision::Decline,
        ("decline", Some(_)) => {
            return Err(WebError::invalid_parameter(
                "dedicated_rm_staff_id",
                "a declined tier change assigns no RM",
            ));
        }
        _ => {
            return Err(WebError::invalid_parameter(
                "decision",
                "decision must be accept or decline",
            ));
        }
    };
    let request = TierDecisionRequest {
        id,
        decision,
        by: auth.staff.id,
        at: state.clock.now(),
        effective_on: work::today(state),
    };
    let decided = match state
        .store
        .decide_tier_proposal(&auth.viewer, &request)
        .await
    {
        Ok(Some(p)) => p,
        Ok(None) => {
            return Err(WebError::new(
                ErrorCode::NotFound,
                format!("no tier proposal {id}"),
            ));
        }
        Err(StoreError::Invalid(m)) => {
            return Err(WebError::invalid_parameter("dedicated_rm_staff_id", m));
        }
        Err(e) => return Err(e.into()),
    };
    let mut e = audit::by(auth, state.clock.now(), AuditAction::TierChangeDecided);
    e.party_id = Some(decided.party_id);
    e.detail = Some(format!(
        "tier proposal {} ({} → {}): {}{}",
        decided.id,
        decided.from_tier.map_or("-", rapport_domain::Tier::as_str),
        decided.to_tier,
        decided.status,
        decided
            .assigned_rm
            .map(|s| format!(", dedicated RM staff {}", s.0))
            .unwrap_or_default()
    ));
    state.audit.record(e).await?;
    Ok(dto(&decided, auth.viewer.field_policy()))
}
