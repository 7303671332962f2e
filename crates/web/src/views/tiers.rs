//! The tier change page (R3.3, R4.1): the proposals of the scoring run in the viewer's scope,
//! each accepted with an optional dedicated RM, or declined.
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use rapport_domain::TierProposalStatus;
use rapport_proto::{ErrorCode, TierDecisionBody, TierProposalPage};
use serde::Deserialize;

use super::{Ctx, FormPost, PageError, SignedIn};
use crate::{AppState, WebError, tiers};

#[derive(Template, WebTemplate)]
#[template(path = "tier_proposals.html")]
pub struct TierProposalsPage {
    ctx: Ctx,
    page: TierProposalPage,
    status: &'static str,
    statuses: Vec<&'static str>,
    /// Enabled RMs to choose a dedicated one from: (staff id, "name (username)").
    rms: Vec<(i64, String)>,
    message: Option<(bool, String)>,
}

impl TierProposalsPage {
    fn rm_name(&self, id: &Option<i64>) -> String {
        match *id {
            None => "-".to_owned(),
            Some(id) => self
                .rms
                .iter()
                .find(|(s, _)| *s == id)
                .map_or_else(|| format!("#{id}"), |(_, name)| name.clone()),
        }
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    page: Option<u32>,
}

async fn render(
    state: &AppState,
    signed_in: &SignedIn,
    status: TierProposalStatus,
    page: Option<u32>,
    message: Option<(bool, String)>,
) -> Result<TierProposalsPage, PageError> {
    let fail = signed_in.fail();
    let request = crate::api::page_request(page, Some(50)).map_err(&fail)?;
    let page = tiers::list(state, &signed_in.auth, status, request)
        .await
        .map_err(&fail)?;
    let rms = crate::portfolio::enabled_rms(state).await.map_err(fail)?;
    Ok(TierProposalsPage {
        ctx: signed_in.ctx(),
        page,
        status: status.as_str(),
        statuses: TierProposalStatus::ALL.iter().map(|s| s.as_str()).collect(),
        rms,
        message,
    })
}

pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
    page: SignedIn,
) -> Result<TierProposalsPage, PageError> {
    let status = tiers::parse_status(q.status.as_deref()).map_err(page.fail())?;
    render(&state, &page, status, q.page, None).await
}

posted_forms!(DecisionForm);

#[derive(Deserialize)]
pub struct DecisionForm {
    csrf: String,
    decision: String,
    #[serde(default)]
    dedicated_rm_staff_id: String,
}

pub async fn decide(
    State(state): State<AppState>,
    FormPost { page, id, form }: FormPost<DecisionForm, i64>,
) -> Result<TierProposalsPage, PageError> {
    let fail = page.fail();
    let rm = match form.dedicated_rm_staff_id.trim() {
        "" => None,
        s => Some(s.parse::<i64>().map_err(|_| {
            fail(WebError::invalid_parameter(
                "dedicated_rm_staff_id",
                "dedicated_rm_staff_id must be a staff id",
            ))
        })?),
    };
    // Declining with an RM chosen in the form: the choice is ignored, not an error.
    let rm = if form.decision == "decline" { None } else { rm };
    let body = TierDecisionBody {
        decision: form.decision,
        dedicated_rm_staff_id: rm,
    };
    let decided = tiers::decide(&state, &page.auth, id, &body).await;
    let shown = [ErrorCode::InvalidParameter, ErrorCode::Conflict];
    let message = page.outcome(decided, page.req.lang.work_text().decided, &shown)?;
    render(
        &state,
        &page,
        TierProposalStatus::Proposed,
        None,
        Some(message),
    )
    .await
}
