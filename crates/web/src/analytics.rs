//! The analytical views (R3.3, R3.4): score distributions and the 80/20 curve of the latest
//! scoring, within the caller's scope (the store applies it), audited as reports. Shared by
//! `/api/v1/analytics` and the dashboard page.
use rapport_domain::{BranchId, ClvClass, Currency, LifecycleStage, Money, Tier};
use rapport_proto::{
    BranchDto, BranchFiguresDto, CountDto, DashboardDto, MoneyDto, ParetoDto, TierCountDto,
};
use rapport_store::audit::AuditAction;
use rapport_store::scores::ParetoMeasure;

use crate::auth::Authenticated;
use crate::i18n::Lang;
use crate::{AppState, WebError, audit, present};

/// The API's key for customers without a CLV class (no CLV could be fitted).
const NO_CLV_CLASS: &str = "unknown";

pub(crate) fn minor(v: i64, currency: Currency) -> MoneyDto {
    present::money(Money::from_minor_units(v, currency))
}

fn labelled(key: &str, customers: i64) -> CountDto {
    CountDto {
        key: key.to_owned(),
        label_zh: Lang::Zh.label(key).to_owned(),
        label_en: Lang::En.label(key).to_owned(),
        customers,
    }
}

/// Parses an optional `branch_id` query parameter.
pub fn parse_branch(v: Option<&str>) -> Result<Option<BranchId>, WebError> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(|id| Some(BranchId(id)))
            .ok_or_else(|| {
                WebError::invalid_parameter("branch_id", "branch_id must be a positive number")
            }),
    }
}

pub fn parse_measure(v: Option<&str>) -> Result<ParetoMeasure, WebError> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None | Some("profit") => Ok(ParetoMeasure::Profit),
        Some("aum") => Ok(ParetoMeasure::Aum),
        Some(_) => Err(WebError::invalid_parameter(
            "measure",
            "measure must be profit or aum",
        )),
    }
}

async fn audited(state: &AppState, auth: &Authenticated, what: String) -> Result<(), WebError> {
    let mut e = audit::by(auth, state.clock.now(), AuditAction::ReportViewed);
    e.detail = Some(what);
    state.audit.record(e).await
}

/// Customers and AUM per tier, every tier listed (highest first), from the store's
/// (tier, customers, AUM) sums.
pub fn tier_counts(
    sums: &[(Tier, i64, i64)],
    currency: rapport_domain::Currency,
) -> Vec<TierCountDto> {
    // Tiers from the top: how charts list them.
    Tier::ALL
        .iter()
        .rev()
        .map(|tier| {
            let (customers, aum) = sums
                .iter()
                .find(|t| t.0 == *tier)
                .map_or((0, 0), |t| (t.1, t.2));
            let key = tier.as_str();
            TierCountDto {
                tier: key.to_owned(),
                label_zh: Lang::Zh.label(key).to_owned(),
                label_en: Lang::En.label(key).to_owned(),
                customers,
                aum: minor(aum, currency),
            }
        })
        .collect()
}

pub async fn dashboard(
    state: &AppState,
    auth: &Authenticated,
    branch: Option<BranchId>,
) -> Result<DashboardDto, WebError> {
    let d = state.store.score_dashboard(&auth.viewer, branch).await?;
    audited(
        state,
        auth,
        format!("dashboard branch={}", branch.map_or(0, |b| b.0)),
    )
    .await?;
    let currency = state.bank.base_currency;
    let stage_count = |stage: LifecycleStage| {
        (d.lifecycle.iter())
            .find(|r| r.0 == stage)
            .map_or(0, |r| r.1)
    };
    let tiers = tier_counts(&d.tiers, currency);
    let mut clv_classes: Vec<CountDto> = (d.clv_classes.iter())
        .map(|(k, n)| labelled(k.map_or(NO_CLV_CLASS, ClvClass::as_str), *n))
        .collect();
    clv_classes.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(DashboardDto {
        as_of: d.as_of,
        customers: d.customers,
        tiers,
        lifecycle: (LifecycleStage::ALL.iter())
            .map(|s| labelled(s.as_str(), stage_count(*s)))
            .collect(),
        clv_classes,
        churn_deciles: d.churn_deciles.clone(),
        branches: d
            .branches
            .iter()
            .map(|(id, code, zh, en, n, aum, profit)| BranchFiguresDto {
                branch: BranchDto {
                    id: *id,
                    code: code.clone(),
                    name_zh: zh.clone(),
                    name_en: en.clone(),
                },
                customers: *n,
                aum: minor(*aum, currency),
                profit: minor(*profit, currency),
            })
            .collect(),
    })
}

pub async fn pareto(
    state: &AppState,
    auth: &Authenticated,
    measure: ParetoMeasure,
    branch: Option<BranchId>,
    segment: Option<&str>,
) -> Result<ParetoDto, WebError> {
    if let Some(s) = segment
        && (s.len() > 60 || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        return Err(WebError::invalid_parameter(
            "segment",
            "segment must be a tier or RFM segment code (letters, digits, _)",
        ));
    }
    let curve = state
        .store
        .pareto(&auth.viewer, measure, branch, segment)
        .await?;
    let name = match measure {
        ParetoMeasure::Profit => "profit",
        ParetoMeasure::Aum => "aum",
    };
    audited(
        state,
        auth,
        format!(
            "pareto measure={name} branch={} segment={}",
            branch.map_or(0, |b| b.0),
            segment.unwrap_or("-")
        ),
    )
    .await?;
    Ok(ParetoDto {
        as_of: curve.as_of,
        measure: name.to_owned(),
        customers: curve.customers,
        total: minor(curve.total_minor, state.bank.base_currency),
        top_20_share: curve.points.get(19).copied(),
        shares: curve.points,
    })
}
