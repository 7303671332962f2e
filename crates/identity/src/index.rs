//! Real-time matching: one new or changed record against every resolved record, with the
//! blocking keys, comparators, trained model and rules that `resolve` uses, in milliseconds.
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::block::{MAX_NAME_BLOCK, keys, name_key, weak};
use crate::compare::compare;
use crate::model::{Model, PairScore, Settings};
use crate::standardise::{SourceCustomer, Standardised, standardise};

/// What the score of the best candidate means under the settings' thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// At or above the match threshold: the same party.
    Match,
    /// Between the review and match thresholds: for a data steward.
    Review,
}

/// A party the query record may belong to, through its best-scoring record.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// The index record (slot returned by `insert`) that scored best for this party.
    pub record: usize,
    pub party: i64,
    pub decision: Decision,
    /// The pair (query, record) scored; `a` is `usize::MAX` (the query), `b` the record.
    pub score: PairScore,
}

/// Resolved records by blocking key, for matching one record at a time. `Send + Sync`, no
/// I/O, deterministic: the same index and query give the same answer.
#[derive(Debug, Clone)]
pub struct MatchIndex {
    model: Model,
    settings: Settings,
    records: Vec<Option<(Standardised, i64)>>,
    /// Hashed blocking key → slots. A hash collision only adds a candidate, which is then
    /// scored like any other.
    blocks: HashMap<u64, Vec<usize>>,
    /// Hashed name block → slots: weak records meet every record of their name here, as in
    /// `candidate_pairs`.
    names: HashMap<u64, Vec<usize>>,
    live: usize,
}

/// The query's own position in the scored pair.
const QUERY: usize = usize::MAX;

fn hashed(key: &str) -> u64 {
    // SipHash with fixed keys: the same hash in every process, so answers are reproducible.
    let mut h = DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

impl MatchIndex {
    pub fn new(model: Model, settings: Settings) -> Self {
        Self {
            model,
            settings,
            records: Vec::new(),
            blocks: HashMap::new(),
            names: HashMap::new(),
            live: 0,
        }
    }

    /// An index over resolved records: `parties[i]` is the party of `records[i]` (for example
    /// the cluster from [`crate::resolve`]); record `i` gets slot `i`.
    pub fn build(
        records: Vec<Standardised>,
        parties: &[i64],
        model: Model,
        settings: Settings,
    ) -> Self {
        let mut index = Self::new(model, settings);
        index.records.reserve(records.len());
        for (r, &p) in records.into_iter().zip(parties) {
            index.insert(r, p);
        }
        index
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Records currently in the index.
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Adds a record of a party; returns its slot.
    pub fn insert(&mut self, record: Standardised, party: i64) -> usize {
        let slot = self.records.len();
        for k in keys(&record) {
            let members = self.blocks.entry(hashed(&k)).or_default();
            // A record can yield one key twice (two spellings); list it once.
            if members.last() != Some(&slot) {
                members.push(slot);
            }
        }
        if let Some(k) = name_key(&record) {
            self.names.entry(hashed(&k)).or_default().push(slot);
        }
        self.records.push(Some((record, party)));
        self.live += 1;
        slot
    }

    /// Removes the record in `slot`; false if there was none. Slots are not reused.
    pub fn remove(&mut self, slot: usize) -> bool {
        let Some((record, _)) = self.records.get_mut(slot).and_then(Option::take) else {
            return false;
        };
        for k in keys(&record) {
            let h = hashed(&k);
            if let Some(members) = self.blocks.get_mut(&h) {
                members.retain(|&s| s != slot);
                if members.is_empty() {
                    self.blocks.remove(&h);
                }
            }
        }
        if let Some(k) = name_key(&record) {
            let h = hashed(&k);
            if let Some(members) = self.names.get_mut(&h) {
                members.retain(|&s| s != slot);
                if members.is_empty() {
                    self.names.remove(&h);
                }
            }
        }
        self.live -= 1;
        true
    }

    /// The record in `slot` and its party.
    pub fn get(&self, slot: usize) -> Option<(&Standardised, i64)> {
        self.records
            .get(slot)?
            .as_ref()
            .map(|(record, party)| (record, *party))
    }

    /// Slots sharing a blocking key with the query, ascending. Keys shared by more than
    /// `max_block` records identify nobody and are skipped, as in `resolve`.
    pub fn candidates(&self, query: &Standardised) -> Vec<usize> {
        let mut out: Vec<usize> = keys(query)
            .iter()
            .filter_map(|k| self.blocks.get(&hashed(k)))
            .filter(|members| members.len() < self.settings.max_block)
            .flatten()
            .copied()
            .collect();
        let query_weak = weak(query);
        if let Some(members) = name_key(query)
            .and_then(|k| self.names.get(&hashed(&k)))
            .filter(|members| members.len() < MAX_NAME_BLOCK.min(self.settings.max_block))
        {
            out.extend(members.iter().copied().filter(|&slot| {
                query_weak || self.get(slot).is_some_and(|(record, _)| weak(record))
            }));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Up to `k` parties at or above the review threshold, best first (probability, then
    /// weight, then slot), each through its best-scoring record.
    pub fn top(&self, query: &Standardised, k: usize) -> Vec<Match> {
        let mut best: HashMap<i64, Match> = HashMap::new();
        for slot in self.candidates(query) {
            let Some((record, party)) = self.get(slot) else {
                continue;
            };
            let score = self
                .model
                .score(QUERY, slot, &compare(query, record), query, record);
            if score.probability < self.settings.review_threshold {
                continue;
            }
            let better = best
                .get(&party)
                .is_none_or(|m| ranks_before(&score, &m.score));
            if better {
                let decision = if score.probability >= self.settings.match_threshold {
                    Decision::Match
                } else {
                    Decision::Review
                };
                best.insert(
                    party,
                    Match {
                        record: slot,
                        party,
                        decision,
                        score,
                    },
                );
            }
        }
        let mut ranked: Vec<Match> = best.into_values().collect();
        ranked.sort_by(|x, y| {
            if ranks_before(&x.score, &y.score) {
                std::cmp::Ordering::Less
            } else {
                std::cmp::Ordering::Greater
            }
        });
        ranked.truncate(k);
        ranked
    }

    /// The best party for the query: a `Match` at or above the match threshold, a `Review`
    /// in the grey zone, `None` below the review threshold.
    pub fn best_match(&self, query: &Standardised) -> Option<Match> {
        self.top(query, 1).into_iter().next()
    }

    /// [`Self::best_match`] for a record as its source holds it.
    pub fn best_match_source(&self, query: &SourceCustomer) -> Option<Match> {
        self.best_match(&standardise(query))
    }
}

/// A total order on scores: probability, then weight, descending; then the record slot.
fn ranks_before(x: &PairScore, y: &PairScore) -> bool {
    y.probability
        .total_cmp(&x.probability)
        .then(y.weight.total_cmp(&x.weight))
        .then(x.b.cmp(&y.b))
        .is_lt()
}
