//! What a scoring run writes for each scored party: its score row, the alerts its RM gets and
//! its tier change proposal. The rules that turn scores into alerts live here, once: churn
//! warnings raise one alert (a large outflow as its own high alert instead of the churn-risk
//! one, so the customer gets one retention task, not two; churn risk graded by the model's
//! probability, a rules-only warning at least medium), and a tier change raises a medium
//! alert beside the proposal a branch manager decides.
use rapport_domain::{AlertKind, AlertSeverity, ChurnSignal, PartyId, Reason};
use rapport_scoring::{ChurnRule, PartyScore, TierChange};
use rapport_store::scores::{NewAlert, PartyScoreRow, ScoreBatch, TierChangeProposal};

/// A churn alert's severity by the probability of leaving (a rules-only warning counts as 0.5).
fn severity(probability: f64) -> AlertSeverity {
    if probability >= 0.8 {
        AlertSeverity::High
    } else if probability >= 0.5 {
        AlertSeverity::Medium
    } else {
        AlertSeverity::Low
    }
}

/// Adds one scored party's score row, the alerts its RM gets and its tier change proposal to
/// `batch`.
pub fn to_store(
    s: &PartyScore,
    p_alive: f64,
    aum_minor: i64,
    batch: &mut ScoreBatch,
) -> Result<(), serde_json::Error> {
    batch.scores.push(score_row(s, p_alive, aum_minor)?);
    if let Some(alert) = churn_alert(s) {
        batch.alerts.push(alert);
    }
    if let Some((proposal, alert)) = tier_change(s) {
        batch.tier_changes.push(proposal);
        batch.alerts.push(alert);
    }
    Ok(())
}

/// The party's row of scores, the whole score kept as JSON beside it.
fn score_row(
    s: &PartyScore,
    p_alive: f64,
    aum_minor: i64,
) -> Result<PartyScoreRow, serde_json::Error> {
    let clv = s.clv_class.as_ref().map_or(0.0, |c| c.clv);
    Ok(PartyScoreRow {
        party_id: PartyId(s.party_id),
        as_of: s.as_of,
        model_version: s.model_version.clone(),
        value_score: s.value.composite.score,
        tier: s.tier.tier,
        lifecycle: s.lifecycle.stage,
        churn_risk: s.churn.probability,
        // CLV is an estimate in yuan; kept in fen, rounded.
        clv_minor: (clv * 100.0).round() as i64,
        p_alive,
        clv_class: s.clv_class.as_ref().map(|c| c.class),
        rfm_segment: s.rfm.segment,
        credit_rating: s.credit.grade,
        profit_minor: s.profit.annual_profit_minor,
        aum_minor,
        detail_json: serde_json::to_string(s)?,
    })
}

/// One alert for the party's churn warnings, if it has any. A large outflow is the warning an
/// RM must act on first: it is raised as its own kind, high, instead of (not beside) the
/// churn-risk alert, so the customer gets one retention task, not two.
fn churn_alert(s: &PartyScore) -> Option<NewAlert> {
    let warnings = &s.churn.warnings;
    let first = warnings.first()?;
    let outflow = warnings.iter().any(|w| w.rule == ChurnRule::AumOutflow);
    let (kind, severity) = if outflow {
        (AlertKind::LargeOutflow, AlertSeverity::High)
    } else {
        // A warning of the rules alone counts as at least an even chance of leaving.
        let floor = if first.rule == ChurnRule::Model {
            0.0
        } else {
            0.5
        };
        let probability = s.churn.probability.unwrap_or(0.0).max(floor);
        (AlertKind::ChurnRisk, severity(probability))
    };
    let reasons: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
    let signals: Option<Vec<ChurnSignal>> = warnings.iter().map(|w| w.signal.clone()).collect();
    Some(NewAlert {
        party_id: PartyId(s.party_id),
        kind,
        severity,
        reason: reasons.join("; "),
        detail: signals.map(|signals| Reason::Churn { signals }),
        as_of: s.as_of,
        dedup_key: dedup_key(kind, s),
    })
}

/// The proposal a branch manager decides, and the medium alert beside it, for a tier change.
fn tier_change(s: &PartyScore) -> Option<(TierChangeProposal, NewAlert)> {
    let (from, to, kind) = match s.tier.change.as_ref()? {
        TierChange::Upgrade { from, to } => (*from, *to, AlertKind::TierUpgrade),
        TierChange::Downgrade { from, to } => (*from, *to, AlertKind::TierDowngrade),
    };
    let proposal = TierChangeProposal {
        party_id: PartyId(s.party_id),
        from_tier: Some(from),
        to_tier: to,
        propose_dedicated_rm: s.tier.propose_dedicated_rm,
        rule: s.tier.rule.clone(),
        as_of: s.as_of,
    };
    let alert = NewAlert {
        party_id: PartyId(s.party_id),
        kind,
        severity: AlertSeverity::Medium,
        reason: s.tier.rule.clone(),
        detail: s.tier.change_reason.clone(),
        as_of: s.as_of,
        dedup_key: dedup_key(kind, s),
    };
    Some((proposal, alert))
}

/// One alert of a kind per party and month.
fn dedup_key(kind: AlertKind, s: &PartyScore) -> String {
    format!("{kind}:{}:{}", s.party_id, s.as_of.format("%Y-%m"))
}
