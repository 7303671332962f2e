//! The scoring pipeline over the warehouse (R3.1–R3.10): features at the as-of date and at
//! earlier snapshots by SQL, CLV (BG/NBD + Gamma-Gamma), the churn and next-best-product
//! models trained on the bank's own history, and every score with its explanation. The
//! operational store's side (dimensions in, scores and alerts out) stays with the caller,
//! `rapport score`; the scoring benchmark runs exactly this.
use std::collections::HashMap;
use std::time::Instant;

use chrono::{Datelike, Months, NaiveDate};
use rapport_clv::{
    BgNbdParams, ClvHorizon, DAYS_PER_MONTH, GammaGamma, GammaGammaParams, Patterns, Summary,
    TimeUnit, predict_patterns,
};
use rapport_scoring::churn::event::{ChurnOutcome, churn_outcome};
use rapport_scoring::churn::out_of_time::{
    ChurnEvaluation, ChurnOracle, Labelled, evaluate_out_of_time,
};
use rapport_scoring::{
    ChurnModel, Features, NbpModel, PartyScore, ScoringConfig, ScoringError, Tier,
    assign_clv_classes, score_all,
};

use crate::{Result, Warehouse, WarehouseError};

#[derive(Debug, Clone)]
pub struct PipelineSettings {
    pub scoring: ScoringConfig,
    /// Months between a training snapshot and the next: a customer active at one and churned
    /// by the next is a positive example.
    pub churn_horizon_months: u32,
    /// Earlier snapshots the churn model learns from.
    pub training_snapshots: u32,
    pub clv_months: u32,
    pub clv_monthly_discount: f64,
    pub seed: u64,
    /// A synthetic bank's true churn probabilities, for the evaluation's oracle AUC.
    pub churn_oracle: Option<ChurnOracle>,
}

/// One party's lifetime-value figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PartyClv {
    pub p_alive: f64,
    /// Expected purchase days over the CLV horizon.
    pub expected_purchases: f64,
    /// In the base currency's major unit (yuan): an estimate, not money.
    pub clv: f64,
}

/// The fitted CLV models, for the run's report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClvFit {
    pub bg_nbd: BgNbdParams,
    pub gamma_gamma: GammaGammaParams,
    pub customers: usize,
    pub patterns: usize,
}

pub struct PipelineOutput {
    pub as_of: NaiveDate,
    /// The as-of features, one row per party with accounts.
    pub features: Vec<Features>,
    pub clv: HashMap<i64, PartyClv>,
    /// The fitted CLV models (`None`: nobody has spending yet), or why the fit failed — the
    /// other scores are still made, without CLV.
    pub clv_fit: std::result::Result<Option<ClvFit>, String>,
    /// The trained churn model, or why none could be trained (the rules still warn).
    pub churn: std::result::Result<ChurnModel, String>,
    /// The churn model's training rows and labels (earlier snapshots), latest snapshot first.
    pub training: (Vec<Features>, Vec<bool>),
    /// How many of the first `training` rows are of the latest snapshot (a horizon before
    /// as-of): the out-of-time evaluation's test snapshot ([`PipelineOutput::out_of_time_rows`]).
    pub latest_snapshot_rows: Option<usize>,
    /// The churn model evaluated out of time on customers it did not learn from, with its
    /// split, or why it could not be.
    pub churn_evaluation: std::result::Result<ChurnEvaluation, String>,
    pub scores: Vec<PartyScore>,
    /// Seconds per stage, in order.
    pub stages: Vec<(&'static str, f64)>,
}

/// The last day of `d`'s month.
pub fn month_end(d: NaiveDate) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap_or(d);
    first
        .checked_add_months(Months::new(1))
        .and_then(|n| n.pred_opt())
        .unwrap_or(d)
}

fn scoring(e: ScoringError) -> WarehouseError {
    WarehouseError::Internal(format!("scoring: {e}"))
}

fn clv_err(e: rapport_clv::ClvError) -> String {
    e.to_string()
}

