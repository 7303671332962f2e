use axum::Json;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::IntoResponse;
use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::{Action, PartyId};
use rapport_proto::{AuditEntryDto, AuditPage, ErrorBody};
use rapport_store::audit::{AuditAction, AuditEntry};
use rapport_store::{AuditFilter, PageRequest};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{Caller, Errors};
use crate::api::page_request;
use crate::auth::Authenticated;
use crate::extract::ApiQuery;
use crate::{AppState, WebError, audit};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Staff username.
    pub actor: Option<String>,
    /// Customer (party) id.
    pub party_id: Option<i64>,
    /// An action name, e.g. customer_viewed.
    pub action: Option<String>,
    /// First day, inclusive (YYYY-MM-DD, UTC).
    pub from: Option<NaiveDate>,
    /// Last day, inclusive (YYYY-MM-DD, UTC).
    pub to: Option<NaiveDate>,
    pub page: Option<u32>,
    pub page_size: Option<u32>,
}

impl AuditQuery {
    pub fn filter(&self) -> Result<AuditFilter, WebError> {
        let action = match self.action.as_deref().filter(|a| !a.is_empty()) {
            Some(a) => Some(
                a.parse::<AuditAction>()
                    .map_err(|e| WebError::invalid_parameter("action", e.reason))?,
            ),
            None => None,
        };
        // A control character names no one (and PostgreSQL refuses a NUL in text): 400, not 500.
        if self
            .actor
            .as_deref()
            .is_some_and(|a| a.chars().any(char::is_control))
        {
            return Err(WebError::invalid_parameter(
                "actor",
                "actor may not contain control characters",
            ));
        }
        let start =
            |d: NaiveDate| -> Option<DateTime<Utc>> { d.and_hms_opt(0, 0, 0).map(|t| t.and_utc()) };
        if let (Some(f), Some(t)) = (self.from, self.to)
            && f > t
        {
            return Err(WebError::invalid_parameter(
                "from",
                "from must not be after to",
            ));
        }
        Ok(AuditFilter {
            actor_username: self.actor.clone().filter(|a| !a.is_empty()),
            party_id: self.party_id.map(PartyId),
            action,
            from: self.from.and_then(start),
            to: self.to.and_then(|d| d.succ_opt()).and_then(start),
        })
    }
}

pub fn dto(e: &AuditEntry) -> AuditEntryDto {
    AuditEntryDto {
        seq: e.seq,
        at: e.entry.at,
        actor_username: e.entry.actor_username.clone(),
        actor_role: e.entry.actor_role.map(|r| r.as_str().to_owned()),
        source_ip: e.entry.source_ip.clone(),
        action: e.entry.action.as_str().to_owned(),
        party_id: e.entry.party_id.map(|p| p.0),
        fields_unmasked: e.entry.fields_unmasked.clone(),
        reason: e.entry.reason.clone(),
        detail: e.entry.detail.clone(),
        hash: e.hash.clone(),
    }
}

/// Only auditors read the trail; anyone else is refused, and the refusal is itself audited.
pub async fn require_auditor(state: &AppState, auth: &Authenticated) -> Result<(), WebError> {
    audit::require(state, auth, Action::ReadAuditTrail, None).await
}

/// Reads a filtered page of the trail and records that it was read.
pub async fn read_page(
    state: &AppState,
    auth: &Authenticated,
    q: &AuditQuery,
    request: PageRequest,
) -> Result<rapport_store::Page<AuditEntry>, WebError> {
    require_auditor(state, auth).await?;
    let filter = q.filter()?;
    let page = state.store.search_audit(&filter, request).await?;
    let mut e = audit::by(auth, state.clock.now(), AuditAction::AuditViewed);
    e.party_id = filter.party_id;
    e.detail = Some(format!("entries={}", page.items.len()));
    state.audit.record(e).await?;
    Ok(page)
}

/// The audit trail, newest first (auditor role only).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, body = AuditPage),
        (status = 403, body = ErrorBody, description = "not an auditor"),
        Errors<400, 401>))]
pub async fn list_audit(
    Caller { state, auth }: Caller,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, WebError> {
    let request = page_request(q.page, q.page_size)?;
    let page = read_page(&state, &auth, &q, request).await?;
    Ok(Json(AuditPage {
        items: page.items.iter().map(dto).collect(),
        page: page.page,
        page_size: page.page_size,
        has_more: page.has_more,
    }))
}

/// Exports the filtered trail as CSV (at most 100,000 entries per export; auditor role only).
#[utoipa::path(get, path = "/api/v1/audit/export", tag = "audit",
    params(AuditQuery),
    responses((status = 200, content_type = "text/csv", body = String), Errors<400, 403>))]
pub async fn export_audit(
    Caller { state, auth }: Caller,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<impl IntoResponse, WebError> {
    require_auditor(&state, &auth).await?;
    let filter = q.filter()?;
    let mut csv = String::from(
        "seq,at,actor,role,source_ip,action,party_id,fields_unmasked,reason,detail,hash\n",
    );
    let mut rows = 0;
    for page_no in 1..=1000 {
        let page = state
            .store
            .search_audit(
                &filter,
                PageRequest {
                    page: page_no,
                    page_size: 100,
                },
            )
            .await?;
        for e in &page.items {
            let d = dto(e);
            let cells = [
                d.seq.to_string(),
                d.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
                d.actor_username,
                d.actor_role.unwrap_or_default(),
                d.source_ip.unwrap_or_default(),
                d.action,
                d.party_id.map(|p| p.to_string()).unwrap_or_default(),
                d.fields_unmasked.join(" "),
                d.reason.unwrap_or_default(),
                d.detail.unwrap_or_default(),
                d.hash,
            ];
            csv.push_str(
                &cells
                    .iter()
                    .map(|c| csv_cell(c))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            csv.push('\n');
            rows += 1;
        }
        if !page.has_more {
            break;
        }
    }
    let mut e = audit::by(&auth, state.clock.now(), AuditAction::Exported);
    e.detail = Some(format!("audit trail export, rows={rows}"));
    state.audit.record(e).await?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                CONTENT_DISPOSITION,
                "attachment; filename=\"rapport-audit.csv\"",
            ),
        ],
        csv,
    ))
}

/// Quotes a CSV cell and defuses spreadsheet formulas (`=`, `+`, `-`, `@` at the start).
pub fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}
