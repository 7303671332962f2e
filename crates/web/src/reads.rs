//! Customer reads shared by the API and the pages: each goes through the store with the
//! viewer's scope and leaves its audit entry before anything is shown.
use rapport_domain::PartyId;
use rapport_domain::unmask::{MaskedField, StatedReason, may_unmask};
use rapport_proto::ErrorCode;
use rapport_store::audit::AuditAction;
use rapport_store::search::SearchQuery;
use rapport_store::{Customer360, CustomerSummary, Page, PageRequest};

use crate::auth::Authenticated;
use crate::{AppState, WebError, audit};

/// Searches, or lists the viewer's scope when the text is empty; audited with the kind of
/// query (never its text) and the ids shown.
pub async fn search_or_list(
    state: &AppState,
    auth: &Authenticated,
    text: &str,
    request: PageRequest,
) -> Result<Page<CustomerSummary>, WebError> {
    let (page, action, kinds) = if text.trim().is_empty() {
        (
            state.store.list_customers(&auth.viewer, request).await?,
            AuditAction::CustomersListed,
            Vec::new(),
        )
    } else {
        let query = SearchQuery::parse(text).for_policy(&auth.viewer.field_policy());
        let guard = match query.whole_identifier() {
            Some((kind, value)) => {
                Some(crate::throttle::IdentifierSearch::begin(state, auth, kind, &value).await?)
            }
            None => None,
        };
        let page = state
            .store
            .search_customers(&auth.viewer, &query, request)
            .await?;
        if let Some(guard) = guard {
            guard.found(state, auth, page.items.len()).await?;
        }
        (page, AuditAction::CustomersSearched, query.kinds())
    };
    let listed = format!("query={} page={}", kinds.join("+"), request.page);
    let shown = page.items.iter().map(|c| c.party_id);
    let e = audit::listed(auth, state.clock.now(), action, &listed, shown);
    state.audit.record(e).await?;
    Ok(page)
}

/// The 360 view of one customer. A customer outside the scope (or unknown) is a 404 and is
/// recorded as a refused access.
pub async fn customer_360(
    state: &AppState,
    auth: &Authenticated,
    id: PartyId,
) -> Result<Customer360, WebError> {
    let view = customer_360_unaudited(state, auth, id).await?;
    state
        .audit
        .record(audit::viewed(auth, state.clock.now(), id))
        .await?;
    Ok(view)
}

/// One masked field of an in-scope customer, in clear, if the viewer's role allows it for the
/// stated reason. Out of scope → 404; in scope but not allowed → 403; both audited, and the
/// value is only returned once its audit entry (with the reason) is written.
pub async fn unmask(
    state: &AppState,
    auth: &Authenticated,
    id: PartyId,
    field: MaskedField,
    reason: &StatedReason,
) -> Result<(Customer360, Vec<String>), WebError> {
    let view = customer_360_unaudited(state, auth, id).await?;
    let now = state.clock.now();
    if !may_unmask(auth.staff.role, field, reason.reason, false) {
        let mut e = audit::by(auth, now, AuditAction::AuthorizationFailed);
        e.party_id = Some(id);
        e.reason = Some(format!(
            "role {} may not unmask {field} ({})",
            auth.staff.role,
            reason.describe()
        ));
        state.audit.record(e).await?;
        return Err(WebError::new(
            ErrorCode::Forbidden,
            format!("your role may not see {field} in clear for this reason"),
        ));
    }
    let p = &view.party;
    let values: Vec<String> = match field {
        MaskedField::Name => vec![p.name.clone()],
        MaskedField::Mobile => p.mobile.iter().cloned().collect(),
        MaskedField::ResidentId => p.resident_id.iter().cloned().collect(),
        MaskedField::Address => p.address.iter().cloned().collect(),
        MaskedField::AccountNumber => view
            .accounts
            .iter()
            .map(|a| a.account_number.clone())
            .collect(),
    };
    let mut e = audit::by(auth, now, AuditAction::FieldUnmasked);
    e.party_id = Some(id);
    e.fields_unmasked = vec![field.as_str().to_owned()];
    e.reason = Some(reason.describe());
    state.audit.record(e).await?;
    Ok((view, values))
}

/// The 360 view for a follow-up action whose own entry is written by the caller; a refusal
/// is still recorded here.
pub async fn customer_360_unaudited(
    state: &AppState,
    auth: &Authenticated,
    id: PartyId,
) -> Result<Customer360, WebError> {
    match state.store.customer_360(&auth.viewer, id).await? {
        Some(view) => Ok(view),
        None => audit::customer_refused(state, auth, id).await,
    }
}