/// Runs every stage for `as_of` (a month-end); `previous_tiers` are the parties' tiers of the
/// last run before it. `on_stage` hears each stage's name and seconds as it ends. Writes the
/// as-of features table.
pub fn run_scoring(
    w: &Warehouse,
    as_of: NaiveDate,
    previous_tiers: &HashMap<i64, Tier>,
    s: &PipelineSettings,
    mut on_stage: impl FnMut(&'static str, f64),
) -> Result<PipelineOutput> {
    let cfg = &s.scoring;
    let mut stages = Vec::new();
    let mut clock = Instant::now();
    let mut done = |name: &'static str, stages: &mut Vec<(&'static str, f64)>| {
        let secs = clock.elapsed().as_secs_f64();
        on_stage(name, secs);
        stages.push((name, secs));
        clock = Instant::now();
    };

    let horizon = s.churn_horizon_months;
    let snapshots: Vec<NaiveDate> = (0..=s.training_snapshots)
        .filter_map(|k| as_of.checked_sub_months(Months::new(horizon * k)))
        .map(month_end)
        .collect();
    let mut by_date = Vec::with_capacity(snapshots.len());
    for (k, d) in snapshots.iter().enumerate() {
        let rows = w.party_features(*d)?;
        if k == 0 {
            w.write_features(*d, &rows)?;
        }
        by_date.push(rows);
    }
    let rows = by_date.remove(0);
    done("features", &mut stages);

    let summaries = w.clv_summaries(as_of)?;
    let (clv, clv_fit) = match party_clv(summaries, s.clv_months, s.clv_monthly_discount) {
        Ok((clv, fit)) => (clv, Ok(fit)),
        Err(reason) => (HashMap::new(), Err(reason)),
    };
    done("clv", &mut stages);

    // Each snapshot pair's labelled rows, latest pair first: (as-of − h → as-of), (as-of − 2h
    // → as-of − h) …; `latest_pair` rows belong to the first.
    let (mut train_rows, mut labels) = (Vec::new(), Vec::new());
    let mut latest_pair = None;
    let mut later = &rows;
    for earlier in &by_date {
        let (r, l) = churn_labels(earlier, later, s)?;
        train_rows.extend(r);
        labels.extend(l);
        latest_pair.get_or_insert(train_rows.len());
        later = earlier;
    }
    let churn = match ChurnModel::train_with(&train_rows, &labels, s.seed, &cfg.churn_model) {
        Ok((model, _)) => Ok(model.defined_as(cfg.churn_event.definition(horizon))),
        Err(ScoringError::NotTrainable { reason, .. }) => Err(reason),
        Err(e) => return Err(scoring(e)),
    };
    // The next-best-product models learn who holds what from the same snapshots as the churn
    // model, so the as-of scores are predictions, not echoes of the rows they were fitted on.
    let nbp = NbpModel::train(&train_rows, s.seed, &cfg.nbp).map_err(scoring)?;
    let churn_evaluation = evaluate_churn(&train_rows, &labels, latest_pair, s);
    done("models", &mut stages);

    let by_party: HashMap<i64, f64> = clv.iter().map(|(p, c)| (*p, c.clv)).collect();
    let mut scores =
        score_all(&rows, previous_tiers, churn.as_ref().ok(), &nbp, cfg).map_err(scoring)?;
    assign_clv_classes(&mut scores, &by_party, &cfg.clv);
    done("scoring", &mut stages);

    Ok(PipelineOutput {
        as_of,
        features: rows,
        clv,
        clv_fit,
        churn,
        training: (train_rows, labels),
        latest_snapshot_rows: latest_pair,
        churn_evaluation,
        scores,
        stages,
    })
}

impl PipelineOutput {
    /// The churn evaluation's candidate rows, out of `training` without a copy: the test
    /// snapshot's rows, and the earlier snapshots' rows it may train on.
    pub fn out_of_time_rows(&self) -> Option<(Labelled<'_>, Labelled<'_>)> {
        out_of_time_rows(
            &self.training.0,
            &self.training.1,
            self.latest_snapshot_rows,
        )
    }
}

/// `(train, test)` of the run's labelled rows: the test rows are the latest pair's first
/// `latest_pair` rows (the snapshot a horizon before as-of, outcomes up to as-of); training
/// rows are the earlier pairs' rows after them, whose outcome windows end by the test snapshot.
fn out_of_time_rows<'a>(
    rows: &'a [Features],
    labels: &'a [bool],
    latest_pair: Option<usize>,
) -> Option<(Labelled<'a>, Labelled<'a>)> {
    let split = latest_pair?;
    let (test_rows, train_rows) = rows.split_at(split.min(rows.len()));
    let (test_labels, train_labels) = labels.split_at(split.min(labels.len()));
    Some((
        Labelled {
            rows: train_rows,
            labels: train_labels,
        },
        Labelled {
            rows: test_rows,
            labels: test_labels,
        },
    ))
}

/// The out-of-time evaluation over the run's own labelled rows (no copy,
/// [`out_of_time_rows`]).
fn evaluate_churn(
    rows: &[Features],
    labels: &[bool],
    latest_pair: Option<usize>,
    s: &PipelineSettings,
) -> std::result::Result<ChurnEvaluation, String> {
    let Some((train, test)) = out_of_time_rows(rows, labels, latest_pair) else {
        return Err("no snapshot a horizon before as-of".to_owned());
    };
    evaluate_out_of_time(
        train,
        test,
        s.churn_horizon_months,
        s.seed,
        &s.scoring.churn_model,
        s.churn_oracle.as_ref(),
    )
    .map_err(|e| match e {
        ScoringError::NotTrainable { reason, .. } => reason,
        other => other.to_string(),
    })
}

