//! Transactions and balance history into the warehouse (Parquet by month): the same mapping
//! files and file checks as the operational import, then `rapport-warehouse` writes the load.
use std::path::Path;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use rapport_ingest::{Mapping, source};
use rapport_store::ingest::ImportKind;
use rapport_store::protect::Protector;
use rapport_warehouse::{BalanceColumns, Input, LoadSummary, TransactionColumns, Warehouse};

use crate::open::Opened;

fn column(mapping: &Mapping, field: &str) -> String {
    mapping.column(field).unwrap_or(field).to_owned()
}

fn transaction_columns(m: &Mapping) -> TransactionColumns {
    TransactionColumns {
        transaction_id: column(m, "transaction_id"),
        account_number: column(m, "account_number"),
        booked_at: column(m, "booked_at"),
        direction: column(m, "direction"),
        amount: column(m, "amount"),
        currency: column(m, "currency"),
        channel: m.column("channel").map(str::to_owned),
        description: m.column("description").map(str::to_owned),
    }
}

fn balance_columns(m: &Mapping) -> BalanceColumns {
    BalanceColumns {
        account_number: column(m, "account_number"),
        as_of: column(m, "as_of"),
        balance: column(m, "balance"),
        currency: column(m, "currency"),
    }
}

pub fn root(ctx: &Opened) -> std::path::PathBuf {
    ctx.data_dir.join("warehouse")
}

/// Imports one transactions or balances file into the warehouse.
pub async fn import(ctx: &Opened, file: &Path, mapping: &Mapping) -> anyhow::Result<LoadSummary> {
    let started = std::time::Instant::now();
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (path, m) = (file.to_owned(), mapping.clone());
    let inspected = tokio::task::spawn_blocking(move || source::inspect(&path, &m)).await??;
    let mut sha = [0u8; 32];
    hex_into(&inspected.sha256, &mut sha)?;
    let warehouse = Warehouse::open(root(ctx), ctx.config.bank.time_zone)
        .with_context(|| format!("opening the warehouse in {}", root(ctx).display()))?;
    let protector = Protector::new(ctx.keys.clone());
    let mapping = mapping.clone();
    let bar = ProgressBar::new(inspected.bytes);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:40}] {bytes}/{total_bytes}, {bytes_per_sec}, eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(name.clone());
    let b = bar.clone();
    let summary = tokio::task::spawn_blocking(move || -> anyhow::Result<LoadSummary> {
        let reader = source::decoded(&inspected, mapping.encoding)?;
        let input = Input {
            source_system: mapping.source_system.as_str(),
            file_name: &inspected.file_name,
            file_sha256: sha,
            total_bytes: Some(inspected.bytes),
        };
        let key = |number: &str| protector.account_key(number);
        let mut progress = |p: rapport_warehouse::Progress| b.set_position(p.bytes_read);
        Ok(match mapping.kind {
            ImportKind::Transactions => warehouse.import_transactions(
                &input,
                reader,
                &transaction_columns(&mapping),
                &key,
                &mut progress,
            )?,
            _ => warehouse.import_balances(
                &input,
                reader,
                &balance_columns(&mapping),
                &key,
                &mut progress,
            )?,
        })
    })
    .await?
    .with_context(|| format!("importing {} into the warehouse", file.display()))?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{name}: warehouse load {}: {} rows in {} month(s), {} rejected{} in {secs:.1} s ({:.0} rows/s)",
        summary.load_id,
        summary.rows,
        summary.months.len(),
        summary.rejected,
        if summary.replaced_previous {
            " (replaced the earlier load of the same file)"
        } else {
            ""
        },
        summary.rows as f64 / secs.max(1e-9)
    );
    for r in summary.rejects.iter().take(5) {
        eprintln!(
            "  line {}: {} {}: {}",
            r.line, r.field, r.value_masked, r.reason
        );
    }
    Ok(summary)
}

fn hex_into(hex: &str, out: &mut [u8; 32]) -> anyhow::Result<()> {
    anyhow::ensure!(hex.len() == 64, "file digest has the wrong length");
    for (byte, pair) in out.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
        *byte = u8::from_str_radix(std::str::from_utf8(pair)?, 16)?;
    }
    Ok(())
}

/// Rolls the warehouse's month-end balances up to each party's monthly AUM (asset accounts
/// only: the balance history holds deposits, wealth products, funds and insurance).
/// Rolls month-end balances up to each party's monthly AUM; with `only`, for those parties
/// alone (after a delta resolution, the parties it wrote).
pub async fn aum_history(
    ctx: &Opened,
    only: Option<&std::collections::HashSet<rapport_domain::PartyId>>,
) -> anyhow::Result<usize> {
    use std::collections::{BTreeMap, HashMap};

    use rapport_domain::Money;
    use rapport_domain::records::MonthlyAumRecord;

    let started = std::time::Instant::now();
    let warehouse = Warehouse::open(root(ctx), ctx.config.bank.time_zone)?;
    let balances = tokio::task::spawn_blocking(move || warehouse.month_end_balances()).await??;
    if balances.is_empty() {
        return Ok(0);
    }
    let owners: HashMap<String, rapport_domain::PartyId> =
        ctx.store.account_owners().await?.into_iter().collect();
    let base = ctx.config.bank.base_currency;
    let mut sums: BTreeMap<(i64, chrono::NaiveDate), i64> = BTreeMap::new();
    for b in balances.iter().filter(|b| b.currency == base.code()) {
        if let Some(party) = owners
            .get(&b.account_key)
            .filter(|p| only.is_none_or(|set| set.contains(p)))
        {
            *sums.entry((party.0, b.month)).or_default() += b.balance_minor;
        }
    }
    let points: Vec<MonthlyAumRecord> = sums
        .into_iter()
        .map(|((party, month), minor)| MonthlyAumRecord {
            party_id: rapport_domain::PartyId(party),
            month,
            aum: Money::from_minor_units(minor, base),
        })
        .collect();
    for chunk in points.chunks(10_000) {
        ctx.store.upsert_monthly_aum(chunk).await?;
    }
    eprintln!(
        "monthly AUM of {} party-months rolled up from the warehouse in {:.1} s",
        points.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(points.len())
}

/// The last day of the latest month the warehouse holds balances for (month-end balances
/// mark a month as complete; a few transactions booked late on the last day can fall in the
/// next month), or transactions when it holds no balances.
pub fn latest_month_end(w: &Warehouse) -> anyhow::Result<Option<chrono::NaiveDate>> {
    let mut latest: Option<String> = w.months("balances")?.into_iter().max();
    if latest.is_none() {
        latest = w.months("transactions")?.into_iter().max();
    }
    Ok(latest.and_then(|m| {
        let first = chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok()?;
        first
            .checked_add_months(chrono::Months::new(1))
            .and_then(|d| d.pred_opt())
    }))
}
