//! `rapport import`: source extracts into the store, with a progress bar and a rejects report.
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use rapport_domain::SystemClock;
use rapport_ingest::{ImportOptions, ImportReport, Mapping, import_file};
use rapport_store::ingest::{ImportKind, LoadMode};

use crate::StoreArgs;
use crate::open::Opened;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Mode {
    /// The file is the source's complete set: its records missing from the file are closed.
    Full,
    /// The file holds new and changed records only.
    Delta,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The source file (CSV, JSON lines or Parquet). With `--dir`, leave it out.
    pub file: Option<PathBuf>,
    /// The mapping file (default: `<file stem>.mapping.toml` beside the file).
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// Import every file of this directory that has a mapping beside it: customer files
    /// first, then accounts.
    #[arg(long, conflicts_with = "file")]
    pub dir: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Mode::Delta)]
    pub mode: Mode,
    /// Rows per batch; each batch is one transaction.
    #[arg(long, default_value_t = 5_000)]
    pub batch_rows: usize,
    /// Where rejects reports go (default: `<data-dir>/rejects`).
    #[arg(long)]
    pub rejects_dir: Option<PathBuf>,
    /// Who runs the import, for the run's record.
    #[arg(long, default_value = "system")]
    pub by: String,
}

fn mapping_beside(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    file.with_file_name(format!("{stem}.mapping.toml"))
}

/// `(data file, mapping)` pairs of a directory, customers before accounts.
fn files_in(dir: &Path) -> anyhow::Result<Vec<(PathBuf, Mapping)>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let Some(stem) = name
            .as_deref()
            .and_then(|n| n.strip_suffix(".mapping.toml"))
        else {
            continue;
        };
        let mapping = Mapping::load(&path)?;
        let ext = mapping.format.as_str();
        let data = dir.join(format!("{stem}.{ext}"));
        if data.exists() {
            found.push((data, mapping));
        }
    }
    // Customers before the accounts that hang off them; the warehouse last.
    found.sort_by_key(|(path, m)| {
        let order = match m.kind {
            ImportKind::Customers => 0,
            ImportKind::Accounts => 1,
            _ => 2,
        };
        (order, path.clone())
    });
    Ok(found)
}

pub async fn run(args: ImportArgs) -> anyhow::Result<()> {
    let ctx = Opened::open(&args.store).await?;
    let jobs = match (&args.file, &args.dir) {
        (Some(file), None) => {
            let mapping_path = args.mapping.clone().unwrap_or_else(|| mapping_beside(file));
            vec![(file.clone(), Mapping::load(&mapping_path)?)]
        }
        (None, Some(dir)) => files_in(dir)?,
        _ => anyhow::bail!("give a file to import, or --dir"),
    };
    if jobs.is_empty() {
        anyhow::bail!("no file with a mapping beside it was found");
    }
    let rejects_dir = args
        .rejects_dir
        .clone()
        .unwrap_or_else(|| ctx.data_dir.join("rejects"));
    let how = How {
        mode: match args.mode {
            Mode::Full => LoadMode::Full,
            Mode::Delta => LoadMode::Delta,
        },
        batch_rows: args.batch_rows,
        by: args.by.clone(),
        rejects_dir,
    };
    for (file, mapping) in jobs {
        import_one(&ctx, &how, &file, &mapping).await?;
    }
    Ok(())
}

/// How files are imported (shared by `import` and the demo).
pub struct How {
    pub mode: LoadMode,
    pub batch_rows: usize,
    pub by: String,
    pub rejects_dir: PathBuf,
}

/// Imports every file of `dir` that has a mapping beside it, customers first.
pub async fn import_dir(ctx: &Opened, dir: &Path, how: &How) -> anyhow::Result<()> {
    for (file, mapping) in files_in(dir)? {
        import_one(ctx, how, &file, &mapping).await?;
    }
    Ok(())
}

/// Loads only the warehouse's files of `dir` (balances and transactions).
pub async fn import_warehouse_files(ctx: &Opened, dir: &Path) -> anyhow::Result<()> {
    for (file, mapping) in files_in(dir)? {
        if matches!(
            mapping.kind,
            ImportKind::Transactions | ImportKind::Balances
        ) {
            crate::warehouse::import(ctx, &file, &mapping).await?;
        }
    }
    Ok(())
}

/// Imports one file: customers and accounts into the store, transactions and balances into
/// the warehouse.
pub async fn import_one(
    ctx: &Opened,
    how: &How,
    file: &Path,
    mapping: &Mapping,
) -> anyhow::Result<()> {
    match mapping.kind {
        ImportKind::Transactions | ImportKind::Balances => {
            crate::warehouse::import(ctx, file, mapping)
                .await
                .map(|_| ())
        }
        _ => import_records(ctx, how, file, mapping).await.map(|_| ()),
    }
}

async fn import_records(
    ctx: &Opened,
    how: &How,
    file: &Path,
    mapping: &Mapping,
) -> anyhow::Result<ImportReport> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let options = ImportOptions {
        mode: how.mode,
        batch_rows: how.batch_rows,
        started_by: how.by.clone(),
        rejects_path: how.rejects_dir.join(format!("{name}.rejects.csv")),
    };
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} lines, {per_sec}, eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(name.clone());
    let b = bar.clone();
    let mut progress = move |p: rapport_ingest::Progress| {
        b.set_length(p.lines_total);
        b.set_position(p.lines_done);
    };
    let report = import_file(
        ctx.store.as_ref(),
        &SystemClock,
        mapping,
        file,
        &options,
        &mut progress,
    )
    .await
    .with_context(|| format!("importing {}", file.display()))?;
    bar.finish_and_clear();
    let c = report.run.counts;
    let rows = c.inserted + c.updated + c.unchanged;
    eprintln!(
        "{name}: run {} ({} {}): {} inserted, {} updated, {} unchanged, {} rejected{} in {:.1} s ({:.0} rows/s)",
        report.run.id,
        mapping.source_system.as_str(),
        mapping.kind.as_str(),
        c.inserted,
        c.updated,
        c.unchanged,
        report.rows_rejected,
        if report.run.closed > 0 {
            format!(", {} closed", report.run.closed)
        } else {
            String::new()
        },
        report.seconds,
        rows as f64 / report.seconds.max(1e-9)
    );
    if report.report_lines > 0 {
        eprintln!(
            "  {} problem(s) reported in {}",
            report.report_lines,
            report.rejects_path.display()
        );
    }
    Ok(report)
}
