//! The RM workbench (R4.2): the caller's tasks due and upcoming, and their portfolio at a
//! glance. The store keeps an RM's portfolio overview from one scoring run and change of their
//! customers to the next (`WorkbenchStore::portfolio_overview`); the customers it lists are
//! named live, within scope, at every request, so a summary never shows a customer the caller
//! may no longer see. Everything else is read live.
use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use rapport_domain::{PartyId, PartyKind};
use rapport_proto::{
    AtRiskDto, AumPointDto, KindCountDto, OpportunityDto, PortfolioDto, TaskPage, WorkbenchDto,
};
use rapport_store::PageRequest;
use rapport_store::audit::AuditAction;
use rapport_store::scores::PortfolioOverview;
use rapport_store::work::{TaskQuery, TaskStatus};

use crate::auth::Authenticated;
use crate::i18n::Lang;
use crate::work::{UPCOMING_DAYS, today};
use crate::{AppState, WebError, audit, present};

/// Months of AUM on the workbench's trend, and customers on each of its lists.
const TREND_MONTHS: i64 = 12;
const TOP: usize = 10;
/// Tasks on each of the workbench's lists; the rest are a page away (`GET /api/v1/tasks`).
pub const TASKS_SHOWN: i64 = 50;

/// What the latest scoring says of the caller's customers, without their names.
#[derive(Debug)]
struct Summary {
    as_of: Option<NaiveDate>,
    /// (tier, customers, AUM minor units), most AUM first.
    tiers: Vec<(rapport_domain::Tier, i64, i64)>,
    /// (month, AUM minor units), oldest first.
    aum_trend: Vec<(NaiveDate, i64)>,
    at_risk: Vec<AtRisk>,
    opportunities: Vec<Opportunity>,
}

#[derive(Debug)]
struct AtRisk {
    party_id: i64,
    tier: rapport_domain::Tier,
    churn_risk: f64,
    aum_minor: i64,
}

#[derive(Debug)]
struct Opportunity {
    party_id: i64,
    family: String,
    propensity: f64,
    reason: String,
}

/// The summary of a live overview: the most at risk, and each of the most valuable
/// customers' top recommendation, best first.
fn summarise(o: PortfolioOverview) -> Result<Summary, WebError> {
    let mut opportunities = Vec::new();
    for c in &o.most_valuable {
        let s: rapport_scoring::PartyScore = serde_json::from_str(&c.detail_json)
            .map_err(|e| WebError::internal("stored scores", e))?;
        if let Some(best) = s.next_best_products.first() {
            opportunities.push(Opportunity {
                party_id: c.party_id.0,
                family: best.family.as_str().to_owned(),
                propensity: best.propensity,
                reason: best.reason.clone(),
            });
        }
    }
    opportunities.sort_by(|a, b| b.propensity.total_cmp(&a.propensity));
    opportunities.truncate(TOP);
    Ok(Summary {
        as_of: o.as_of,
        tiers: o.tiers,
        aum_trend: o.aum_trend,
        at_risk: o
            .at_risk
            .into_iter()
            .take(TOP)
            .map(|c| AtRisk {
                party_id: c.party_id.0,
                tier: c.tier,
                churn_risk: c.churn_risk.unwrap_or_default(),
                aum_minor: c.aum_minor,
            })
            .collect(),
        opportunities,
    })
}

/// The caller's summary at the latest scoring.
async fn summary(state: &AppState, auth: &Authenticated) -> Result<Summary, WebError> {
    let overview = state
        .store
        .portfolio_overview(
            &auth.viewer,
            TREND_MONTHS,
            (TOP * 3) as i64,
            state.clock.now(),
        )
        .await?;
    summarise(overview)
}

