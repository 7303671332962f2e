//! `rapport score`: the whole customer-differentiation pipeline (R3.1–R3.10) — the store's
//! accounts and parties as the warehouse's dimension snapshot, features by DataFusion SQL, CLV
//! (BG/NBD + Gamma-Gamma), the churn and next-best-product models trained on the bank's own
//! history, every score with its explanation, then scores, alerts and tier proposals back to
//! the operational store, with per-stage timings.
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use rapport_scoring::churn::out_of_time::{BASELINE_INPUTS, ChurnOracle, ChurnValidation};
use rapport_scoring::{ScoringConfig, Tier};
use rapport_store::scores::{NewScoreRun, ScoreBatch, ScoreRunEnd};
use rapport_warehouse::score_pipeline::{
    self, ClvFit, PipelineOutput, PipelineSettings, run_scoring,
};
use rapport_warehouse::{AccountDim, PartyDim, Warehouse};

use crate::open::Opened;

#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    /// The month-end to score (default: the last month-end the warehouse holds data for).
    #[arg(long)]
    pub as_of: Option<NaiveDate>,
    /// Scoring settings (TOML; default `<data-dir>/scoring.toml` when present, else built-in).
    #[arg(long)]
    pub scoring_config: Option<PathBuf>,
    /// Months between the churn model's training snapshot and the as-of date: a customer
    /// active then and churned by as-of is a positive example.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=12))]
    pub churn_horizon_months: u32,
    /// CLV horizon in months (1–120) and the monthly discount rate (0 ≤ rate < 1).
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=120))]
    pub clv_months: u32,
    #[arg(long, default_value_t = 0.01, value_parser = discount_rate)]
    pub clv_monthly_discount: f64,
    /// Scores written per transaction.
    #[arg(long, default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub batch: u64,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Also write the rows of the churn model's out-of-time evaluation as CSV — each training
    /// and test row (customer, snapshot) with its label, the model's inputs, and the model's,
    /// the logistic baseline's and (with --truth) the oracle's probabilities — for comparing
    /// other learners on the same rows (bench/churn-bank.sh).
    #[arg(long)]
    pub export_churn: Option<PathBuf>,
    /// A generated bank's extracts folder (`rapport synth`, `rapport demo`): the churn
    /// evaluation then also reports the oracle AUC — the generator's true churn probabilities
    /// ranking the same test customers.
    #[arg(long)]
    pub truth: Option<PathBuf>,
}

impl ScoreArgs {
    /// The settings `rapport demo` scores with: the flags' defaults at the demo's as-of date,
    /// the oracle from the generated bank's `truth` folder.
    pub fn at(as_of: NaiveDate, truth: Option<PathBuf>) -> Self {
        Self {
            as_of: Some(as_of),
            scoring_config: None,
            churn_horizon_months: 3,
            clv_months: 12,
            clv_monthly_discount: 0.01,
            batch: 5_000,
            seed: 7,
            export_churn: None,
            truth,
        }
    }
}

fn discount_rate(text: &str) -> Result<f64, String> {
    let rate: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if (0.0..1.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(format!(
            "{rate} is not a monthly rate: give 0 ≤ rate < 1 (0.01 = 1%)"
        ))
    }
}

/// Earlier snapshots the churn model learns from.
const TRAINING_SNAPSHOTS: u32 = 3;

