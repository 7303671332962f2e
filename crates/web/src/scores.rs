//! A customer's scores at the edge (R3.10 shown to users): read within scope, every score with
//! its parts, rule, model version and as-of date. Shared by `/api/v1/customers/{id}/scores`
//! and the 360 page.
use chrono::NaiveDate;
use rapport_domain::{Currency, PartyId};
use rapport_proto::{
    AlertDto, CodeDto, CustomerScoresDto, ExplainedDto, ProductDto, ScorePartDto, ScorePointDto,
    ScoresDto, SegmentRefDto,
};
use rapport_scoring::{Explained, Labelled, Part, PartyScore};
use rapport_store::scores::{AlertRow, PartyScoreRow};

use crate::auth::Authenticated;
use crate::i18n::Lang;
use crate::{AppState, WebError, audit};

/// Score history kept on the page and in the API.
const HISTORY: i64 = 24;
const ALERTS: i64 = 20;

fn code(c: &(impl Labelled + ?Sized), code: &str) -> CodeDto {
    CodeDto {
        code: code.to_owned(),
        label_zh: c.label_zh().to_owned(),
        label_en: c.label_en().to_owned(),
    }
}

fn parts(p: &[Part]) -> Vec<ScorePartDto> {
    p.iter()
        .map(|p| ScorePartDto {
            name: p.name.clone(),
            input: p.input,
            points: p.points,
        })
        .collect()
}

fn explained(e: &Explained) -> ExplainedDto {
    ExplainedDto {
        score: e.score,
        parts: parts(&e.parts),
    }
}

use crate::analytics::minor as money;

fn latest(row: &PartyScoreRow, currency: Currency, lang: Lang) -> Result<ScoresDto, WebError> {
    let s: PartyScore = serde_json::from_str(&row.detail_json).map_err(|e| {
        WebError::internal(
            "stored scores",
            format!("model {} scores cannot be read: {e}", row.model_version),
        )
    })?;
    Ok(ScoresDto {
        as_of: s.as_of,
        model_version: s.model_version.clone(),
        config_version: s.config_version.clone(),
        value: explained(&s.value.composite),
        value_percentile: s.value_percentile,
        financial: explained(&s.value.financial),
        loyalty: explained(&s.value.loyalty),
        credit_score: explained(&s.value.credit),
        risk: explained(&s.value.risk),
        annual_profit: money(s.profit.annual_profit_minor, currency),
        profit_parts: parts(&s.profit.parts),
        tier: code(&s.tier.tier, s.tier.tier.as_str()),
        tier_rule: s.tier.rule.clone(),
        dedicated_rm_proposed: s.tier.propose_dedicated_rm,
        rfm_segment: code(&s.rfm.segment, s.rfm.segment.as_str()),
        rfm: explained(&s.rfm.explained),
        lifecycle: code(&s.lifecycle.stage, s.lifecycle.stage.as_str()),
        lifecycle_rule: s.lifecycle.rule.clone(),
        churn_risk: s.churn.probability,
        churn_reasons: s
            .churn
            .warnings
            .iter()
            .map(|w| {
                w.signal.as_ref().map_or_else(
                    || w.message.clone(),
                    |signal| signal.describe(lang.language(), &lang.code_label()),
                )
            })
            .collect(),
        churn_definition: s.churn.definition.map(|d| d.describe(lang.language())),
        churn_model_parts: parts(&s.churn.model_reasons),
        clv: s
            .clv_class
            .as_ref()
            .map(|c| money((c.clv * 100.0).round() as i64, currency)),
        p_alive: s.clv_class.as_ref().map(|_| row.p_alive),
        clv_class: s
            .clv_class
            .as_ref()
            .map(|c| code(&c.class, c.class.as_str())),
        clv_rule: s.clv_class.as_ref().map(|c| c.rule.clone()),
        next_best_products: s
            .next_best_products
            .iter()
            .map(|r| ProductDto {
                family: CodeDto {
                    code: r.family.as_str().to_owned(),
                    label_zh: crate::i18n::Lang::Zh.label(r.family.as_str()).to_owned(),
                    label_en: crate::i18n::Lang::En.label(r.family.as_str()).to_owned(),
                },
                propensity: r.propensity,
                reason: r.reason.clone(),
            })
            .collect(),
        credit_rating: s.credit.grade.as_str().to_owned(),
        credit_flags: s.credit.flags.clone(),
    })
}

fn alert(a: &AlertRow, lang: Lang) -> AlertDto {
    AlertDto {
        id: a.id,
        kind: a.kind.as_str().to_owned(),
        severity: a.severity.as_str().to_owned(),
        reason: lang.reason(a.detail.as_ref(), &a.reason),
        as_of: a.as_of,
        status: a.status.as_str().to_owned(),
    }
}

/// The scores of a customer in scope, without a view entry (for pages that audit the whole
/// view); a customer out of scope is a 404, audited as a refusal.
/// With `on`, the scores as they stood that day: the latest scoring on or before it (its tier,
/// value and risk), the history and alerts up to it. Reasons are read out in `lang`.
pub async fn customer_scores_unaudited(
    state: &AppState,
    auth: &Authenticated,
    id: PartyId,
    on: Option<NaiveDate>,
    lang: Lang,
) -> Result<CustomerScoresDto, WebError> {
    let Some(customer) = state.store.customer_in_scope(&auth.viewer, id).await? else {
        return audit::customer_refused(state, auth, id).await;
    };
    let mut rows = state
        .store
        .party_scores(&customer, HISTORY)
        .await?
        .ok_or_else(WebError::not_found)?;
    let mut alerts = state
        .store
        .party_alerts(&customer, ALERTS)
        .await?
        .ok_or_else(WebError::not_found)?;
    if let Some(day) = on {
        rows.retain(|r| r.as_of <= day);
        alerts.retain(|a| a.as_of <= day);
    }
    let segments = state
        .store
        .party_segments(&customer)
        .await?
        .ok_or_else(WebError::not_found)?;
    let currency = state.bank.base_currency;
    Ok(CustomerScoresDto {
        customer_id: id.0,
        latest: rows
            .first()
            .map(|r| latest(r, currency, lang))
            .transpose()?,
        history: rows
            .iter()
            .map(|r| ScorePointDto {
                as_of: r.as_of,
                value_score: r.value_score,
                tier: r.tier.as_str().to_owned(),
                lifecycle: r.lifecycle.as_str().to_owned(),
                churn_risk: r.churn_risk,
            })
            .collect(),
        alerts: alerts.iter().map(|a| alert(a, lang)).collect(),
        segments: segments
            .into_iter()
            .map(|s| SegmentRefDto {
                id: s.id,
                name: s.name,
                as_of: s.as_of,
            })
            .collect(),
    })
}