/// The caller's customers at the latest scoring: by tier, AUM month by month, the most at
/// risk, and the best next-product opportunities, each named (masked per role) if still in
/// the caller's scope.
async fn portfolio(state: &AppState, auth: &Authenticated) -> Result<PortfolioDto, WebError> {
    let currency = state.bank.base_currency;
    let s = summary(state, auth).await?;
    let mut listed: Vec<PartyId> = s
        .at_risk
        .iter()
        .map(|c| PartyId(c.party_id))
        .chain(s.opportunities.iter().map(|c| PartyId(c.party_id)))
        .collect();
    listed.sort_unstable_by_key(|p| p.0);
    listed.dedup();
    let names: HashMap<i64, String> = state
        .store
        .party_names(&auth.viewer, &listed)
        .await?
        .into_iter()
        .map(|(id, name)| (id.0, name))
        .collect();
    let policy = auth.viewer.field_policy();
    let name = |id: i64| {
        names
            .get(&id)
            .map(|n| present::name(PartyKind::Individual, n, policy))
    };
    Ok(PortfolioDto {
        as_of: s.as_of,
        customers: s.tiers.iter().map(|t| t.1).sum(),
        tiers: crate::analytics::tier_counts(&s.tiers, currency),
        aum_trend: s
            .aum_trend
            .iter()
            .map(|(month, aum)| AumPointDto {
                month: *month,
                aum: crate::analytics::minor(*aum, currency),
            })
            .collect(),
        at_risk: s
            .at_risk
            .iter()
            .filter_map(|c| {
                Some(AtRiskDto {
                    customer_id: c.party_id,
                    customer_name: name(c.party_id)?,
                    tier: c.tier.as_str().to_owned(),
                    churn_risk: c.churn_risk,
                    aum: crate::analytics::minor(c.aum_minor, currency),
                })
            })
            .collect(),
        opportunities: s
            .opportunities
            .iter()
            .filter_map(|c| {
                Some(OpportunityDto {
                    customer_id: c.party_id,
                    customer_name: name(c.party_id)?,
                    family: c.family.clone(),
                    propensity: c.propensity,
                    reason: c.reason.clone(),
                })
            })
            .collect(),
    })
}

/// The caller's day, with page `due_page` (from 1) of the tasks due today or overdue.
pub async fn workbench(
    state: &AppState,
    auth: &Authenticated,
    due_page: u32,
    lang: Lang,
) -> Result<WorkbenchDto, WebError> {
    let today = today(state);
    let until = today
        .checked_add_days(Days::new(UPCOMING_DAYS))
        .unwrap_or(today);
    let open = Some(TaskStatus::Open);
    let list = |due_after, due_until, page: u32| TaskQuery {
        status: open,
        due_after,
        due_until: Some(due_until),
        offset: i64::from(page.saturating_sub(1)) * TASKS_SHOWN,
        limit: TASKS_SHOWN,
    };
    let due = state
        .store
        .my_tasks(&auth.viewer, &list(None, today, due_page))
        .await?;
    let upcoming = state
        .store
        .my_tasks(&auth.viewer, &list(Some(today), until, 1))
        .await?;
    let counts = state.store.task_counts(&auth.viewer, today, until).await?;
    let portfolio = portfolio(state, auth).await?;
    let mut e = audit::by(auth, state.clock.now(), AuditAction::ReportViewed);
    e.detail = Some("workbench".into());
    state.audit.record(e).await?;
    let policy = auth.viewer.field_policy();
    Ok(WorkbenchDto {
        portfolio,
        today,
        due: due.iter().map(|t| present::task(t, policy, lang)).collect(),
        due_total: counts.overdue + counts.due_today,
        overdue: counts.overdue,
        upcoming: upcoming
            .iter()
            .map(|t| present::task(t, policy, lang))
            .collect(),
        upcoming_total: counts.upcoming,
        open_by_kind: counts
            .by_kind
            .into_iter()
            .map(|(kind, count)| KindCountDto { kind, count })
            .collect(),
    })
}

/// Which of the caller's own tasks to page through.
#[derive(Debug, Default)]
pub struct TaskFilter {
    pub status: Option<String>,
    pub due_after: Option<NaiveDate>,
    pub due_until: Option<NaiveDate>,
}

pub async fn tasks(
    state: &AppState,
    auth: &Authenticated,
    filter: &TaskFilter,
    page: PageRequest,
    lang: Lang,
) -> Result<TaskPage, WebError> {
    let status = match filter.status.as_deref().map(str::trim) {
        None | Some("") => Some(TaskStatus::Open),
        Some("any") => None,
        Some(s) => Some(crate::work::parse("status", s)?),
    };
    let (due_after, due_until) = (filter.due_after, filter.due_until);
    if let (Some(a), Some(u)) = (due_after, due_until)
        && a >= u
    {
        return Err(WebError::invalid_parameter(
            "due_until",
            format!("due_until ({u}) must be after due_after ({a})"),
        ));
    }
    let mut rows = state
        .store
        .my_tasks(
            &auth.viewer,
            &TaskQuery {
                status,
                due_after,
                due_until,
                offset: page.offset(),
                limit: page.fetch_limit(),
            },
        )
        .await?;
    let has_more = rows.len() as i64 > i64::from(page.page_size);
    rows.truncate(page.page_size as usize);
    let mut e = audit::by(auth, state.clock.now(), AuditAction::ReportViewed);
    e.detail = Some(format!("tasks page {}", page.page));
    state.audit.record(e).await?;
    let policy = auth.viewer.field_policy();
    Ok(TaskPage {
        items: rows
            .iter()
            .map(|t| present::task(t, policy, lang))
            .collect(),
        page: page.page,
        page_size: page.page_size,
        has_more,
    })
}