struct Stages(Vec<(&'static str, f64)>, Instant);

impl Stages {
    fn new() -> Self {
        Self(Vec::new(), Instant::now())
    }
    fn done(&mut self, name: &'static str) {
        let secs = self.1.elapsed().as_secs_f64();
        eprintln!("  {name:<12} {secs:>8.2} s");
        self.0.push((name, secs));
        self.1 = Instant::now();
    }
    /// Stages that timed and printed themselves; the next one starts now.
    fn ran_elsewhere(&mut self, done: &[(&'static str, f64)]) {
        self.0.extend_from_slice(done);
        self.1 = Instant::now();
    }
    fn json(&self) -> String {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(n, s)| format!("\"{n}\":{s:.3}"))
            .collect();
        format!("{{{}}}", parts.join(","))
    }
}

fn load_config(ctx: &Opened, path: Option<&PathBuf>) -> anyhow::Result<ScoringConfig> {
    let default_path = ctx.data_dir.join("scoring.toml");
    let path = match path {
        Some(p) => Some(p.clone()),
        None => default_path.exists().then_some(default_path),
    };
    match path {
        None => Ok(ScoringConfig::default()),
        Some(p) => {
            let text = std::fs::read_to_string(&p)
                .with_context(|| format!("reading the scoring settings {}", p.display()))?;
            ScoringConfig::from_toml_str(&text)
                .map_err(|e| anyhow::anyhow!("scoring settings {}: {e}", p.display()))
        }
    }
}

pub async fn run(ctx: &Opened, args: &ScoreArgs) -> anyhow::Result<()> {
    let cfg = load_config(ctx, args.scoring_config.as_ref())?;
    let warehouse = Warehouse::open(crate::warehouse::root(ctx), ctx.config.bank.time_zone)
        .context("opening the warehouse")?;
    let as_of = as_of_date(args, &warehouse)?;
    eprintln!(
        "scoring as of {as_of} (churn model trained on {TRAINING_SNAPSHOTS} snapshots {} months apart)",
        args.churn_horizon_months
    );
    let run_id = ctx
        .store
        .begin_score_run(&NewScoreRun {
            as_of,
            model_version: rapport_scoring::MODEL_VERSION.to_owned(),
            started_by: "cli".into(),
            started_at: chrono::Utc::now(),
        })
        .await?;
    let mut stages = Stages::new();

    snapshot_dimensions(ctx, &warehouse, as_of).await?;
    stages.done("dimensions");

    let previous = previous_tiers(ctx, as_of).await?;
    let oracle = match &args.truth {
        Some(dir) => Some(crate::oracle::churn_oracle(ctx, dir).await?),
        None => None,
    };
    let settings = pipeline_settings(&cfg, args, oracle);
    let out = score_warehouse(&warehouse, as_of, previous, settings).await?;
    stages.ran_elsewhere(&out.stages);
    eprintln!("  {} parties with features", out.features.len());
    print_clv_fit(&out.clv_fit);

    // Saved segments are conditions over the features just written: evaluate them for as-of.
    crate::segments::evaluate_all(ctx, &warehouse, as_of).await?;
    stages.done("segments");

    let churn_auc = churn_model_auc(&out);
    let written = write_scores(ctx, run_id, &out, args.batch).await?;
    stages.done("writing");
    ctx.store
        .finish_score_run(
            run_id,
            &ScoreRunEnd {
                finished_at: chrono::Utc::now(),
                parties: out.scores.len() as i64,
                churn_auc,
                stages_json: stages.json(),
                churn_validation_json: out
                    .churn_evaluation
                    .as_ref()
                    .ok()
                    .map(|e| serde_json::to_string(&e.validation))
                    .transpose()?,
            },
        )
        .await?;
    let total: f64 = stages.0.iter().map(|s| s.1).sum();
    let Written { alerts, proposals } = written;
    eprintln!(
        "scored {} customers as of {as_of} in {total:.1} s: {alerts} alerts, {proposals} tier changes proposed (run {run_id})",
        out.scores.len()
    );
    if let Some(path) = &args.export_churn {
        export_churn(&out, path)?;
    }
    Ok(())
}

/// The month-end of `--as-of`, else the last month-end the warehouse holds data for.
fn as_of_date(args: &ScoreArgs, warehouse: &Warehouse) -> anyhow::Result<NaiveDate> {
    match args.as_of {
        Some(d) => Ok(score_pipeline::month_end(d)),
        None => crate::warehouse::latest_month_end(warehouse)?.ok_or_else(|| {
            anyhow::anyhow!(
                "the warehouse holds no transactions or balances yet: import them first, or \
                 give --as-of"
            )
        }),
    }
}

/// The store's accounts and parties as the warehouse's dimension snapshot for `as_of`.
async fn snapshot_dimensions(
    ctx: &Opened,
    warehouse: &Warehouse,
    as_of: NaiveDate,
) -> anyhow::Result<()> {
    let (accounts, parties) = ctx.store.scoring_dimensions().await?;
    let accounts: Vec<AccountDim> = accounts
        .into_iter()
        .map(|a| AccountDim {
            account_key: a.account_key,
            party_id: a.party_id.0,
            family: a.family,
            opened_on: a.opened_on,
            matures_on: a.matures_on,
            status: a.status,
            closed_on: a.closed_on,
            balance_minor: a.balance_minor,
        })
        .collect();
    let parties: Vec<PartyDim> = parties
        .into_iter()
        .map(|p| PartyDim {
            party_id: p.party_id.0,
            branch_id: p.branch_id.map(|b| b.0),
            is_organisation: p.is_organisation,
            onboarded_on: p.onboarded_on,
        })
        .collect();
    let w = warehouse.clone();
    tokio::task::spawn_blocking(move || w.write_dimensions(as_of, &accounts, &parties)).await??;
    Ok(())
}

/// Each party's tier before `as_of`, which the tier rules move from.
async fn previous_tiers(ctx: &Opened, as_of: NaiveDate) -> anyhow::Result<HashMap<i64, Tier>> {
    Ok(ctx
        .store
        .previous_tiers(as_of)
        .await?
        .into_iter()
        .map(|(p, t)| (p.0, t))
        .collect())
}

fn pipeline_settings(
    cfg: &ScoringConfig,
    args: &ScoreArgs,
    churn_oracle: Option<ChurnOracle>,
) -> PipelineSettings {
    PipelineSettings {
        scoring: cfg.clone(),
        churn_horizon_months: args.churn_horizon_months,
        training_snapshots: TRAINING_SNAPSHOTS,
        clv_months: args.clv_months,
        clv_monthly_discount: args.clv_monthly_discount,
        seed: args.seed,
        churn_oracle,
    }
}

/// The scoring pipeline over the warehouse, off the async threads; it prints each stage's time.
async fn score_warehouse(
    warehouse: &Warehouse,
    as_of: NaiveDate,
    previous: HashMap<i64, Tier>,
    settings: PipelineSettings,
) -> anyhow::Result<PipelineOutput> {
    let w = warehouse.clone();
    let out = tokio::task::spawn_blocking(move || {
        run_scoring(&w, as_of, &previous, &settings, |name, secs| {
            eprintln!("  {name:<12} {secs:>8.2} s");
        })
    })
    .await??;
    Ok(out)
}

fn print_clv_fit(fit: &Result<Option<ClvFit>, String>) {
    match fit {
        Ok(Some(fit)) => {
            let (bg, gg) = (fit.bg_nbd, fit.gamma_gamma);
            eprintln!(
                "  BG/NBD r={:.4} α={:.3} a={:.4} b={:.4}; Gamma-Gamma p={:.3} q={:.3} γ={:.3} ({} customers, {} patterns)",
                bg.r, bg.alpha, bg.a, bg.b, gg.p, gg.q, gg.gamma, fit.customers, fit.patterns
            );
        }
        Ok(None) => eprintln!("  CLV: no customer has spending yet; scored without CLV"),
        Err(reason) => eprintln!(
            "  CLV could not be fitted ({reason}); every other score is made, CLV is left empty"
        ),
    }
}

/// The churn model's out-of-time AUC, if one was trained and evaluated: prints its reports.
fn churn_model_auc(out: &PipelineOutput) -> Option<f64> {
    let model = match &out.churn {
        Ok(model) => model,
        Err(reason) => {
            eprintln!(
                "  churn model not trained ({reason}): churn warnings come from the rules only"
            );
            return None;
        }
    };
    let report = &model.report;
    eprintln!(
        "  churn model: random held-out AUC {:.4} (training AUC {:.4}; {} training and {} held-out customers, {} and {} churned) — a split of the same periods, not a validation",
        report.auc_holdout,
        report.auc_train,
        report.n_train,
        report.n_test,
        report.positives_train,
        report.positives_test
    );
    print_churn_validation(out.churn_evaluation.as_ref().map(|e| &e.validation))
}

/// Writes the rows of the churn model's out-of-time evaluation (`--export-churn`), as it split
/// them ([`ChurnEvaluation::write_csv`](rapport_scoring::churn::out_of_time::ChurnEvaluation)).
fn export_churn(out: &PipelineOutput, path: &std::path::Path) -> anyhow::Result<()> {
    let evaluation = out.churn_evaluation.as_ref().map_err(|reason| {
        anyhow::anyhow!(
            "--export-churn: the churn model was not evaluated out of time ({reason}), so there \
             are no rows to write"
        )
    })?;
    let (train, test) = out
        .out_of_time_rows()
        .context("--export-churn: the run kept no out-of-time rows")?;
    let file = std::fs::File::create(path)
        .with_context(|| format!("creating the churn rows file {}", path.display()))?;
    evaluation
        .write_csv(train, test, file)
        .with_context(|| format!("writing the churn rows {}", path.display()))?;
    let v = &evaluation.validation;
    eprintln!(
        "wrote the churn evaluation's {} training and {} test rows to {}",
        v.train.rows,
        v.test.rows,
        path.display()
    );
    Ok(())
}

/// Prints the out-of-time evaluation; its AUC is the run's churn AUC.
fn print_churn_validation(v: Result<&ChurnValidation, &String>) -> Option<f64> {
    let v = match v {
        Ok(v) => v,
        Err(reason) => {
            eprintln!("  churn model, out of time: not evaluated ({reason})");
            return None;
        }
    };
    eprintln!(
        "  churn model, out of time: tested at {} on {} customers it never learned from ({} churned within {} months); trained on {} rows of {} customers ({} churned) from earlier snapshots",
        v.test_snapshot,
        v.test.customers,
        v.test.churned,
        v.horizon_months,
        v.train.rows,
        v.train.customers,
        v.train.churned
    );
    let interval = v
        .auc_interval
        .map_or(String::new(), |(lo, hi)| format!(" (95% {lo:.3}–{hi:.3})"));
    let top = |t: Option<(f64, f64)>| {
        t.map_or("-".to_owned(), |(lift, recall)| {
            format!("lift {lift:.1}, recall {:.0}%", recall * 100.0)
        })
    };
    eprintln!(
        "    ROC AUC {:.4}{interval}, PR AUC {}, top 5%: {}, top 10%: {}; logistic baseline ({}) AUC {}; oracle AUC {}",
        v.auc,
        v.pr_auc.map_or("-".to_owned(), |p| format!("{p:.3}")),
        top(v.top_5),
        top(v.top_10),
        BASELINE_INPUTS.join(", "),
        v.baseline_auc.map_or("-".to_owned(), |b| format!("{b:.4}")),
        v.oracle_auc
            .map_or("not known for this bank".to_owned(), |o| format!("{o:.4}"))
    );
    for w in &v.warnings {
        eprintln!("    warning: {w}");
    }
    Some(v.auc)
}

/// What writing the scores raised.
struct Written {
    alerts: usize,
    proposals: usize,
}

/// Every score with its alerts and tier change proposal, `batch` parties per transaction,
/// behind a progress bar.
async fn write_scores(
    ctx: &Opened,
    run_id: i64,
    out: &PipelineOutput,
    batch: u64,
) -> anyhow::Result<Written> {
    let aum: HashMap<i64, i64> = out
        .features
        .iter()
        .map(|f| (f.party_id, f.aum[0]))
        .collect();
    let bar = ProgressBar::new(out.scores.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("writing scores [{bar:40}] {pos}/{len} {per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let mut written = Written {
        alerts: 0,
        proposals: 0,
    };
    for chunk in out.scores.chunks(usize::try_from(batch).unwrap_or(5_000)) {
        let mut batch = ScoreBatch::default();
        for s in chunk {
            let p_alive = out.clv.get(&s.party_id).map_or(0.0, |c| c.p_alive);
            let aum_minor = aum.get(&s.party_id).copied().unwrap_or(0);
            rapport_services::scored::to_store(s, p_alive, aum_minor, &mut batch)?;
        }
        written.alerts += batch.alerts.len();
        written.proposals += batch.tier_changes.len();
        ctx.store
            .write_scores(run_id, &batch, chrono::Utc::now())
            .await?;
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    Ok(written)
}
