//! The feature benchmark (bench/scoring.sh): generates a warehouse, times `party_features`,
//! prints check sums for comparison with DuckDB running the same SQL.
//!
//! ```text
//! features_bench generate <root> <customers> <transactions> [seed]
//! features_bench run <root>        # party_features + write_features, sums, peak RSS
//! features_bench sql <file>        # the DuckDB dialect of the feature SQL
//! features_bench pipeline <root>   # the whole scoring pipeline `rapport score` runs, per stage
//! ```
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice
)]

mod generate;

use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use rapport_warehouse::Warehouse;
use rapport_warehouse::features::{Dialect, features_sql};

/// The as-of date of the benchmark bank (and of bench/scoring/features_duckdb.sql).
pub const AS_OF: (i32, u32, u32) = (2026, 6, 30);

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(AS_OF.0, AS_OF.1, AS_OF.2).unwrap()
}

/// Peak resident memory of this process (VmHWM), in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("generate") if args.len() >= 4 => {
            let size = generate::Size {
                customers: args[2].parse().unwrap(),
                transactions: args[3].parse().unwrap(),
                seed: args.get(4).map_or(42, |s| s.parse().unwrap()),
                as_of: as_of(),
            };
            let t = Instant::now();
            let n = generate::generate(&PathBuf::from(&args[1]), &size);
            println!(
                "generated {} customers, {n} transactions in {:.1} s",
                size.customers,
                t.elapsed().as_secs_f64()
            );
        }
        Some("run") if args.len() >= 2 => run(&PathBuf::from(&args[1])),
        Some("pipeline") if args.len() >= 2 => pipeline(&PathBuf::from(&args[1])),
        Some("sql") if args.len() >= 2 => {
            std::fs::write(
                &args[1],
                features_sql(as_of(), "CNY", Dialect::DuckDb) + "\n",
            )
            .unwrap();
        }
        _ => {
            eprintln!(
                "usage: features_bench generate <root> <customers> <transactions> [seed] | run <root> | pipeline <root> | sql <file>"
            );
            std::process::exit(2);
        }
    }
}

fn run(root: &PathBuf) {
    let w = Warehouse::open(root, chrono_tz::Asia::Shanghai).unwrap();
    let c = w.query_config().clone();
    println!(
        "rapport: pool {} MiB, {} threads, spill under {}/tmp",
        c.memory_pool_bytes >> 20,
        c.threads,
        root.display()
    );
    let t = Instant::now();
    let rows = w.party_features(as_of()).unwrap();
    let features_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    w.write_features(as_of(), &rows).unwrap();
    let write_s = t.elapsed().as_secs_f64();
    let sum = |f: &dyn Fn(&rapport_scoring::Features) -> i64| -> i64 { rows.iter().map(f).sum() };
    println!("rapport_rows {}", rows.len());
    println!("rapport_sum_aum_m0 {}", sum(&|r| r.aum[0]));
    println!("rapport_sum_aum_m11 {}", sum(&|r| r.aum[11]));
    println!(
        "rapport_sum_tx_total {}",
        sum(&|r| r.tx_count.iter().map(|&n| i64::from(n)).sum())
    );
    println!("rapport_sum_credit_m0 {}", sum(&|r| r.credit_amount[0]));
    println!("rapport_sum_debit_m11 {}", sum(&|r| r.debit_amount[11]));
    println!("rapport_sum_loans {}", sum(&|r| r.loans));
    println!("rapport_sum_maturing_90d {}", sum(&|r| r.maturing_90d));
    println!(
        "rapport_sum_payroll_months {}",
        sum(&|r| r.payroll_months.into())
    );
    println!(
        "rapport_sum_missed_repayments {}",
        sum(&|r| r.missed_repayments.into())
    );
    println!(
        "rapport_sum_open_accounts {}",
        sum(&|r| r.open_accounts.into())
    );
    println!("rapport_features_seconds {features_s:.2}");
    println!("rapport_write_features_seconds {write_s:.2}");
    println!("rapport_peak_rss_mib {:.0}", peak_rss_mib());
}

/// The stages of `rapport score` that run on the warehouse, with `rapport score`'s defaults
/// (4 feature snapshots 3 months apart, CLV over 12 months, both models trained, every
/// party scored); the store's reads and writes around them are not part of it.
fn pipeline(root: &PathBuf) {
    use rapport_warehouse::score_pipeline::{PipelineSettings, run_scoring};
    let w = Warehouse::open(root, chrono_tz::Asia::Shanghai).unwrap();
    let settings = PipelineSettings {
        scoring: rapport_scoring::ScoringConfig::default(),
        churn_horizon_months: 3,
        training_snapshots: 3,
        clv_months: 12,
        clv_monthly_discount: 0.01,
        seed: 7,
        churn_oracle: None,
    };
    let t = Instant::now();
    let out = run_scoring(&w, as_of(), &Default::default(), &settings, |name, secs| {
        println!("pipeline_stage {name} {secs:.2}");
    })
    .unwrap();
    println!("pipeline_total_seconds {:.2}", t.elapsed().as_secs_f64());
    println!("pipeline_parties {}", out.scores.len());
    println!("pipeline_training_rows {}", out.training.0.len());
    match &out.churn {
        Ok(m) => println!("pipeline_churn_auc {:.4}", m.report.auc_holdout),
        Err(reason) => println!("pipeline_churn_model none ({reason})"),
    }
    println!("pipeline_clv_parties {}", out.clv.len());
    println!(
        "pipeline_alerts {}",
        out.scores.iter().filter(|s| s.churn.is_warning()).count()
    );
    println!("pipeline_peak_rss_mib {:.0}", peak_rss_mib());
}
