use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use rapport_store::audit::AuditAction;

use super::{Ctx, PageError, SignedIn, url_encode};
use crate::AppState;
use crate::api::audit::{AuditQuery, read_page};
use crate::api::page_request;

pub struct Row {
    seq: i64,
    when: String,
    actor: String,
    ip: String,
    action: String,
    party: String,
    fields: String,
    reason: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
pub struct AuditPage {
    ctx: Ctx,
    actor: String,
    party_id: String,
    from: String,
    to: String,
    /// (action, selected)
    actions: Vec<(&'static str, bool)>,
    query: String,
    rows: Vec<Row>,
    error: Option<String>,
    prev_url: Option<String>,
    next_url: Option<String>,
}

/// The auditor's viewer: the same filters and the same audit of reading as the API.
pub async fn view(
    State(state): State<AppState>,
    page: SignedIn,
    q: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<AuditPage, PageError> {
    let fail = page.fail();
    let q = q.map(|q| q.0).unwrap_or_default();
    let request = page_request(q.page, Some(50)).map_err(&fail)?;
    let (rows, has_more, error) = match read_page(&state, &page.auth, &q, request).await {
        Ok(page) => (page.items, page.has_more, None),
        Err(e) if e.code == rapport_proto::ErrorCode::InvalidParameter => {
            (Vec::new(), false, Some(e.message))
        }
        Err(e) => return Err(fail(e)),
    };
    let tz = state.bank.time_zone;
    let query = [
        ("actor", q.actor.clone().unwrap_or_default()),
        (
            "party_id",
            q.party_id.map(|p| p.to_string()).unwrap_or_default(),
        ),
        ("action", q.action.clone().unwrap_or_default()),
        ("from", q.from.map(|d| d.to_string()).unwrap_or_default()),
        ("to", q.to.map(|d| d.to_string()).unwrap_or_default()),
    ]
    .iter()
    .map(|(k, v)| format!("{k}={}", url_encode(v)))
    .collect::<Vec<_>>()
    .join("&");
    let page_no = request.page;
    Ok(AuditPage {
        ctx: page.ctx(),
        actor: q.actor.clone().unwrap_or_default(),
        party_id: q.party_id.map(|p| p.to_string()).unwrap_or_default(),
        from: q.from.map(|d| d.to_string()).unwrap_or_default(),
        to: q.to.map(|d| d.to_string()).unwrap_or_default(),
        actions: AuditAction::ALL
            .iter()
            .map(|a| (a.as_str(), q.action.as_deref() == Some(a.as_str())))
            .collect(),
        prev_url: (page_no > 1).then(|| format!("/audit?{query}&page={}", page_no - 1)),
        next_url: has_more.then(|| format!("/audit?{query}&page={}", page_no + 1)),
        query,
        rows: rows
            .iter()
            .map(|e| Row {
                seq: e.seq,
                // Stored in UTC, shown in the bank's zone.
                when: e
                    .entry
                    .at
                    .with_timezone(&tz)
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
                actor: e.entry.actor_username.clone(),
                ip: e.entry.source_ip.clone().unwrap_or_default(),
                action: e.entry.action.as_str().to_owned(),
                party: e
                    .entry
                    .party_id
                    .map(|p| p.0.to_string())
                    .unwrap_or_default(),
                fields: e.entry.fields_unmasked.join(", "),
                reason: e.entry.reason.clone().unwrap_or_default(),
            })
            .collect(),
        error,
    })
}
