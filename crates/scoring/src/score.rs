//! The batch: every score of every party in one pass, each with its explanation and the
//! versions that made it (R3.10).
use std::collections::HashMap;

use chrono::NaiveDate;
use rapport_domain::reason::percent;
use rapport_domain::{ChurnSignal, ModelDriver};
use serde::{Deserialize, Serialize};

use crate::churn::{ChurnAssessment, ChurnModel, ChurnRule, ChurnWarning, churn_warnings};
use crate::clv_class::ClvDecision;
use crate::config::{MODEL_VERSION, ScoringConfig};
use crate::credit::{CreditView, credit_view};
use crate::error::ScoringError;
use crate::features::Features;
use crate::lifecycle::{LifecycleDecision, lifecycle};
use crate::nbp::{NbpModel, Recommendation};
use crate::rfm::{Rfm, mid_rank_percentiles, rfm_scores};
use crate::tier::{TierDecision, decide_tier};
use crate::value::{ProfitEstimate, ServiceSignals, ValueScores, profit_estimate, value_scores};
use rapport_domain::Tier;

/// Everything scored for one party at one as-of date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartyScore {
    pub party_id: i64,
    pub as_of: NaiveDate,
    /// [`MODEL_VERSION`] of the code that scored.
    pub model_version: String,
    /// [`ScoringConfig::version`] of the settings.
    pub config_version: String,
    pub value: ValueScores,
    /// Percentile (0–1) of the composite value score among the rows scored together.
    pub value_percentile: f64,
    pub profit: ProfitEstimate,
    pub tier: TierDecision,
    pub rfm: Rfm,
    pub lifecycle: LifecycleDecision,
    pub churn: ChurnAssessment,
    pub next_best_products: Vec<Recommendation>,
    pub credit: CreditView,
    /// Set afterwards by [`crate::assign_clv_classes`], once CLV is known.
    pub clv_class: Option<ClvDecision>,
}

/// Refuses the batch when any row is invalid, naming every bad row and field.
pub(crate) fn check_rows<'a>(
    rows: impl IntoIterator<Item = &'a Features>,
) -> Result<(), ScoringError> {
    let problems: Vec<_> = rows.into_iter().flat_map(Features::problems).collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ScoringError::InvalidRows(problems))
    }
}

/// Scores every row (`churn`: the trained model, or `None` for rules only). `previous_tiers` holds each party's tier from the last run (a party
/// missing from it is placed for the first time). RFM and the value percentile are taken
/// over `rows`, so pass the whole population of one as-of date together. Refused whole
/// when a row is invalid ([`Features::problems`]).
pub fn score_all(
    rows: &[Features],
    previous_tiers: &HashMap<i64, Tier>,
    churn: Option<&ChurnModel>,
    nbp: &NbpModel,
    cfg: &ScoringConfig,
) -> Result<Vec<PartyScore>, ScoringError> {
    cfg.validate()?;
    check_rows(rows)?;
    let rfm = rfm_scores(rows, &cfg.rfm);
    // Without a model (too little churn history to train one) the rules still warn.
    let (probabilities, reasons): (Vec<Option<f64>>, Vec<Vec<_>>) = match churn {
        Some(model) => (
            model.predict_many(rows).into_iter().map(Some).collect(),
            model.reasons_many(rows),
        ),
        None => (vec![None; rows.len()], vec![Vec::new(); rows.len()]),
    };
    let recommendations = nbp.recommend_many(rows);
    let signals = ServiceSignals::default();
    let mut scores: Vec<PartyScore> = rows
        .iter()
        .zip(rfm)
        .zip(probabilities)
        .zip(reasons)
        .zip(recommendations)
        .map(
            |((((f, rfm), probability), model_reasons), next_best_products)| {
                let profit = profit_estimate(f, &cfg.rates);
                let value = value_scores(f, &profit, &signals, cfg);
                let credit = credit_view(f, &value.credit, &cfg.credit);
                let mut warnings = churn_warnings(f, &cfg.churn_rules);
                let alert = cfg.churn_rules.model_alert_probability;
                if let Some(probability) = probability
                    && probability >= alert
                {
                    warnings.push(ChurnWarning::new(
                        ChurnRule::Model,
                        probability,
                        alert,
                        ChurnSignal::Model {
                            percent: percent(probability),
                            alert_percent: percent(alert),
                            driver: model_reasons
                                .first()
                                .map(|r| ModelDriver::of_input(&r.name, r.input)),
                        },
                    ));
                }
                PartyScore {
                    party_id: f.party_id,
                    as_of: f.as_of,
                    model_version: MODEL_VERSION.to_owned(),
                    config_version: cfg.version.clone(),
                    tier: decide_tier(previous_tiers.get(&f.party_id).copied(), &f.aum, &cfg.tiers),
                    lifecycle: lifecycle(f, &cfg.lifecycle),
                    churn: ChurnAssessment {
                        definition: probability.and_then(|_| churn.and_then(|m| m.definition)),
                        probability,
                        model_reasons,
                        warnings,
                    },
                    value,
                    value_percentile: 0.0,
                    profit,
                    rfm,
                    next_best_products,
                    credit,
                    clv_class: None,
                }
            },
        )
        .collect();
    let composites: Vec<f64> = scores.iter().map(|s| s.value.composite.score).collect();
    for (s, p) in scores.iter_mut().zip(mid_rank_percentiles(&composites)) {
        s.value_percentile = p;
    }
    Ok(scores)
}
