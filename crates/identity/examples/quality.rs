//! Quality and speed of the engine on the synthetic bank's extracts, stage by stage (Rapport
//! alone; `bench/identity-quality.sh` measures it against Splink on FEBRL and these extracts).
//!
//!     cargo run --release -p rapport-identity --example quality -- 50000
//!
//! Prints pairwise precision/recall/F1, B-cubed F1, the share of persons recovered exactly,
//! and per-stage timings; `SHOW_MODEL=1` prints m/u per field and level, `SHOW_MISSES=1` lists
//! missed pairs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use std::collections::HashMap;

use rapport_identity::*;

#[path = "common/synthetic.rs"]
mod synthetic;

fn main() {
    let customers: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50_000);
    let g = synthetic::bank(customers);
    let (mut records, mut truth) = (Vec::new(), Vec::new());
    for batch in g.batches() {
        for r in batch.source_records {
            let (record, person) = synthetic::engine_input(r);
            records.push(record);
            truth.push(person);
        }
    }
    let settings = Settings::default();
    let (resolution, times) = resolve_timed(&records, &settings);
    let Resolution {
        cluster_of,
        pairs: scored,
        model,
    } = resolution;

    // Pairwise figures.
    let mut by_cluster: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut by_truth: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, (&c, &t)) in cluster_of.iter().zip(&truth).enumerate() {
        by_cluster.entry(c).or_default().push(i);
        by_truth.entry(t).or_default().push(i);
    }
    fn pairs_in<K>(groups: &HashMap<K, Vec<usize>>) -> usize {
        groups.values().map(|g| g.len() * (g.len() - 1) / 2).sum()
    }
    let mut tp = 0usize;
    for g in by_cluster.values() {
        let mut per_truth: HashMap<i64, usize> = HashMap::new();
        for &i in g {
            *per_truth.entry(truth[i]).or_default() += 1;
        }
        tp += per_truth.values().map(|n| n * (n - 1) / 2).sum::<usize>();
    }
    let precision = tp as f64 / pairs_in(&by_cluster).max(1) as f64;
    let recall = tp as f64 / pairs_in(&by_truth).max(1) as f64;
    let f1 = 2.0 * precision * recall / (precision + recall);
    // B-cubed.
    let (mut bp, mut br) = (0.0, 0.0);
    for i in 0..records.len() {
        let c = &by_cluster[&cluster_of[i]];
        let t = &by_truth[&truth[i]];
        let both = c.iter().filter(|&&j| truth[j] == truth[i]).count() as f64;
        bp += both / c.len() as f64;
        br += both / t.len() as f64;
    }
    let n = records.len() as f64;
    let (bp, br) = (bp / n, br / n);
    let b3 = 2.0 * bp * br / (bp + br);
    let exact = by_truth
        .values()
        .filter(|members| {
            let c = cluster_of[members[0]];
            members.iter().all(|&i| cluster_of[i] == c) && by_cluster[&c].len() == members.len()
        })
        .count() as f64
        / by_truth.len() as f64;
    if std::env::var("SHOW_MODEL").is_ok() {
        println!("prior {:.4}", model.prior);
        for (f, field) in FIELDS.iter().enumerate() {
            let w: Vec<String> = (0..field.levels())
                .map(|l| format!("{:.3}/{:.5}", model.m[f][l], model.u[f][l]))
                .collect();
            println!("{:>12}: {}", field.as_str(), w.join("  "));
        }
    }
    if std::env::var("SHOW_MISSES").is_ok() {
        // Same person, different clusters: what did the pair look like (if it was scored at or
        // above the review threshold)?
        let index: HashMap<(usize, usize), &PairScore> =
            scored.iter().map(|p| ((p.a, p.b), p)).collect();
        let mut shown = 0;
        // Missed pairs below the review threshold or never compared, and the others by
        // probability decile.
        let (mut uncompared, mut by_decile) = (0usize, [0usize; 10]);
        for members in by_truth.values() {
            for (x, &a) in members.iter().enumerate() {
                for &b in &members[x + 1..] {
                    if cluster_of[a] != cluster_of[b] {
                        match index.get(&(a.min(b), a.max(b))) {
                            None => uncompared += 1,
                            Some(p) => by_decile[((p.probability * 10.0) as usize).min(9)] += 1,
                        }
                    }
                    if cluster_of[a] != cluster_of[b] && shown < 25 {
                        shown += 1;
                        let p = index.get(&(a.min(b), a.max(b)));
                        println!(
                            "MISS {} | {} :: {:?}",
                            records[a].name,
                            records[b].name,
                            p.map(|p| (
                                p.probability,
                                p.explanation.iter().map(|e| (e.0, e.1)).collect::<Vec<_>>()
                            ))
                        );
                        println!(
                            "   a={:?} {:?} {:?} {:?}\n   b={:?} {:?} {:?} {:?}",
                            records[a].resident_id,
                            records[a].mobile,
                            records[a].birth_date,
                            records[a].address,
                            records[b].resident_id,
                            records[b].mobile,
                            records[b].birth_date,
                            records[b].address
                        );
                    }
                }
            }
        }
        println!(
            "missed pairs: {uncompared} below the review threshold or never compared; the others, by probability decile: {by_decile:?}"
        );
    }
    println!(
        "{} source records of {} persons, {} candidate pairs",
        records.len(),
        by_truth.len(),
        times.candidate_pairs
    );
    println!("pairwise precision {precision:.4}  recall {recall:.4}  F1 {f1:.4}");
    println!(
        "B-cubed precision {bp:.4}  recall {br:.4}  F1 {b3:.4};  persons recovered exactly {exact:.4}"
    );
    let secs = |d: std::time::Duration| d.as_secs_f64();
    let total =
        times.standardise + times.block + times.compare + times.train + times.score_and_cluster;
    println!(
        "time: standardise {:.2}s  block {:.2}s  compare {:.2}s  train {:.2}s  score+cluster {:.2}s  total {:.2}s",
        secs(times.standardise),
        secs(times.block),
        secs(times.compare),
        secs(times.train),
        secs(times.score_and_cluster),
        secs(total)
    );
}
