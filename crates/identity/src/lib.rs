//! Identity resolution (R2.3): the same person found across source systems despite typos,
//! homophones, pinyin names, missing or changed phones, old 15-digit IDs and abbreviated
//! addresses — and different people with common names, or family members sharing a phone and
//! an address, kept apart.
//!
//! standardise → block → compare → weigh (Fellegi–Sunter: u by random sampling, m by EM) →
//! deterministic rules → cluster (union-find that never joins two different valid resident
//! IDs) → explain (a weight per field for every pair). [`MatchIndex`] then matches one record
//! at a time against the resolved set with the same keys, model and rules.

use std::time::{Duration, Instant};

mod block;
mod cluster;
mod compare;
mod index;
mod model;
mod standardise;

pub use block::candidate_pairs;
pub use cluster::{Decisions, cluster, cluster_with_decisions};
pub use compare::{Comparison, FIELDS, Field, NAME_COMPATIBLE, compare};
pub use index::{Decision, Match, MatchIndex};
pub use model::{Model, NameFrequencies, PairScore, Settings};
pub use standardise::{IdNumber, SourceCustomer, Standardised, standardise, to_simplified};

/// One source record's place in the result.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// For each input record, the index of its cluster (clusters are numbered by their
    /// smallest record index, so the numbering does not depend on input order of pairs).
    pub cluster_of: Vec<usize>,
    /// Every scored candidate pair at or above the review threshold, with its explanation.
    pub pairs: Vec<PairScore>,
    pub model: Model,
}

/// Resolves a set of source records into persons.
pub fn resolve(records: &[SourceCustomer], settings: &Settings) -> Resolution {
    resolve_timed(records, settings).0
}

/// How long each stage of [`resolve`] took, and how many candidate pairs blocking found.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StageTimes {
    pub standardise: Duration,
    pub block: Duration,
    pub compare: Duration,
    pub train: Duration,
    pub score_and_cluster: Duration,
    pub candidate_pairs: usize,
}

/// [`resolve`], timed stage by stage (the quality and speed benchmarks).
pub fn resolve_timed(records: &[SourceCustomer], settings: &Settings) -> (Resolution, StageTimes) {
    let mut clock = Instant::now();
    let mut lap = || {
        let now = Instant::now();
        let took = now - clock;
        clock = now;
        took
    };
    let std: Vec<Standardised> = records.iter().map(standardise).collect();
    let standardise = lap();
    let pairs = candidate_pairs(&std, settings.max_block);
    let block = lap();
    let comparisons: Vec<Comparison> = pairs
        .iter()
        .filter_map(|&(a, b)| Some(compare(std.get(a)?, std.get(b)?)))
        .collect();
    let compare = lap();
    let model = Model::train(&std, &comparisons, settings);
    let train = lap();
    let scored: Vec<PairScore> = pairs
        .iter()
        .zip(&comparisons)
        .filter_map(|(&(a, b), c)| Some(model.score(a, b, c, std.get(a)?, std.get(b)?)))
        .collect();
    let matched: Vec<&PairScore> = scored
        .iter()
        .filter(|p| p.probability >= settings.match_threshold)
        .collect();
    let cluster_of = cluster(&std, &matched);
    let times = StageTimes {
        standardise,
        block,
        compare,
        train,
        score_and_cluster: lap(),
        candidate_pairs: pairs.len(),
    };
    let pairs = scored
        .into_iter()
        .filter(|p| p.probability >= settings.review_threshold)
        .collect();
    let resolution = Resolution {
        cluster_of,
        pairs,
        model,
    };
    (resolution, times)
}
