//! The customer-value dashboard (R3.3, R3.4, R3.10 shown to users): the same figures as
//! `/api/v1/analytics`, drawn with ECharts from data attributes (no inline scripts).
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use rapport_proto::{DashboardDto, ParetoDto};
use serde::Deserialize;

use super::{Ctx, PageError, SignedIn};
use crate::analytics::{self, parse_branch};
use crate::{AppState, assets};
use rapport_store::scores::ParetoMeasure;

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    ctx: Ctx,
    d: DashboardDto,
    branch_id: String,
    /// JSON arrays for the charts' data attributes.
    tier_labels: String,
    tier_counts: String,
    lifecycle_labels: String,
    lifecycle_counts: String,
    churn_counts: String,
    pareto_profit: String,
    pareto_aum: String,
    top20_profit: String,
    top20_aum: String,
    echarts_url: String,
}

#[derive(Deserialize)]
pub struct DashboardForm {
    branch_id: Option<String>,
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn percent(p: &ParetoDto) -> String {
    p.top_20_share
        .map_or_else(|| "–".into(), |s| format!("{:.1}%", s * 100.0))
}

pub async fn dashboard(
    State(state): State<AppState>,
    page: SignedIn,
    form: Result<Query<DashboardForm>, axum::extract::rejection::QueryRejection>,
) -> Result<DashboardPage, PageError> {
    let (fail, auth) = (page.fail(), &page.auth);
    let form = page.query(form, "branch_id")?;
    let branch = parse_branch(form.branch_id.as_deref()).map_err(&fail)?;
    let d = analytics::dashboard(&state, auth, branch)
        .await
        .map_err(&fail)?;
    let pareto = |measure| analytics::pareto(&state, auth, measure, branch, None);
    let profit = pareto(ParetoMeasure::Profit).await.map_err(&fail)?;
    let aum = pareto(ParetoMeasure::Aum).await.map_err(&fail)?;
    let ctx = page.ctx();
    let zh = ctx.lang == crate::i18n::Lang::Zh;
    let label = |zh_label: &str, en_label: &str| (if zh { zh_label } else { en_label }).to_owned();
    let tier_labels: Vec<String> = d
        .tiers
        .iter()
        .map(|t| label(&t.label_zh, &t.label_en))
        .collect();
    let lifecycle_labels: Vec<String> = (d.lifecycle.iter())
        .map(|c| label(&c.label_zh, &c.label_en))
        .collect();
    Ok(DashboardPage {
        tier_labels: json(&tier_labels),
        tier_counts: json(&d.tiers.iter().map(|t| t.customers).collect::<Vec<_>>()),
        lifecycle_labels: json(&lifecycle_labels),
        lifecycle_counts: json(&d.lifecycle.iter().map(|c| c.customers).collect::<Vec<_>>()),
        churn_counts: json(&d.churn_deciles),
        pareto_profit: json(&profit.shares),
        pareto_aum: json(&aum.shares),
        top20_profit: percent(&profit),
        top20_aum: percent(&aum),
        branch_id: branch.map(|b| b.0.to_string()).unwrap_or_default(),
        echarts_url: assets::url("echarts.min.js"),
        d,
        ctx,
    })
}
