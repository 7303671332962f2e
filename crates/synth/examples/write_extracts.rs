//! Writes the source-system extracts of a synthetic bank and times it.
//!
//! `cargo run --release -p rapport-synth --example write_extracts -- 100000 /tmp/extracts [--no-transactions]`
use std::time::Instant;

use rapport_synth::{Generator, SynthConfig, write_extracts};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let customers = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000u64);
    let dir = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "synthetic-extracts".into());
    let transactions = !args.iter().any(|a| a == "--no-transactions");
    let g = Generator::new(SynthConfig {
        customers,
        transactions,
        ..SynthConfig::default()
    })?;
    let t = Instant::now();
    let summary = write_extracts(&g, std::path::Path::new(&dir), &mut |done, total| {
        if done % 20 == 0 || done == total {
            eprintln!("{done}/{total} batches");
        }
    })?;
    println!("wrote {dir} in {:?}", t.elapsed());
    for (file, rows) in &summary.rows {
        println!("{file:>28} {rows:>12}");
    }
    Ok(())
}
