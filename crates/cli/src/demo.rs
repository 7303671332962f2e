//! `rapport demo` and `rapport synth`.
//!
//! The demo runs the real path: the generator writes the source systems' extracts with their
//! mapping files, `import` loads them, `resolve` makes the golden customer records. (A hidden
//! `--ground-truth` flag loads the generator's true bank directly, for load benchmarks.)
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use rapport_domain::Role;
use rapport_domain::records::StaffRecord;
use rapport_synth::{Generator, SynthConfig};

use crate::open::{Opened, create_private_dir};
use crate::users::hash;
use crate::{BankArgs, DemoArgs, SynthArgs};

pub const LOGINS_FILE: &str = "demo-logins.txt";

fn progress(total: usize, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} batches, {per_sec}, eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    bar
}

pub async fn run(args: DemoArgs, serve: crate::Serve) -> anyhow::Result<()> {
    let ctx = Opened::open(&args.serve.store).await?;
    let counts = ctx.store.counts().await?;
    if counts.parties > 0 {
        eprintln!(
            "{} already holds a bank of {} customers: loading skipped (demo logins are in {}).",
            ctx.data_dir.display(),
            counts.parties,
            ctx.data_dir.join(LOGINS_FILE).display()
        );
    } else {
        let generator = Arc::new(generator(&args.bank, !args.ground_truth || args.scored)?);
        if args.ground_truth {
            load(&ctx, generator.clone()).await?;
            if !args.skip_extracts || args.scored {
                let dir = ctx.data_dir.join("extracts");
                write_extracts(generator, &dir, true).await?;
                if args.scored {
                    crate::import::import_warehouse_files(&ctx, &dir).await?;
                    score_and_alert(&ctx, &args).await?;
                }
            }
        } else {
            ctx.store.load_reference(generator.reference()).await?;
            let dir = ctx.data_dir.join("extracts");
            write_extracts(generator, &dir, true).await?;
            let how = crate::import::How {
                mode: rapport_store::ingest::LoadMode::Full,
                batch_rows: 5_000,
                by: "demo".into(),
                rejects_dir: ctx.data_dir.join("rejects"),
            };
            crate::import::import_dir(&ctx, &dir, &how).await?;
            crate::resolve::resolve(
                &ctx,
                &rapport_resolve::ResolveOptions::default(),
                rapport_resolve::Mode::Full,
            )
            .await?;
            crate::warehouse::aum_history(&ctx, None).await?;
            score_and_alert(&ctx, &args).await?;
        }
        create_demo_logins(&ctx, args.demo_rms).await?;
        ctx.store
            .set_meta(
                crate::keys::SEALED_WITH,
                &ctx.keys.active_field_key().to_string(),
            )
            .await?;
    }
    if args.no_serve {
        return Ok(());
    }
    ctx.serve(args.serve.listen, serve).await
}

/// Scores the bank (unless it has no transactions) and runs the alert job.
async fn score_and_alert(ctx: &Opened, args: &DemoArgs) -> anyhow::Result<()> {
    if !args.bank.no_transactions {
        // A bank too small to learn from is served unscored rather than not at all.
        let extracts = ctx.data_dir.join("extracts");
        let truth =
            (extracts.join(rapport_synth::TRUTH_CUSTOMERS_CSV).exists()).then_some(extracts);
        let settings = crate::score::ScoreArgs::at(args.bank.as_of, truth);
        if let Err(e) = crate::score::run(ctx, &settings).await {
            eprintln!("scoring skipped: {e:#}");
        }
    }
    // The demo bank's "today" is its as-of date.
    crate::alerts::run(
        ctx,
        &crate::alerts::AlertArgs {
            today: Some(args.bank.as_of),
            rules: None,
        },
    )
    .await
}

/// Generates batches on a blocking thread while the previous batch is being written.
async fn load(ctx: &Opened, generator: Arc<Generator>) -> anyhow::Result<()> {
    let started = Instant::now();
    ctx.store.load_reference(generator.reference()).await?;
    let total = generator.batch_count();
    let (tx, mut rx) = tokio::sync::mpsc::channel(2);
    let producer = {
        let generator = generator.clone();
        tokio::task::spawn_blocking(move || {
            for i in 0..generator.batch_count() {
                if tx.blocking_send(generator.batch(i)).is_err() {
                    break;
                }
            }
        })
    };
    let bar = progress(total, "loading customers");
    let mut customers = 0usize;
    while let Some(batch) = rx.recv().await {
        customers += batch.customers.parties.len();
        ctx.store
            .load_customers(&batch.customers)
            .await
            .with_context(|| format!("loading customer batch {} of {total}", bar.position() + 1))?;
        bar.inc(1);
    }
    producer.await?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    let c = ctx.store.counts().await?;
    eprintln!(
        "loaded {customers} customers ({} accounts, {} relationships, {} monthly AUM points) into {} in {secs:.1} s ({:.0} customers/s)",
        c.accounts,
        c.relationships,
        c.monthly_aum,
        ctx.store.backend(),
        customers as f64 / secs.max(1e-9)
    );
    Ok(())
}

