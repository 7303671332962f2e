//! Quality and speed of the engine on the synthetic bank's extracts, stage by stage (Rapport
//! alone; `bench/identity-quality.sh` measures it against Splink on FEBRL and these extracts).
//!
//!     cargo run --release -p rapport-identity --example quality -- 50000
//!
//! Prints pairwise precision/recall/F1, B-cubed F1, the share of persons recovered exactly,
//! and per-stage timings; `SHOW_MODEL=1` prints m/u per field and level, `SHOW_MISSES=1` lists
//! missed pairs.
// The measures index the clusters and the truth by record.
#![allow(clippy::indexing_slicing)]

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
    let (records, truth): (Vec<_>, Vec<_>) = synthetic::labelled_records(&g).unzip();
    let settings = Settings::default();
    let (resolution, times) = resolve_timed(&records, &settings);
    let Resolution {
        cluster_of,
        pairs: scored,
        model,
    } = resolution;

    let groups = Groups::new(&cluster_of, &truth);
    let (precision, recall, f1) = groups.pairwise(&truth);
    let (bp, br, b3) = groups.b_cubed(&cluster_of, &truth);
    let exact = groups.recovered_exactly(&cluster_of);
    if std::env::var("SHOW_MODEL").is_ok() {
        show_model(&model);
    }
    if std::env::var("SHOW_MISSES").is_ok() {
        show_misses(&records, &scored, &cluster_of, &groups.by_truth);
    }
    println!(
        "{} source records of {} persons, {} candidate pairs",
        records.len(),
        groups.by_truth.len(),
        times.candidate_pairs
    );
    println!("pairwise precision {precision:.4}  recall {recall:.4}  F1 {f1:.4}");
    println!(
        "B-cubed precision {bp:.4}  recall {br:.4}  F1 {b3:.4};  persons recovered exactly {exact:.4}"
    );
    show_times(&times);
}

/// The records (by index) of each cluster the engine found and of each true person.
struct Groups {
    by_cluster: HashMap<usize, Vec<usize>>,
    by_truth: HashMap<i64, Vec<usize>>,
}

impl Groups {
    fn new(cluster_of: &[usize], truth: &[i64]) -> Groups {
        let mut by_cluster: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut by_truth: HashMap<i64, Vec<usize>> = HashMap::new();
        for (i, (&c, &t)) in cluster_of.iter().zip(truth).enumerate() {
            by_cluster.entry(c).or_default().push(i);
            by_truth.entry(t).or_default().push(i);
        }
        Groups {
            by_cluster,
            by_truth,
        }
    }

    /// Pairwise precision, recall and F1.
    fn pairwise(&self, truth: &[i64]) -> (f64, f64, f64) {
        fn pairs_in<K>(groups: &HashMap<K, Vec<usize>>) -> usize {
            groups.values().map(|g| g.len() * (g.len() - 1) / 2).sum()
        }
        let mut tp = 0usize;
        for g in self.by_cluster.values() {
            let mut per_truth: HashMap<i64, usize> = HashMap::new();
            for &i in g {
                *per_truth.entry(truth[i]).or_default() += 1;
            }
            tp += per_truth.values().map(|n| n * (n - 1) / 2).sum::<usize>();
        }
        let precision = tp as f64 / pairs_in(&self.by_cluster).max(1) as f64;
        let recall = tp as f64 / pairs_in(&self.by_truth).max(1) as f64;
        let f1 = 2.0 * precision * recall / (precision + recall);
        (precision, recall, f1)
    }

    /// B-cubed precision, recall and F1.
    fn b_cubed(&self, cluster_of: &[usize], truth: &[i64]) -> (f64, f64, f64) {
        let (mut bp, mut br) = (0.0, 0.0);
        for i in 0..cluster_of.len() {
            let c = &self.by_cluster[&cluster_of[i]];
            let t = &self.by_truth[&truth[i]];
            let both = c.iter().filter(|&&j| truth[j] == truth[i]).count() as f64;
            bp += both / c.len() as f64;
            br += both / t.len() as f64;
        }
        let n = cluster_of.len() as f64;
        let (bp, br) = (bp / n, br / n);
        (bp, br, 2.0 * bp * br / (bp + br))
    }

    /// The share of persons whose records form exactly one cluster.
    fn recovered_exactly(&self, cluster_of: &[usize]) -> f64 {
        self.by_truth
            .values()
            .filter(|members| {
                let c = cluster_of[members[0]];
                members.iter().all(|&i| cluster_of[i] == c)
                    && self.by_cluster[&c].len() == members.len()
            })
            .count() as f64
            / self.by_truth.len() as f64
    }
}

/// m/u per field and level.
fn show_model(model: &Model) {
    println!("prior {:.4}", model.prior);
    for (f, field) in FIELDS.iter().enumerate() {
        let w: Vec<String> = (0..field.levels())
            .map(|l| format!("{:.3}/{:.5}", model.m[f][l], model.u[f][l]))
            .collect();
        println!("{:>12}: {}", field.as_str(), w.join("  "));
    }
}

/// Same person, different clusters: what did the pair look like (if it was scored at or
/// above the review threshold)? The first 25 in full, then the missed pairs below the review
/// threshold or never compared, and the others by probability decile.
fn show_misses(
    records: &[SourceCustomer],
    scored: &[PairScore],
    cluster_of: &[usize],
    by_truth: &HashMap<i64, Vec<usize>>,
) {
    let index: HashMap<(usize, usize), &PairScore> =
        scored.iter().map(|p| ((p.a, p.b), p)).collect();
    let mut shown = 0;
    let (mut uncompared, mut by_decile) = (0usize, [0usize; 10]);
    for members in by_truth.values() {
        for (x, &a) in members.iter().enumerate() {
            for &b in &members[x + 1..] {
                if cluster_of[a] == cluster_of[b] {
                    continue;
                }
                let p = index.get(&(a.min(b), a.max(b)));
                match p {
                    None => uncompared += 1,
                    Some(p) => by_decile[((p.probability * 10.0) as usize).min(9)] += 1,
                }
                if shown < 25 {
                    shown += 1;
                    show_miss(&records[a], &records[b], p.copied());
                }
            }
        }
    }
    println!(
        "missed pairs: {uncompared} below the review threshold or never compared; the others, by probability decile: {by_decile:?}"
    );
}

fn show_miss(a: &SourceCustomer, b: &SourceCustomer, p: Option<&PairScore>) {
    println!(
        "MISS {} | {} :: {:?}",
        a.name,
        b.name,
        p.map(|p| (
            p.probability,
            p.explanation.iter().map(|e| (e.0, e.1)).collect::<Vec<_>>()
        ))
    );
    println!(
        "   a={:?} {:?} {:?} {:?}\n   b={:?} {:?} {:?} {:?}",
        a.resident_id,
        a.mobile,
        a.birth_date,
        a.address,
        b.resident_id,
        b.mobile,
        b.birth_date,
        b.address
    );
}

fn show_times(times: &StageTimes) {
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
