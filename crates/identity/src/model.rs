//! Fellegi–Sunter match weights: u estimated from random record pairs (almost all of which are
//! different people), m estimated by expectation–maximisation on the candidate pairs. No
//! hand-set weights.
use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::compare::{Comparison, FIELDS, NAME_COMPATIBLE, compare};
use crate::standardise::{IdNumber, Standardised};

/// The name's position in [`FIELDS`].
const NAME: usize = 0;

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
    /// How common each part of a name is, for the weight of two names written alike.
    #[serde(default)]
    pub names: NameFrequencies,
}

/// Term-frequency adjustment of the name (Winkler; Splink's term-frequency adjustments): two
/// records named 张伟 say little, two named 隋鸿凝 say much. The chance that another person
/// bears a name is estimated as the product of its parts' frequencies (surname and given name,
/// or each word of a latin name), not from the count of the whole name, which for a rare name
/// is mostly its own person's records.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NameFrequencies {
    counts: HashMap<String, u32>,
    records: u64,
}

/// The most a name may weigh: as if another person bore it with this chance per record. Keeps
/// a name the data has never seen twice from outweighing every disagreement.
const RAREST_NAME: f64 = 1e-9;

impl NameFrequencies {
    pub fn count(records: &[Standardised]) -> Self {
        let mut counts: HashMap<String, u32> = HashMap::new();
        for r in records {
            let mut parts = name_parts(r);
            parts.sort_unstable();
            parts.dedup();
            for p in parts {
                *counts.entry(p).or_default() += 1;
            }
        }
        Self {
            counts,
            records: records.len() as u64,
        }
    }

    /// The chance that a record of another person is written with exactly this name; `None`
    /// when the frequencies know nothing (an untrained or deserialised older model).
    pub fn same_name_u(&self, s: &Standardised) -> Option<f64> {
        if self.records == 0 {
            return None;
        }
        let n = self.records as f64;
        let parts = name_parts(s);
        if parts.is_empty() {
            return None;
        }
        let u = parts.iter().fold(1.0, |acc, p| {
            acc * f64::from(self.counts.get(p).copied().unwrap_or(1).max(1)) / n
        });
        Some(u.clamp(RAREST_NAME, 1.0))
    }
}

/// Surname and given name of a hanzi name; the words of a latin one.
fn name_parts(s: &Standardised) -> Vec<String> {
    match &s.hanzi {
        Some(h) => {
            let mut chars = h.chars();
            let surname: String = chars.by_ref().take(1).collect();
            let given: String = chars.collect();
            let mut out = vec![format!("s:{surname}")];
            if !given.is_empty() {
                out.push(format!("g:{given}"));
            }
            out
        }
        None => s.name_words.iter().map(|w| format!("w:{w}")).collect(),
    }
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
                let (Some(x), Some(y)) = (records.get(a), records.get(b)) else {
                    continue;
                };
                for (row, level) in u_counts.iter_mut().zip(compare(x, y)) {
                    if let Some(cell) = level.and_then(|l| row.get_mut(usize::from(l))) {
                        *cell += 1.0;
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
                for ((m_row, u_row), level) in m_counts.iter_mut().zip(&mut u_counts).zip(pattern) {
                    let Some(l) = level.map(usize::from) else {
                        continue;
                    };
                    if let Some(cell) = m_row.get_mut(l) {
                        *cell += g * count;
                    }
                    if let Some(cell) = u_row.get_mut(l) {
                        *cell += (1.0 - g) * count;
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
        Self {
            m,
            u,
            prior,
            names: NameFrequencies::count(records),
        }
    }

    /// The weight in bits of one field's agreement level; an exact name weighs by how rare
    /// it is.
    fn field_weight(&self, f: usize, level: u8, x: &Standardised, y: &Standardised) -> f64 {
        let l = usize::from(level);
        // A loaded model without this field or level (saved by another version) weighs it
        // nothing, as a missing field does.
        let (Some(m_row), Some(u_row)) = (self.m.get(f), self.u.get(f)) else {
            return 0.0;
        };
        let (Some(&m), Some(&u_level)) = (m_row.get(l), u_row.get(l)) else {
            return 0.0;
        };
        // `m_row.get(l)` found a level, so `m_row` is not empty.
        let u = if f == NAME && l == m_row.len() - 1 {
            // The commoner of the two writings (`Zhang Wei` against `zhangwei`), so that the
            // score stays symmetric.
            match (self.names.same_name_u(x), self.names.same_name_u(y)) {
                (Some(p), Some(q)) => p.max(q),
                _ => u_level,
            }
        } else {
            u_level
        };
        (m / u).log2()
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
                let w = level.map_or(0.0, |l| self.field_weight(f, l, x, y));
                (field.as_str(), *level, w)
            })
            .collect();
        let weight: f64 = explanation.iter().map(|e| e.2).sum();
        let logit = (self.prior / (1.0 - self.prior)).ln() + weight * std::f64::consts::LN_2;
        let mut probability = 1.0 / (1.0 + (-logit).exp());
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
    for ((m_row, u_row), level) in m.iter().zip(u).zip(c) {
        let Some(l) = level.map(usize::from) else {
            continue;
        };
        if let (Some(m), Some(u)) = (m_row.get(l), u_row.get(l)) {
            logit += (m / u).ln();
        }
    }
    1.0 / (1.0 + (-logit).exp())
}