async fn write_extracts(generator: Arc<Generator>, dir: &Path, show: bool) -> anyhow::Result<()> {
    create_private_dir(dir)?;
    let dir = dir.to_owned();
    let started = Instant::now();
    let bar = progress(generator.batch_count(), "writing source extracts");
    if !show {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let b = bar.clone();
    let summary = tokio::task::spawn_blocking(move || {
        rapport_synth::write_extracts(&generator, &dir, &mut |done, _| b.set_position(done as u64))
            .map(|s| (s, dir))
    })
    .await?
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    bar.finish_and_clear();
    eprintln!(
        "wrote source extracts and ground truth to {} in {:.1} s",
        summary.1.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub async fn synth(args: SynthArgs) -> anyhow::Result<()> {
    let generator = generator(&args.bank, true)?;
    write_extracts(Arc::new(generator), &args.out, true).await
}

/// The generator of the bank the arguments ask for; transactions only when `wanted` too.
fn generator(bank: &BankArgs, wanted: bool) -> anyhow::Result<Generator> {
    Generator::new(SynthConfig {
        customers: bank.customers,
        seed: bank.seed,
        as_of: bank.as_of,
        transactions: !bank.no_transactions && wanted,
    })
    .map_err(|e| anyhow::anyhow!("{e}"))
}

/// Picks the demo's staff: admin, two RMs, the branch manager over the first RM, a service
/// agent, a data steward, an auditor, a head-office marketing login, and the branch manager of
/// the second RM's branch (when it is another branch: one manager's moves are out of the
/// other's scope).
fn demo_staff(staff: &[StaffRecord], rms: usize) -> Vec<&StaffRecord> {
    let first = |role: Role| staff.iter().find(|s| s.role == role);
    let rms: Vec<&StaffRecord> = staff
        .iter()
        .filter(|s| s.role == Role::Rm)
        .take(rms)
        .collect();
    let manager = rms
        .first()
        .and_then(|rm| {
            staff
                .iter()
                .find(|s| s.role == Role::BranchManager && s.branch_id == rm.branch_id)
        })
        .or_else(|| first(Role::BranchManager));
    let other_manager = rms.get(1).and_then(|rm| {
        staff.iter().find(|s| {
            s.role == Role::BranchManager
                && s.branch_id == rm.branch_id
                && manager.is_none_or(|m| m.id != s.id)
        })
    });
    let mut picked: Vec<&StaffRecord> = Vec::new();
    picked.extend(first(Role::Admin));
    picked.extend(manager);
    picked.extend(rms);
    picked.extend(first(Role::ServiceAgent));
    picked.extend(first(Role::DataSteward));
    picked.extend(first(Role::Auditor));
    picked.extend(first(Role::Marketing));
    picked.extend(other_manager);
    picked
}

/// Sets random passwords on the demo staff and writes them, once, to a 0600 file.
async fn create_demo_logins(ctx: &Opened, rms: usize) -> anyhow::Result<()> {
    let staff = ctx.store.list_staff().await?;
    let records: Vec<StaffRecord> = staff
        .iter()
        .map(|s| StaffRecord {
            id: s.id,
            username: s.username.clone(),
            display_name: s.display_name.clone(),
            role: s.role,
            branch_id: s.branch_id,
        })
        .collect();
    let mut lines = String::new();
    for s in demo_staff(&records, rms) {
        let password = rapport_services::passwords::temporary_password();
        ctx.store
            .set_password(s.id, &hash(password.clone()).await?)
            .await?;
        lines.push_str(&format!("{} {} {}\n", s.username, password, s.role));
    }
    let path = ctx.data_dir.join(LOGINS_FILE);
    write_private(&path, &lines)?;
    println!(
        "Demo logins (username password role), shown once and kept in {}:",
        path.display()
    );
    print!("{lines}");
    Ok(())
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}
