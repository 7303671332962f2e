//! Real-time matching latency: an index over about 1,000,000 resolved synthetic source
//! records, queried single-threaded with records it has not seen.
//!
//!     cargo run --release -p rapport-identity --example match_bench -- 1000000
//!
//! Every 200th source record is held out; the rest are resolved in batch and indexed with
//! their clusters as parties. Prints build time, lookup latency percentiles and how often the
//! best party is the held-out record's true person.
// The percentiles index the sorted latencies.
#![allow(clippy::indexing_slicing)]

use std::collections::HashMap;
use std::time::Instant;

use rapport_identity::*;

#[path = "common/synthetic.rs"]
mod synthetic;

fn main() {
    let wanted: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let g = synthetic::bank((wanted as f64 / 2.07) as u64 + 10);
    let (mut indexed, mut indexed_truth, mut queries, mut query_truth) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (n, (record, person)) in synthetic::labelled_records(&g).take(wanted).enumerate() {
        if n % 200 == 199 {
            queries.push(record);
            query_truth.push(person);
        } else {
            indexed.push(record);
            indexed_truth.push(person);
        }
    }
    let settings = Settings::default();
    let t0 = Instant::now();
    let resolution = resolve(&indexed, &settings);
    let t1 = Instant::now();
    let std: Vec<Standardised> = indexed.iter().map(standardise).collect();
    let parties: Vec<i64> = resolution.cluster_of.iter().map(|&c| c as i64).collect();
    let index = MatchIndex::build(std, &parties, resolution.model.clone(), settings);
    let t2 = Instant::now();

    // Which true person each party mostly is, to check the answers.
    let mut party_truth: HashMap<i64, i64> = HashMap::new();
    for (p, t) in parties.iter().zip(&indexed_truth) {
        party_truth.entry(*p).or_insert(*t);
    }
    let mut latencies = Vec::with_capacity(queries.len());
    let (mut matched, mut review, mut correct) = (0, 0, 0);
    for (q, t) in queries.iter().zip(&query_truth) {
        let start = Instant::now();
        let best = index.best_match_source(q);
        latencies.push(start.elapsed().as_secs_f64() * 1e3);
        if let Some(m) = best {
            match m.decision {
                Decision::Match => matched += 1,
                Decision::Review => review += 1,
            }
            if m.decision == Decision::Match && party_truth.get(&m.party) == Some(t) {
                correct += 1;
            }
        }
    }
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{} records indexed ({} parties); resolve {:.1}s, index build {:.1}s",
        index.len(),
        party_truth.len(),
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64()
    );
    println!(
        "{} lookups, single thread: p50 {:.3} ms  p90 {:.3} ms  p99 {:.3} ms  max {:.3} ms",
        latencies.len(),
        pct(0.5),
        pct(0.9),
        pct(0.99),
        latencies[latencies.len() - 1]
    );
    println!(
        "answers: match {matched}, review {review}, none {}; matches to the right person {correct} ({:.4})",
        queries.len() - matched - review,
        correct as f64 / matched.max(1) as f64
    );
}
