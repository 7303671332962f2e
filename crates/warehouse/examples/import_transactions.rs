//! Imports a transactions CSV into a warehouse directory and reports the speed.
//!
//! ```text
//! cargo run --release -p rapport-warehouse --example import_transactions -- <csv> <root>
//! ```
//!
//! The account key here is a plain SHA-256 of a fixed benchmark salt and the account number,
//! cut to 32 hex digits like `rapport-crypto`'s HMAC blind index: similar work per distinct
//! account and the same stored width, no key file needed. Never use it for real data.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use std::fs::File;
use std::path::PathBuf;
use std::time::Instant;

use rapport_warehouse::{Input, TransactionColumns, Warehouse, file_sha256};
use sha2::{Digest, Sha256};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let (Some(csv), Some(root)) = (
        args.next().map(PathBuf::from),
        args.next().map(PathBuf::from),
    ) else {
        eprintln!("usage: import_transactions <csv> <warehouse-root>");
        std::process::exit(2);
    };
    let started = Instant::now();
    let warehouse = Warehouse::open(&root, chrono_tz::Asia::Shanghai)?;
    let sha = file_sha256(&csv)?;
    let hashed = started.elapsed().as_secs_f64();
    let file = File::open(&csv)?;
    let size = file.metadata()?.len();
    let name = csv
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let input = Input {
        source_system: "core_banking",
        file_name: &name,
        file_sha256: sha,
        total_bytes: Some(size),
    };
    let key =
        |account: &str| hex::encode(&Sha256::digest(format!("rapport-bench-salt:{account}"))[..16]);
    let mut last_shown = Instant::now();
    let summary = warehouse.import_transactions(
        &input,
        file,
        &TransactionColumns::default(),
        &key,
        &mut |p| {
            if last_shown.elapsed().as_secs_f64() >= 2.0 {
                last_shown = Instant::now();
                let rate = p.rows as f64 / started.elapsed().as_secs_f64();
                let pct = p
                    .total_bytes
                    .map_or(0.0, |t| 100.0 * p.bytes_read as f64 / t.max(1) as f64);
                eprintln!("  {pct:5.1}%  {} rows  {rate:.0} rows/s", p.rows);
            }
        },
    )?;
    let seconds = started.elapsed().as_secs_f64();
    println!("load_id   {}", summary.load_id);
    println!("rows      {}", summary.rows);
    println!("rejects   {}", summary.rejected);
    for r in summary.rejects.iter().take(5) {
        println!(
            "  line {} {}: {} ({})",
            r.line, r.field, r.reason, r.value_masked
        );
    }
    println!("months    {}", summary.months.len());
    println!("replaced  {}", summary.replaced_previous);
    println!("seconds   {seconds:.2} (of which hashing the file {hashed:.2})");
    println!("rows/s    {:.0}", summary.rows as f64 / seconds);
    Ok(())
}