/// Each customer at risk at the snapshot (`earlier`) with whether they churned by the next one
/// (`later`, a horizon on): churn as an event in between ([`churn_outcome`]).
fn churn_labels(
    earlier: &[Features],
    later: &[Features],
    s: &PipelineSettings,
) -> Result<(Vec<Features>, Vec<bool>)> {
    let later: HashMap<i64, &Features> = later.iter().map(|f| (f.party_id, f)).collect();
    let mut rows = Vec::new();
    let mut labels = Vec::new();
    for f in earlier {
        let after = later.get(&f.party_id).copied();
        let outcome = churn_outcome(f, after, s.churn_horizon_months, &s.scoring.churn_event)
            .map_err(scoring)?;
        let churned = match outcome {
            ChurnOutcome::NotAtRisk => continue,
            ChurnOutcome::Retained => false,
            ChurnOutcome::Churned { .. } => true,
        };
        rows.push(f.clone());
        labels.push(churned);
    }
    Ok((rows, labels))
}

/// CLV of every party with spending in the warehouse (R3.5): purchase days summarised by SQL
/// (`Warehouse::clv_summaries`), BG/NBD and Gamma-Gamma fitted on the compressed patterns in
/// days, predictions per pattern, CLV over `months` discounted monthly.
fn party_clv(
    rows: Vec<crate::ClvSummaryRow>,
    months: u32,
    monthly_discount: f64,
) -> std::result::Result<(HashMap<i64, PartyClv>, Option<ClvFit>), String> {
    let mut parties = Vec::with_capacity(rows.len());
    let mut summaries = Vec::with_capacity(rows.len());
    for r in rows {
        let monetary = (r.frequency > 0).then_some(r.mean_repeat_spend_minor / 100.0);
        summaries.push(
            Summary::new(r.frequency, r.recency_days, r.age_days, monetary)
                .map_err(|e| format!("the purchase summary of party {}: {e}", r.party_id))?,
        );
        parties.push(r.party_id);
    }
    if summaries.is_empty() {
        return Ok((HashMap::new(), None));
    }
    let patterns = Patterns::from_summaries(&summaries).map_err(clv_err)?;
    let bg = rapport_clv::BgNbd::fit(&patterns, TimeUnit::Days).map_err(clv_err)?;
    let gg = GammaGamma::fit_summaries(&summaries).map_err(clv_err)?;
    let horizon = ClvHorizon::new(months, monthly_discount).map_err(clv_err)?;
    let book = predict_patterns(&bg, &patterns, f64::from(months) * DAYS_PER_MONTH, &horizon)
        .map_err(clv_err)?;
    let per_party = patterns.expand(&book).map_err(clv_err)?;
    let fit = ClvFit {
        bg_nbd: bg.params(),
        gamma_gamma: gg.params(),
        customers: summaries.len(),
        patterns: patterns.len(),
    };
    let mut out = HashMap::with_capacity(parties.len());
    for ((party, s), p) in parties.into_iter().zip(&summaries).zip(per_party) {
        let spend = gg
            .expected_average_spend(s.frequency, s.monetary)
            .map_err(clv_err)?;
        out.insert(
            party,
            PartyClv {
                p_alive: p.p_alive,
                expected_purchases: p.expected_purchases,
                clv: p.discounted_purchases * spend,
            },
        );
    }
    Ok((out, Some(fit)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(party_id: i64, frequency: u32) -> crate::ClvSummaryRow {
        crate::ClvSummaryRow {
            party_id,
            frequency,
            recency_days: f64::from(frequency) * 10.0,
            age_days: 400.0,
            mean_repeat_spend_minor: if frequency > 0 { 12_000.0 } else { 0.0 },
        }
    }

    #[test]
    fn a_clv_fit_that_cannot_be_made_is_a_reason_not_a_failed_run() {
        // Nobody came back: Gamma-Gamma has no repeat spending to learn from.
        let rows: Vec<_> = (1..=50).map(|p| row(p, 0)).collect();
        let reason = party_clv(rows, 12, 0.01).unwrap_err();
        assert!(!reason.is_empty());
        // A bad summary names its party.
        let mut rows: Vec<_> = (1..=50).map(|p| row(p, (p % 5) as u32)).collect();
        rows[3].recency_days = 9_999.0;
        let reason = party_clv(rows, 12, 0.01).unwrap_err();
        assert!(reason.contains("party 4"), "{reason}");
        // Nobody with spending at all: no fit and no figures, and no error.
        let (clv, fit) = party_clv(Vec::new(), 12, 0.01).unwrap();
        assert!(clv.is_empty() && fit.is_none());
    }
}
