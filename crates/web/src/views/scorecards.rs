//! The scorecards page (R4.5): the leaderboard of the RMs the viewer may see, with AUM growth
//! as a bar chart.
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use rapport_proto::ScorecardsDto;
use serde::Deserialize;

use super::{Ctx, PageError, SignedIn};
use crate::{AppState, assets, scorecards};

#[derive(Template, WebTemplate)]
#[template(path = "scorecards.html")]
pub struct ScorecardsPage {
    ctx: Ctx,
    s: ScorecardsDto,
    from: String,
    to: String,
    echarts_url: String,
    /// JSON arrays for the chart: RM names and AUM growth in yuan.
    names: String,
    growth: String,
}

impl ScorecardsPage {
    fn pct(&self, share: &Option<f64>) -> String {
        share.map_or_else(|| "–".to_owned(), |s| format!("{:.1}%", s * 100.0))
    }
}

#[derive(Deserialize)]
pub struct PeriodForm {
    from: Option<String>,
    to: Option<String>,
}

pub async fn view(
    State(state): State<AppState>,
    Query(q): Query<PeriodForm>,
    page: SignedIn,
) -> Result<ScorecardsPage, PageError> {
    let (from, to) = (q.from.as_deref(), q.to.as_deref());
    let s = scorecards::scorecards(&state, &page.auth, from, to)
        .await
        .map_err(page.fail())?;
    let json = |v: Vec<String>| serde_json::to_string(&v).unwrap_or_default();
    let names = json(s.rms.iter().map(|r| r.display_name.clone()).collect());
    // The chart only draws; amounts stay decimal strings until the browser plots them.
    let growth = json(s.rms.iter().map(|r| r.aum_growth.amount.clone()).collect());
    Ok(ScorecardsPage {
        ctx: page.ctx(),
        from: s.from.format("%Y-%m").to_string(),
        to: s.to.format("%Y-%m").to_string(),
        s,
        echarts_url: assets::url("echarts.min.js"),
        names,
        growth,
    })
}
