//! `rapport resolve`: source records into golden customer records, with stage progress.
use anyhow::Context;
use chrono::Utc;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use rapport_resolve::{ResolveOptions, ResolveReport, Stage, resolve_all};
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
    resolve(&ctx, &options).await?;
    crate::warehouse::aum_history(&ctx).await.map(|_| ())
}

pub async fn resolve(ctx: &Opened, options: &ResolveOptions) -> anyhow::Result<ResolveReport> {
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
    let report = resolve_all(ctx.store.as_ref(), options, &author, &mut progress)
        .await
        .context("resolving source records")?;
    bar.finish_and_clear();
    let a = report.applied;
    let timings: Vec<String> = report
        .timings
        .iter()
        .map(|(stage, s)| format!("{stage} {s:.1} s"))
        .collect();
    eprintln!(
        "resolved {} source records into {} customers: {} new, {} updated, {} unchanged, {} merged; {} pairs await review ({})",
        report.records,
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
