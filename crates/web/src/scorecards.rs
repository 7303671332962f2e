//! RM scorecards and the leaderboard (R4.5): per RM over whole months — AUM growth, net new
//! customers, products sold, task completion and retention of warned customers — ranked by
//! AUM growth. An RM sees their own card, a branch manager the RMs of their subtree.
use chrono::{Datelike, Months, NaiveDate};
use rapport_domain::Action;
use rapport_proto::{RmScorecardDto, ScorecardsDto};
use rapport_store::audit::AuditAction;
use rapport_store::portfolio::ScorecardPeriod;

use crate::auth::Authenticated;
use crate::{AppState, WebError, audit, work};

/// Longest period one request may cover.
const MAX_MONTHS: u32 = 36;

fn month(field: &str, s: &str) -> Result<NaiveDate, WebError> {
    NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d").map_err(|_| {
        WebError::invalid_parameter(field, format!("{field} must be a month, YYYY-MM"))
    })
}

/// The period from `from` to `to` (months, `YYYY-MM`); by default the last three months up
/// to the current one.
pub fn period(
    today: NaiveDate,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<ScorecardPeriod, WebError> {
    let this_month = today.with_day(1).unwrap_or(today);
    let last = match to.filter(|s| !s.is_empty()) {
        Some(s) => month("to", s)?,
        None => this_month,
    };
    let first = match from.filter(|s| !s.is_empty()) {
        Some(s) => month("from", s)?,
        None => last.checked_sub_months(Months::new(2)).unwrap_or(last),
    };
    if first > last {
        return Err(WebError::invalid_parameter(
            "from",
            "from must not be after to",
        ));
    }
    if first
        .checked_add_months(Months::new(MAX_MONTHS))
        .is_some_and(|m| m <= last)
    {
        return Err(WebError::invalid_parameter(
            "from",
            format!("a scorecard covers at most {MAX_MONTHS} months"),
        ));
    }
    let end = last
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .ok_or_else(|| WebError::invalid_parameter("to", "to is out of range"))?;
    Ok(ScorecardPeriod {
        from: first,
        to: end,
    })
}

fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

pub async fn scorecards(
    state: &AppState,
    auth: &Authenticated,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<ScorecardsDto, WebError> {
    audit::require(state, auth, Action::ViewScorecards, None).await?;
    let p = period(work::today(state), from, to)?;
    let cards = state.store.rm_scorecards(&auth.viewer, p).await?;
    let mut e = audit::by(auth, state.clock.now(), AuditAction::ReportViewed);
    e.detail = Some(format!("scorecards {}..{}", p.from, p.to));
    state.audit.record(e).await?;
    let currency = state.bank.base_currency;
    let money = |minor| crate::analytics::minor(minor, currency);
    let mut rms: Vec<RmScorecardDto> = cards
        .iter()
        .map(|c| RmScorecardDto {
            rank: 0,
            staff_id: c.staff_id.0,
            display_name: c.display_name.clone(),
            branch_id: c.branch_id.map(|b| b.0),
            customers: c.customers,
            aum_start: money(c.aum_start_minor),
            aum_end: money(c.aum_end_minor),
            aum_growth: money(c.aum_end_minor - c.aum_start_minor),
            aum_growth_share: share(c.aum_end_minor - c.aum_start_minor, c.aum_start_minor),
            net_new_customers: c.gained - c.lost,
            products_sold: c.products_sold,
            task_completion: share(c.tasks_done, c.tasks_due),
            at_risk: c.at_risk,
            retention: share(c.retained, c.at_risk),
        })
        .collect();
    let growth: std::collections::HashMap<i64, i64> = cards
        .iter()
        .map(|c| (c.staff_id.0, c.aum_end_minor - c.aum_start_minor))
        .collect();
    rms.sort_by(|a, b| {
        // Every RM comes from a card, so both lookups find their growth.
        growth
            .get(&b.staff_id)
            .cmp(&growth.get(&a.staff_id))
            .then(a.staff_id.cmp(&b.staff_id))
    });
    for (i, r) in rms.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    Ok(ScorecardsDto {
        from: p.from,
        to: p.to,
        rms,
    })
}
