//! `rapport alerts`: reads the alert rules, runs the RM's alert job
//! (`rapport_services::alert_job`: the dedicated-RM rule, then alerts and tasks by
//! `rapport-work`'s rules) and prints what it did.
use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use rapport_work::{WorkRules, local_date};

use crate::open::Opened;

#[derive(Debug, clap::Args)]
pub struct AlertArgs {
    /// The bank's date to plan for (default: today in the bank's time zone).
    #[arg(long)]
    pub today: Option<NaiveDate>,
    /// Alert and task rules (TOML; default `<data-dir>/work.toml` when present, else built-in).
    #[arg(long)]
    pub rules: Option<PathBuf>,
}

fn load_rules(ctx: &Opened, path: Option<&PathBuf>) -> anyhow::Result<WorkRules> {
    let default_path = ctx.data_dir.join("work.toml");
    let path = match path {
        Some(p) => Some(p.clone()),
        None => default_path.exists().then_some(default_path),
    };
    let Some(p) = path else {
        return Ok(WorkRules::default());
    };
    let text = std::fs::read_to_string(&p)
        .with_context(|| format!("reading the alert rules {}", p.display()))?;
    toml::from_str(&text).map_err(|e| anyhow::anyhow!("alert rules {}: {e}", p.display()))
}

pub async fn run(ctx: &Opened, args: &AlertArgs) -> anyhow::Result<()> {
    let rules = load_rules(ctx, args.rules.as_ref())?;
    let tz = ctx.config.bank.time_zone;
    let today = args
        .today
        .unwrap_or_else(|| local_date(chrono::Utc::now(), tz));
    let started = std::time::Instant::now();
    let report = rapport_services::alert_job::run(ctx.store.as_ref(), &rules, tz, today).await?;
    if !rules.dedicated_rm_tiers.is_empty() {
        eprintln!(
            "dedicated RMs ({}): {} customers given the least loaded RM of their branch{}",
            tier_names(&rules.dedicated_rm_tiers),
            report.dedicated_assigned,
            unplaced(&report.dedicated_unplaced)
        );
    }
    let kinds: Vec<String> = report
        .alerts_by_kind
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    eprintln!(
        "alerts for {today}: {} new alerts (due: {}), {} new tasks, in {:.1} s",
        report.alerts,
        if kinds.is_empty() {
            "none due".to_owned()
        } else {
            kinds.join(", ")
        },
        report.tasks,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The tiers' storage names, as the rules file spells them.
fn tier_names(tiers: &[rapport_domain::Tier]) -> String {
    let names: Vec<&str> = tiers.iter().map(|t| t.as_str()).collect();
    names.join(", ")
}

/// The customers the dedicated-RM rule could not place, the first ten named.
fn unplaced(customers: &[i64]) -> String {
    if customers.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = customers.iter().take(10).map(i64::to_string).collect();
    format!(
        "; {} left for a branch manager, their branch having no enabled RM (customers {}{})",
        customers.len(),
        shown.join(", "),
        if customers.len() > shown.len() {
            ", …"
        } else {
            ""
        }
    )
}
