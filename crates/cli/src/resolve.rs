//! `rapport resolve`: source records into golden customer records, with stage progress.
use anyhow::Context;
use chrono::Utc;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use rapport_resolve::{Mode, ResolveOptions, ResolveReport, Stage};
use rapport_store::ChangeAuthor;

use crate::StoreArgs;
use crate::open::Opened;

#[derive(Args, Debug)]
pub struct ResolveArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Pairs at or above this match probability become one customer.
    #[arg(long, default_value_t = 0.9)]
    pub match_threshold: f64,
    /// Pairs between this and the match threshold go to the data steward's review queue.
    #[arg(long, default_value_t = 0.3)]
    pub review_threshold: f64,
    /// Match every record again and train the model afresh. Without it, only the records
    /// that loads touched since the last run are matched again (with the saved model), and
    /// the persons they meet; the first run, and a run after loads that touched more than a
    /// fifth of the records, are full.
    #[arg(long)]
    pub full: bool,
}

pub async fn run(args: ResolveArgs) -> anyhow::Result<()> {
    let ctx = Opened::open(&args.store).await?;
    if !(0.0..=1.0).contains(&args.review_threshold)
        || !(0.0..=1.0).contains(&args.match_threshold)
        || args.review_threshold > args.match_threshold
    {
        anyhow::bail!(
            "--review-threshold ({}) and --match-threshold ({}) must be probabilities with review ≤ match",
            args.review_threshold,
            args.match_threshold
        );
    }
    let mut options = ResolveOptions::default();
    options.settings.match_threshold = args.match_threshold;
    options.settings.review_threshold = args.review_threshold;
    let mode = if args.full { Mode::Full } else { Mode::Delta };
    let report = resolve(&ctx, &options, mode).await?;
    // A delta moved accounts only between the parties it wrote: their AUM alone is rolled up.
    let written: std::collections::HashSet<rapport_domain::PartyId> =
        report.applied.parties.iter().copied().collect();
    let only = (report.mode == Mode::Delta).then_some(&written);
    crate::warehouse::aum_history(&ctx, only).await.map(|_| ())
}

/// Resolves the store's source records: everything (`Mode::Full`), or what loads touched
/// since the last run (`Mode::Delta`, itself full when that is the better choice).
pub async fn resolve(
    ctx: &Opened,
    options: &ResolveOptions,
    mode: Mode,
) -> anyhow::Result<ResolveReport> {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len}, {per_sec}, eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let b = bar.clone();
    let mut progress = move |stage: Stage, done: u64, total: u64| {
        b.set_message(match stage {
            Stage::Reading => "reading source records",
            Stage::Matching => "matching",
            Stage::Writing => "writing golden records",
            Stage::Reviews => "filling the review queue",
        });
        b.set_length(total.max(done));
        b.set_position(done);
    };
    let author = ChangeAuthor {
        staff_id: None,
        username: "identity resolution".into(),
        source: "identity".into(),
        at: Utc::now(),
    };
    let report =
        rapport_resolve::resolve(ctx.store.as_ref(), mode, options, &author, &mut progress)
            .await
            .context("resolving source records")?;
    bar.finish_and_clear();
    let a = &report.applied;
    let timings: Vec<String> = report
        .timings
        .iter()
        .map(|(stage, s)| format!("{stage} {s:.1} s"))
        .collect();
    let scope = match report.mode {
        Mode::Full => format!("all {} source records", report.records),
        Mode::Delta => format!(
            "{} of {} source records (what loads touched and the customers they meet)",
            report.matched, report.records
        ),
    };
    eprintln!(
        "resolved {scope} into {} customers: {} new, {} updated, {} unchanged, {} merged; {} pairs await review ({})",
        report.persons,
        a.created,
        a.updated,
        a.unchanged,
        a.merged,
        report.pending_reviews,
        timings.join(", ")
    );
    Ok(report)
}
