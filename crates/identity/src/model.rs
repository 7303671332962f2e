//! Fellegi–Sunter match weights: u estimated from random record pairs (almost all of which are
//! different people), m estimated by expectation–maximisation on the candidate pairs. No
//! hand-set weights.
use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::compare::{Comparison, FIELDS, NAME_COMPATIBLE, compare};
use crate::standardise::{IdNumber, Standardised};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// A pair at or above this match probability is merged.
    pub match_threshold: f64,
    /// Pairs between this and the match threshold go to data-steward review.
    pub review_threshold: f64,
    /// Blocks larger than this are not paired.
    pub max_block: usize,
    /// Random pairs drawn to estimate u.
    pub u_samples: usize,
    pub em_iterations: usize,
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            match_threshold: 0.9,
            review_threshold: 0.3,
            max_block: 60,
            u_samples: 200_000,
            em_iterations: 40,
            seed: 7,
        }
    }
}

/// A trained model; serialisable so a server can keep the one it trained and score new
/// records with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// P(level | same person), per field and level.
    pub m: Vec<Vec<f64>>,
    /// P(level | different people), per field and level.
    pub u: Vec<Vec<f64>>,
    /// Chance that two records drawn at random are the same person.
    pub prior: f64,
}

/// A scored pair with the reason for its score.
#[derive(Debug, Clone, PartialEq)]
pub struct PairScore {
    pub a: usize,
    pub b: usize,
    pub probability: f64,
    /// Sum of the field weights, in bits.
    pub weight: f64,
    /// (field, agreement level, weight in bits); missing fields weigh nothing.
    pub explanation: Vec<(&'static str, Option<u8>, f64)>,
    /// A deterministic rule that decided the pair, if one did.
    pub rule: Option<&'static str>,
}

fn normalise(counts: &[f64], smoothing: f64) -> Vec<f64> {
    let total: f64 = counts.iter().sum::<f64>() + smoothing * counts.len() as f64;
    counts.iter().map(|c| (c + smoothing) / total).collect()
}

impl Model {
    pub fn train(records: &[Standardised], candidates: &[Comparison], s: &Settings) -> Self {
        // u: random pairs.
        let mut rng = ChaCha8Rng::seed_from_u64(s.seed);
        let mut u_counts: Vec<Vec<f64>> = FIELDS.iter().map(|f| vec![0.0; f.levels()]).collect();
        if records.len() > 1 {
            for _ in 0..s.u_samples {
                let a = rng.random_range(0..records.len());
                let b = rng.random_range(0..records.len());
                if a == b {
                    continue;
                }
                for (f, level) in compare(&records[a], &records[b]).iter().enumerate() {
                    if let Some(l) = level {
                        u_counts[f][*l as usize] += 1.0;
                    }
                }
            }
        }
        let u: Vec<Vec<f64>> = u_counts.iter().map(|c| normalise(c, 1.0)).collect();

        // m: EM over the distinct comparison vectors of the candidates, weighted by count.
        let mut patterns: HashMap<Comparison, f64> = HashMap::new();
        for c in candidates {
            *patterns.entry(*c).or_default() += 1.0;
        }
        let mut m: Vec<Vec<f64>> = FIELDS
            .iter()
            .map(|f| {
                let raw: Vec<f64> = (0..f.levels()).map(|l| ((l + 1) as f64).powi(3)).collect();
                normalise(&raw, 0.0)
            })
            .collect();
        // The candidates' non-matches are not random pairs: they share a blocking key, so
        // they agree more often than random pairs do. EM estimates their distribution too
        // (starting from the random u) and uses it only here; scoring uses the random u with
        // the prior over all pairs, so the evidence of sharing a key is counted once.
        let mut u_candidates = u.clone();
        let mut candidate_prior = 0.2_f64;
        let mut total = 0.0;
        for _ in 0..s.em_iterations {
            let mut m_counts: Vec<Vec<f64>> =
                FIELDS.iter().map(|f| vec![0.0; f.levels()]).collect();
            let mut u_counts = m_counts.clone();
            let mut matched = 0.0;
            total = 0.0;
            for (pattern, count) in &patterns {
                let g = posterior(candidate_prior, &m, &u_candidates, pattern);
                matched += g * count;
                total += count;
                for (f, level) in pattern.iter().enumerate() {
                    if let Some(l) = level {
                        m_counts[f][*l as usize] += g * count;
                        u_counts[f][*l as usize] += (1.0 - g) * count;
                    }
                }
            }
            if total == 0.0 {
                break;
            }
            m = m_counts.iter().map(|c| normalise(c, 0.01)).collect();
            u_candidates = u_counts.iter().map(|c| normalise(c, 0.01)).collect();
            candidate_prior = (matched / total).clamp(1e-6, 1.0 - 1e-6);
        }
        // Matches outside the candidates are assumed few: the expected matches among the
        // candidates over all pairs is the chance that two records are one person.
        let n = records.len() as f64;
        let all_pairs = (n * (n - 1.0) / 2.0).max(1.0);
        let prior = (candidate_prior * total / all_pairs).clamp(1e-12, 0.5);
        Self { m, u, prior }
    }

    pub fn score(
        &self,
        a: usize,
        b: usize,
        c: &Comparison,
        x: &Standardised,
        y: &Standardised,
    ) -> PairScore {
        let explanation: Vec<(&'static str, Option<u8>, f64)> = FIELDS
            .iter()
            .zip(c)
            .enumerate()
            .map(|(f, (field, level))| {
                let w = level.map_or(0.0, |l| {
                    (self.m[f][l as usize] / self.u[f][l as usize]).log2()
                });
                (field.as_str(), *level, w)
            })
            .collect();
        let weight: f64 = explanation.iter().map(|e| e.2).sum();
        let mut probability = posterior(self.prior, &self.m, &self.u, c);
        let mut rule = None;
        if let (Some(IdNumber::Valid(p)), Some(IdNumber::Valid(q))) = (&x.id, &y.id) {
            if p != q {
                probability = 0.0;
                rule = Some("two different valid resident IDs");
            } else if c[0].is_none_or(|name| name >= NAME_COMPATIBLE) {
                probability = 1.0;
                rule = Some("same valid resident ID and a compatible name");
            }
        }
        PairScore {
            a,
            b,
            probability,
            weight,
            explanation,
            rule,
        }
    }
}

fn posterior(prior: f64, m: &[Vec<f64>], u: &[Vec<f64>], c: &Comparison) -> f64 {
    let mut logit = (prior / (1.0 - prior)).ln();
    for (f, level) in c.iter().enumerate() {
        if let Some(l) = level {
            logit += (m[f][*l as usize] / u[f][*l as usize]).ln();
        }
    }
    1.0 / (1.0 + (-logit).exp())
}
