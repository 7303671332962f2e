//! Audit records from the HTTP edge. Handlers build entries here and record them through the
//! one audit writer (`rapport_services::AuditSink`, group commit), waiting for it before they
//! answer: a view whose audit entry cannot be written is not shown (fail closed).
use rapport_domain::permissions::permission;
use rapport_domain::{Action, FieldPolicy, PartyId, permits};
use rapport_proto::ErrorCode;
use rapport_store::audit::{AuditAction, NewAuditEntry};

use crate::auth::Authenticated;
use crate::{AppState, WebError};

/// The one audit writer as the HTTP edge uses it: a refusal is a `WebError`.
#[derive(Clone)]
pub struct AuditSink(rapport_services::AuditSink);

impl AuditSink {
    /// Starts the writer task on the current runtime.
    pub fn start(store: std::sync::Arc<dyn rapport_store::Store>) -> Self {
        Self(rapport_services::AuditSink::start(store))
    }

    /// Appends one entry and waits until it is durable.
    pub async fn record(&self, entry: NewAuditEntry) -> Result<(), WebError> {
        Ok(self.0.record(entry).await?)
    }
}

/// The personal fields a role sees in clear, as recorded in the trail.
pub fn fields_shown(policy: FieldPolicy) -> Vec<String> {
    policy
        .shown_in_clear()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// An entry for an action of the authenticated staff member.
pub fn by(
    auth: &Authenticated,
    at: chrono::DateTime<chrono::Utc>,
    action: AuditAction,
) -> NewAuditEntry {
    let mut e = NewAuditEntry::new(at, auth.staff.username.as_str(), action);
    e.actor_staff_id = Some(auth.staff.id);
    e.actor_role = Some(auth.staff.role);
    e.source_ip = auth.source_ip.clone();
    e
}

/// Records that `auth` was shown `what` of a customer, with the fields its role shows in clear.
pub async fn record_view(
    state: &AppState,
    auth: &Authenticated,
    party: PartyId,
    what: &str,
) -> Result<(), WebError> {
    let mut e = viewed(auth, state.clock.now(), party);
    e.detail = Some(what.to_owned());
    state.audit.record(e).await
}

/// A list of customers shown to `auth`, with the fields its role shows in clear; the detail
/// says what was `listed`, then the ids shown.
pub fn listed(
    auth: &Authenticated,
    at: chrono::DateTime<chrono::Utc>,
    action: AuditAction,
    listed: &str,
    shown: impl Iterator<Item = PartyId>,
) -> NewAuditEntry {
    let mut e = by(auth, at, action);
    e.fields_unmasked = fields_shown(auth.viewer.field_policy());
    let ids: Vec<String> = shown.map(|p| p.0.to_string()).collect();
    e.detail = Some(format!("{listed} shown={}", ids.join(",")));
    e
}

/// A customer shown to `auth`, with the fields its role shows in clear.
pub fn viewed(
    auth: &Authenticated,
    at: chrono::DateTime<chrono::Utc>,
    party: PartyId,
) -> NewAuditEntry {
    let mut e = by(auth, at, AuditAction::CustomerViewed);
    e.party_id = Some(party);
    e.fields_unmasked = fields_shown(auth.viewer.field_policy());
    e
}

/// The answer to a customer that is unknown or outside the caller's scope: the refusal is
/// audited, and the caller gets a 404 either way (the two stay indistinguishable).
pub async fn customer_refused<T>(
    state: &AppState,
    auth: &Authenticated,
    party: PartyId,
) -> Result<T, WebError> {
    let mut e = by(auth, state.clock.now(), AuditAction::AuthorizationFailed);
    e.party_id = Some(party);
    e.reason = Some("customer unknown or outside the data scope".into());
    state.audit.record(e).await?;
    Err(WebError::not_found())
}

/// A refusal: audited with `reason` (and the customer concerned, if any), then answered 403
/// with `message`. The audited reason may say more than the caller is told (their role).
/// Refuses `action` unless the caller's role may take it (`rapport_domain::permissions`): the
/// refusal is audited with the customer it was about, if any, and answered 403 with the
/// table's words.
pub async fn require(
    state: &AppState,
    auth: &Authenticated,
    action: Action,
    party: Option<PartyId>,
) -> Result<(), WebError> {
    if permits(auth.staff.role, action) {
        return Ok(());
    }
    let reason = format!("role {} may not {action}", auth.staff.role);
    let message = permission(action).map_or("your role may not do this", |p| p.refusal);
    Err(refusal(state, auth, party, &reason, message).await)
}

pub async fn refusal(
    state: &AppState,
    auth: &Authenticated,
    party: Option<PartyId>,
    reason: &str,
    message: &str,
) -> WebError {
    let mut e = by(auth, state.clock.now(), AuditAction::AuthorizationFailed);
    e.party_id = party;
    e.reason = Some(reason.to_owned());
    match state.audit.record(e).await {
        Ok(()) => WebError::new(ErrorCode::Forbidden, message),
        Err(e) => e,
    }
}
