//! The RM workbench page (R4.2): the same lists as `/api/v1/workbench`, and a form per due
//! task that completes it with its outcome (logged as a contact on the customer's timeline).
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use rapport_proto::{CompleteTaskRequest, ErrorCode, WorkbenchDto};
use serde::Deserialize;

use super::{Ctx, FormPost, PageError, SignedIn};
use crate::{AppState, work};

#[derive(Template, WebTemplate)]
#[template(path = "workbench.html")]
pub struct WorkbenchPage {
    ctx: Ctx,
    w: WorkbenchDto,
    /// (success, text) after a completion.
    message: Option<(bool, String)>,
    channels: Vec<&'static str>,
    echarts_url: String,
    /// JSON arrays for the charts' data attributes (months and amounts, tiers and counts).
    trend_months: String,
    trend_values: String,
    tier_labels: String,
    tier_counts: String,
    /// The due list's page and how many tasks it holds in all, and links to its neighbours.
    due_label: String,
    prev_url: Option<String>,
    next_url: Option<String>,
}

#[derive(Deserialize)]
pub struct WorkbenchForm {
    /// The page of the due list, from 1.
    page: Option<u32>,
}

const CHANNELS: [&str; 7] = [
    "phone",
    "branch_visit",
    "wechat",
    "sms",
    "email",
    "app",
    "event",
];

async fn render(
    state: &AppState,
    page: &SignedIn,
    due_page: u32,
    message: Option<(bool, String)>,
) -> Result<WorkbenchPage, PageError> {
    let w = crate::workbench::workbench(state, &page.auth, due_page, page.req.lang)
        .await
        .map_err(page.fail())?;
    let ctx = page.ctx();
    let shown_to = i64::from(due_page - 1) * crate::workbench::TASKS_SHOWN + w.due.len() as i64;
    let due_label = format!(
        "{} · {}",
        ctx.t.page.replace("{}", &due_page.to_string()),
        ctx.wt.in_all.replace("{}", &w.due_total.to_string())
    );
    let link = |p: u32| format!("/workbench?page={p}");
    let prev_url = (due_page > 1).then(|| link(due_page - 1));
    let next_url = (shown_to < w.due_total).then(|| link(due_page + 1));
    let json = |v: Vec<String>| serde_json::to_string(&v).unwrap_or_default();
    let p = &w.portfolio;
    let trend_months = json(
        p.aum_trend
            .iter()
            .map(|a| a.month.format("%Y-%m").to_string())
            .collect(),
    );
    // The chart only draws; amounts stay decimal strings until the browser plots them.
    let trend_values = json(p.aum_trend.iter().map(|a| a.aum.amount.clone()).collect());
    let tier_labels = json(
        p.tiers
            .iter()
            .map(|t| ctx.label(&t.tier).to_owned())
            .collect(),
    );
    let tier_counts = json(p.tiers.iter().map(|t| t.customers.to_string()).collect());
    Ok(WorkbenchPage {
        ctx,
        w,
        message,
        channels: CHANNELS.to_vec(),
        echarts_url: crate::assets::url("echarts.min.js"),
        trend_months,
        trend_values,
        tier_labels,
        tier_counts,
        due_label,
        prev_url,
        next_url,
    })
}

pub async fn workbench(
    State(state): State<AppState>,
    page: SignedIn,
    form: Result<Query<WorkbenchForm>, QueryRejection>,
) -> Result<WorkbenchPage, PageError> {
    let form = page.query(form, "page")?;
    let due_page = crate::api::page_request(form.page, Some(1))
        .map_err(page.fail())?
        .page;
    render(&state, &page, due_page, None).await
}

posted_forms!(CompleteForm);

#[derive(Deserialize)]
pub struct CompleteForm {
    csrf: String,
    channel: String,
    outcome: String,
    #[serde(default)]
    notes: String,
}

pub async fn complete(
    State(state): State<AppState>,
    FormPost { page, id, form }: FormPost<CompleteForm, i64>,
) -> Result<WorkbenchPage, PageError> {
    let lang = page.req.lang;
    let done = CompleteTaskRequest {
        channel: form.channel,
        direction: None,
        outcome: form.outcome,
        notes: form.notes,
    };
    let completed = work::complete_task(&state, &page.auth, id, &done, lang).await;
    let shown = [ErrorCode::InvalidParameter];
    let message = page.outcome(completed, lang.work_text().completed, &shown)?;
    render(&state, &page, 1, Some(message)).await
}
