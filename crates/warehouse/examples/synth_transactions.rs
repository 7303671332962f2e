//! Writes the synthetic bank's extracts (including `transactions.csv`, about 110 rows per
//! customer) for the warehouse benchmark, without building the whole `rapport` CLI.
//!
//! ```text
//! cargo run --release -p rapport-warehouse --example synth_transactions -- <customers> <dir>
//! ```
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use std::path::PathBuf;

use rapport_synth::{Generator, SynthConfig, write_extracts};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(customers), Some(dir)) = (args.next(), args.next()) else {
        eprintln!("usage: synth_transactions <customers> <dir>");
        std::process::exit(2);
    };
    let generator = Generator::new(SynthConfig {
        customers: customers.parse()?,
        seed: 42,
        as_of: SynthConfig::default_as_of(),
        transactions: true,
    })
    .map_err(|e| e.to_string())?;
    let summary = write_extracts(&generator, &PathBuf::from(dir), &mut |done, total| {
        if done % 10 == 0 || done == total {
            eprint!("\r  batch {done}/{total}");
        }
    })
    .map_err(|e| e.to_string())?;
    eprintln!();
    println!("transactions {}", summary.rows_in("transactions.csv"));
    Ok(())
}
