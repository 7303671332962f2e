//! Generates a bank and prints timings and headline statistics.
//!
//! `cargo run --release -p rapport-synth --example synth_stats -- 100000 [--transactions]`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use std::collections::HashMap;
use std::time::Instant;

use rapport_domain::PartyKind;
use rapport_synth::{Generator, SynthConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let customers = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000u64);
    let transactions = args.iter().any(|a| a == "--transactions");
    let t0 = Instant::now();
    let g = Generator::new(SynthConfig {
        customers,
        transactions,
        ..SynthConfig::default()
    })?;
    println!(
        "reference data: {:?} ({} branches, {} staff)",
        t0.elapsed(),
        g.reference().branches.len(),
        g.reference().staff.len()
    );

    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let t1 = Instant::now();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let stats = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut st = Stats::default();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= g.batch_count() {
                            break;
                        }
                        st.add(&g.batch(i));
                    }
                    st
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().ok())
            .fold(Stats::default(), Stats::merge)
    });
    let elapsed = t1.elapsed();
    println!(
        "{customers} customers in {} batches on {workers} threads: {elapsed:?} ({:.1} µs/customer; 1M ≈ {:.1} s)",
        g.batch_count(),
        elapsed.as_secs_f64() * 1e6 / customers as f64,
        elapsed.as_secs_f64() * 1_000_000.0 / customers as f64
    );
    let n = stats.parties as f64;
    println!(
        "parties {} individuals {} organisations {} prospects {}",
        stats.parties, stats.kinds[0], stats.kinds[1], stats.kinds[2]
    );
    println!(
        "accounts {} ({:.3} per customer with accounts)",
        stats.accounts,
        stats.accounts as f64 / stats.holders as f64
    );
    println!(
        "monthly AUM points {}, relationships {}, RM assignments {}",
        stats.aum, stats.relationships, stats.rm
    );
    println!(
        "source records {} ({:.2} per party), source accounts {}",
        stats.records,
        stats.records as f64 / n,
        stats.source_accounts
    );
    println!("transactions {}", stats.transactions);
    let mut top: Vec<_> = stats.names.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    println!("most common names: {:?}", &top[..10.min(top.len())]);
    Ok(())
}

#[derive(Default)]
struct Stats {
    parties: usize,
    kinds: [usize; 3],
    accounts: usize,
    holders: usize,
    aum: usize,
    relationships: usize,
    rm: usize,
    records: usize,
    source_accounts: usize,
    transactions: usize,
    names: HashMap<String, usize>,
}

impl Stats {
    fn add(&mut self, b: &rapport_synth::GeneratedBatch) {
        let c = &b.customers;
        self.parties += c.parties.len();
        for p in &c.parties {
            let k = match p.kind {
                PartyKind::Individual => 0,
                PartyKind::Organisation => 1,
                PartyKind::Prospect => 2,
            };
            self.kinds[k] += 1;
            if k != 2 {
                self.holders += 1;
            }
            if k == 0 {
                *self.names.entry(p.name.clone()).or_default() += 1;
            }
        }
        self.accounts += c.accounts.len();
        self.aum += c.monthly_aum.len();
        self.relationships += c.relationships.len();
        self.rm += c.rm_assignments.len();
        self.records += b.source_records.len();
        self.source_accounts += b.source_accounts.len();
        self.transactions += b.transactions.len();
    }

    fn merge(mut self, o: Stats) -> Stats {
        self.parties += o.parties;
        for i in 0..3 {
            self.kinds[i] += o.kinds[i];
        }
        self.accounts += o.accounts;
        self.holders += o.holders;
        self.aum += o.aum;
        self.relationships += o.relationships;
        self.rm += o.rm;
        self.records += o.records;
        self.source_accounts += o.source_accounts;
        self.transactions += o.transactions;
        for (k, v) in o.names {
            *self.names.entry(k).or_default() += v;
        }
        self
    }
}
