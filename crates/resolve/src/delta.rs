//! Delta resolution (R2.6): after a delta load only the records it touched (new, changed or
//! closed — `needs_resolution`) are matched again, through the blocking index over every record
//! and with the model the last full run trained. The persons they meet are clustered again as a
//! whole — every record of every party in the connected part of the match graph — so the result
//! is the one a full run would give for them, and nothing outside is written.
use std::collections::{HashMap, HashSet};
use std::time::Instant;

use rapport_domain::PartyId;
use rapport_identity::{
    MatchIndex, Model, PairScore, Settings, Standardised, compare, standardise,
};
use rapport_store::identity::ResolutionRecord;

use crate::{
    Input, MODEL_META_KEY, Mode, ResolveError, ResolveReport, Run, Stage, apart_in,
    cluster_records, engine_input, review_candidate, write_persons,
};

/// Above this share of touched records a full run is cheaper and trains the model afresh.
const DELTA_MAX_SHARE: f64 = 0.2;

impl Run<'_> {
    /// The model the last full run saved, when a delta run is the better choice: something was
    /// resolved before and at most a fifth of the records were touched. `None`: run in full.
    pub(crate) async fn model_for_delta(
        self,
        records: &[ResolutionRecord],
    ) -> Result<Option<Model>, ResolveError> {
        let pending = records.iter().filter(|r| r.needs_resolution).count();
        let resolved_before = records.iter().any(|r| r.party_id.is_some());
        if !resolved_before || (pending as f64) > DELTA_MAX_SHARE * records.len() as f64 {
            return Ok(None);
        }
        Ok(match self.store.meta(MODEL_META_KEY).await? {
            Some(json) => serde_json::from_str::<Model>(&json).ok(),
            None => None,
        })
    }

    /// What changed since the last run: the touched records and the persons they meet, with the
    /// saved model.
    pub(crate) async fn pending(
        self,
        input: Input,
        model: Model,
        progress: &mut (dyn FnMut(Stage, u64, u64) + Send),
    ) -> Result<ResolveReport, ResolveError> {
        let (store, options, author) = (self.store, self.options, self.author);
        let (records, decisions, mut timings) = (input.records, input.decisions, input.timings);
        let pending = records.iter().filter(|r| r.needs_resolution).count();
        let started = Instant::now();
        progress(Stage::Matching, 0, pending as u64);
        let settings = options.settings.clone();
        let (records, found) = tokio::task::spawn_blocking(move || {
            let found = neighbourhood(&records, model, settings);
            (records, found)
        })
        .await
        .map_err(|e| ResolveError::Engine(e.to_string()))?;
        let members: Vec<ResolutionRecord> = found
            .members
            .iter()
            .filter_map(|&i| records.get(i).cloned())
            .collect();
        let local: HashMap<usize, usize> = found
            .members
            .iter()
            .enumerate()
            .map(|(l, &g)| (g, l))
            .collect();
        let inside: Vec<PairScore> = found
            .pairs
            .iter()
            .filter_map(|p| {
                let (a, b) = (*local.get(&p.a)?, *local.get(&p.b)?);
                Some(PairScore { a, b, ..p.clone() })
            })
            .collect();
        let cluster_of = cluster_records(&members, &inside, &decisions, &options.settings);
        let threshold = options.settings.match_threshold;
        let mut reviews: Vec<_> = inside
            .iter()
            .filter(|p| p.probability < threshold && apart_in(&cluster_of, p))
            .filter_map(|p| review_candidate(&members, p))
            .collect();
        // Pairs reaching outside: the other record's person was not touched, so they stay apart.
        reviews.extend(
            found
                .pairs
                .iter()
                .filter(|p| p.probability < threshold)
                .filter(|p| local.contains_key(&p.a) != local.contains_key(&p.b))
                .filter_map(|p| review_candidate(&records, p)),
        );
        timings.push(("match", started.elapsed().as_secs_f64()));

        let started = Instant::now();
        let (persons, applied) =
            write_persons(store, &members, &cluster_of, options, author, progress).await?;
        timings.push(("write", started.elapsed().as_secs_f64()));

        let touched: Vec<i64> = members.iter().map(|r| r.id).collect();
        let pending_reviews = self
            .replace_reviews(&reviews, Some(&touched), &mut timings, progress)
            .await?;
        Ok(ResolveReport {
            mode: Mode::Delta,
            records: records.len(),
            matched: members.len(),
            persons,
            applied,
            pending_reviews,
            timings,
        })
    }
}

/// The records to cluster again and every scored pair (indexes into the records, at or above
/// the review threshold) with at least one of them in it.
struct Neighbourhood {
    members: Vec<usize>,
    pairs: Vec<PairScore>,
}

/// Grows the set from the touched records along matched pairs, taking in whole parties, until
/// nothing more joins: the part of the match graph a full run would cluster them with.
fn neighbourhood(records: &[ResolutionRecord], model: Model, settings: Settings) -> Neighbourhood {
    let standardised: Vec<Standardised> = records
        .iter()
        .map(|r| standardise(&engine_input(r)))
        .collect();
    let party_of: Vec<i64> = records
        .iter()
        .map(|r| r.party_id.map_or(-1, |p| p.0))
        .collect();
    let mut by_party: HashMap<PartyId, Vec<usize>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        if let Some(p) = r.party_id {
            by_party.entry(p).or_default().push(i);
        }
    }
    let index = MatchIndex::build(standardised, &party_of, model, settings.clone());
    let mut inside = vec![false; records.len()];
    let mut parties: HashSet<PartyId> = HashSet::new();
    let mut work: Vec<usize> = Vec::new();
    let mut admit = |i: usize, inside: &mut Vec<bool>, work: &mut Vec<usize>| {
        let whole = match records.get(i).and_then(|r| r.party_id) {
            Some(p) if parties.insert(p) => by_party.get(&p).cloned().unwrap_or_default(),
            Some(_) => Vec::new(),
            None => vec![i],
        };
        for j in whole.into_iter().chain([i]) {
            if let Some(seen) = inside.get_mut(j)
                && !*seen
            {
                *seen = true;
                work.push(j);
            }
        }
    };
    for (i, r) in records.iter().enumerate() {
        if r.needs_resolution {
            admit(i, &mut inside, &mut work);
        }
    }
    let mut scored: HashSet<(usize, usize)> = HashSet::new();
    let mut pairs = Vec::new();
    while let Some(i) = work.pop() {
        let Some((query, _)) = index.get(i) else {
            continue;
        };
        for slot in index.candidates(query) {
            let (a, b) = (i.min(slot), i.max(slot));
            if a == b || !scored.insert((a, b)) {
                continue;
            }
            let (Some((x, _)), Some((y, _))) = (index.get(a), index.get(b)) else {
                continue;
            };
            let score = index.model().score(a, b, &compare(x, y), x, y);
            if score.probability < settings.review_threshold {
                continue;
            }
            if score.probability >= settings.match_threshold && inside.get(slot) == Some(&false) {
                admit(slot, &mut inside, &mut work);
            }
            pairs.push(score);
        }
    }
    Neighbourhood {
        members: inside
            .iter()
            .enumerate()
            .filter(|&(_, &is_inside)| is_inside)
            .map(|(i, _)| i)
            .collect(),
        pairs,
    }
}
