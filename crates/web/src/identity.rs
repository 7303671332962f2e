//! The data steward's work (R2.5), shared by the API and the pages: the review queue, decisions,
//! manual merges and unmerges, and a customer's source records and merge history. Each goes
//! through the store with the viewer's scope; each view of a pair and each change is audited
//! with the parties concerned.
use rapport_domain::{Action, PartyId, permits};
use rapport_proto::ErrorCode;
use rapport_resolve::ResolveError;
use rapport_store::audit::AuditAction;
use rapport_store::identity::{
    IdentityEvent, ReviewItem, ReviewPair, ReviewStatus, SourceRecordView,
};
use rapport_store::{ChangeAuthor, Page, PageRequest, StoreError};

use crate::auth::Authenticated;
use crate::changes::author;
use crate::{AppState, WebError, audit};

/// Longest note or reason a steward may write.
pub const MAX_REASON: usize = 500;

fn from_resolve(e: ResolveError, field: &str) -> WebError {
    match e {
        ResolveError::Store(StoreError::Invalid(m)) => WebError::invalid_parameter(field, m),
        ResolveError::Store(e) => e.into(),
        ResolveError::Engine(m) => WebError::internal("resolve", m),
    }
}

/// Only data stewards change identities; a refusal is audited.
pub async fn require_steward(
    state: &AppState,
    auth: &Authenticated,
    what: &str,
    party: Option<PartyId>,
) -> Result<(), WebError> {
    if permits(auth.staff.role, Action::StewardIdentities) {
        return Ok(());
    }
    let reason = format!("role {} may not {what}", auth.staff.role);
    let message = format!("only data stewards may {what}");
    Err(audit::refusal(state, auth, party, &reason, &message).await)
}

/// A note or reason: at most 500 characters, no control characters but line breaks.
pub fn text(field: &str, value: &str, required: bool) -> Result<Option<String>, WebError> {
    let v = value.trim();
    if v.is_empty() {
        return if required {
            Err(WebError::invalid_parameter(
                field,
                format!("{field} must not be empty"),
            ))
        } else {
            Ok(None)
        };
    }
    crate::changes::text_field(field, v, MAX_REASON, true).map(Some)
}

/// `same_person` → true, `different_people` → false.
pub fn parse_decision(decision: &str) -> Result<bool, WebError> {
    match decision {
        "same_person" => Ok(true),
        "different_people" => Ok(false),
        _ => Err(WebError::invalid_parameter(
            "decision",
            "decision must be same_person or different_people",
        )),
    }
}

pub async fn list_reviews(
    state: &AppState,
    auth: &Authenticated,
    status: ReviewStatus,
    request: PageRequest,
) -> Result<Page<ReviewItem>, WebError> {
    require_steward(state, auth, "see the review queue", None).await?;
    Ok(state
        .store
        .list_reviews(&auth.viewer, status, request)
        .await?)
}

/// A customer's source records and merge history.
pub type PartyIdentity = (Vec<SourceRecordView>, Vec<IdentityEvent>);

/// A pair unknown or outside the scope is a 404 (recorded as a refusal) before the role is
/// looked at, so that the answer does not tell a non-steward which pairs exist.
async fn pair_unaudited(
    state: &AppState,
    auth: &Authenticated,
    id: i64,
) -> Result<ReviewPair, WebError> {
    match state.store.review(&auth.viewer, id).await? {
        Some(p) => Ok(p),
        None => pair_refused(state, auth, id).await,
    }
}

/// Records the refusal of a pair unknown or outside the caller's scope; answers 404.
async fn pair_refused<T>(state: &AppState, auth: &Authenticated, id: i64) -> Result<T, WebError> {
    let mut e = audit::by(auth, state.clock.now(), AuditAction::AuthorizationFailed);
    e.reason = Some("review pair unknown or outside the data scope".into());
    e.detail = Some(format!("review={id}"));
    state.audit.record(e).await?;
    Err(WebError::not_found())
}

fn parties(a: &SourceRecordView, b: &SourceRecordView) -> String {
    let p = |r: &SourceRecordView| r.party_id.map_or("-".to_owned(), |p| p.0.to_string());
    format!("{},{}", p(a), p(b))
}

/// One pair, for a steward; audited with both parties.
pub async fn view_review(
    state: &AppState,
    auth: &Authenticated,
    id: i64,
) -> Result<ReviewPair, WebError> {
    let pair = pair_unaudited(state, auth, id).await?;
    require_steward(state, auth, "see review pairs", pair.1.party_id).await?;
    let mut e = audit::by(auth, state.clock.now(), AuditAction::ReviewViewed);
    e.party_id = pair.1.party_id;
    e.fields_unmasked = audit::fields_shown(auth.viewer.field_policy());
    e.detail = Some(format!("review={id} parties={}", parties(&pair.1, &pair.2)));
    state.audit.record(e).await?;
    Ok(pair)
}

/// Decides a pending pair: the same person merges the two records' customers (the lower id is
/// kept); different people only records the decision, which later resolutions honour. The
/// store's decision checks the caller's scope; a merge reads the pair (scoped) first.
pub async fn decide(
    state: &AppState,
    auth: &Authenticated,
    id: i64,
    same_person: bool,
    note: Option<&str>,
) -> Result<ReviewItem, WebError> {
    require_steward(state, auth, "decide review pairs", None).await?;
    let author = author(state, auth);
    let status = if same_person {
        merge_pair(state, auth, id, &author).await?;
        ReviewStatus::Approved
    } else {
        ReviewStatus::Rejected
    };
    let decided = state
        .store
        .decide_review(&auth.viewer, id, status, note, &author)
        .await;
    let (decided, a, b) = match decided {
        Ok(pair) => pair,
        Err(StoreError::NotFound(_)) => return pair_refused(state, auth, id).await,
        Err(e) => return Err(e.into()),
    };
    let mut e = audit::by(auth, author.at, AuditAction::ReviewDecided);
    e.party_id = a.party_id;
    e.reason = note.map(str::to_owned);
    e.detail = Some(format!(
        "review={id} decision={status} parties={}",
        parties(&a, &b)
    ));
    state.audit.record(e).await?;
    Ok(decided)
}

fn already_decided(status: ReviewStatus) -> WebError {
    WebError::new(
        ErrorCode::Conflict,
        format!("this pair was already decided ({status})"),
    )
}

/// Merges the customers of a pending pair's two records, if they are two.
async fn merge_pair(
    state: &AppState,
    auth: &Authenticated,
    id: i64,
    author: &ChangeAuthor,
) -> Result<(), WebError> {
    let (item, a, b) = pair_unaudited(state, auth, id).await?;
    if item.status != ReviewStatus::Pending {
        return Err(already_decided(item.status));
    }
    let (Some(pa), Some(pb)) = (a.party_id, b.party_id) else {
        return Err(WebError::new(
            ErrorCode::Conflict,
            "a record of this pair is not resolved to a customer yet",
        ));
    };
    if pa != pb {
        let (keep, absorb) = if pa.0 < pb.0 { (pa, pb) } else { (pb, pa) };
        merge_parties(state, auth, keep, absorb, author, "decision").await?;
    }
    Ok(())
}

/// Merges `absorb` into `keep` as the resolver does; a refusal names `field`.
async fn merge_parties(
    state: &AppState,
    auth: &Authenticated,
    keep: PartyId,
    absorb: PartyId,
    author: &ChangeAuthor,
    field: &str,
) -> Result<PartyId, WebError> {
    let store = state.store.as_ref();
    rapport_resolve::merge_parties(store, &auth.viewer, keep, absorb, &state.trust, author)
        .await
        .map_err(|e| from_resolve(e, field))
}

/// A steward's manual merge of `absorb` into `keep`; audited with both and the reason.
pub async fn merge(
    state: &AppState,
    auth: &Authenticated,
    keep: PartyId,
    absorb: PartyId,
    reason: &str,
) -> Result<PartyId, WebError> {
    require_steward(state, auth, "merge customers", Some(keep)).await?;
    let reason = text("reason", reason, true)?;
    let author = author(state, auth);
    let kept = merge_parties(state, auth, keep, absorb, &author, "absorb").await?;
    let mut e = audit::by(auth, author.at, AuditAction::CustomersMerged);
    e.party_id = Some(kept);
    e.reason = reason;
    e.detail = Some(format!("kept={} absorbed={}", kept.0, absorb.0));
    state.audit.record(e).await?;
    Ok(kept)
}

/// Undoes a merge; returns (kept, restored). Audited with both and the reason.
pub async fn undo_merge(
    state: &AppState,
    auth: &Authenticated,
    event_id: i64,
    reason: &str,
) -> Result<(PartyId, PartyId), WebError> {
    require_steward(state, auth, "undo merges", None).await?;
    let reason = text("reason", reason, true)?;
    let author = author(state, auth);
    let (kept, restored) = rapport_resolve::unmerge(
        state.store.as_ref(),
        &auth.viewer,
        event_id,
        &state.trust,
        &author,
    )
    .await
    .map_err(|e| from_resolve(e, "event_id"))?;
    let mut e = audit::by(auth, author.at, AuditAction::MergeUndone);
    e.party_id = Some(restored);
    e.reason = reason;
    e.detail = Some(format!(
        "event={event_id} kept={} restored={}",
        kept.0, restored.0
    ));
    state.audit.record(e).await?;
    Ok((kept, restored))
}

/// A customer's source records and merge history (`None` → 404, recorded as a refusal). The
/// caller writes the view's audit entry (the 360 page already has one).
pub async fn customer_identity_unaudited(
    state: &AppState,
    auth: &Authenticated,
    id: PartyId,
) -> Result<PartyIdentity, WebError> {
    let (records, events) = match state.store.customer_in_scope(&auth.viewer, id).await? {
        Some(customer) => (
            state.store.party_source_records(&customer).await?,
            state.store.identity_events(&customer).await?,
        ),
        None => (None, None),
    };
    match (records, events) {
        (Some(r), Some(e)) => Ok((r, e)),
        _ => audit::customer_refused(state, auth, id).await,
    }
}

pub async fn customer_identity(
    state: &AppState,
    auth: &Authenticated,
    id: PartyId,
) -> Result<PartyIdentity, WebError> {
    let found = customer_identity_unaudited(state, auth, id).await?;
    audit::record_view(state, auth, id, "source records and merge history").await?;
    Ok(found)
}
