//! Identity resolution against the store (R2.3–R2.5): reads every source record, runs the
//! engine (`rapport-identity`), honours the steward's decisions, builds golden records by
//! survivorship and writes only the persons that changed, in chunks of one transaction each.
//! Grey-zone pairs go to the steward's queue.

mod assign;
mod delta;
pub mod survivorship;

use std::collections::HashMap;
use std::time::Instant;

use rapport_identity::{
    Decisions, Model, PairScore, Settings, SourceCustomer, cluster_with_decisions,
};
use rapport_store::identity::{
    FieldWeight, ResolutionApplied, ResolutionRecord, ResolvedParty, ReviewCandidate,
};
use rapport_store::{ChangeAuthor, Store, StoreError};

pub use assign::{Person, assign};
pub use survivorship::{Trust, golden};

#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the matching engine stopped: {0}")]
    Engine(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResolveOptions {
    pub settings: Settings,
    pub trust: Trust,
    /// Persons written per transaction.
    pub chunk: usize,
}

impl Default for ResolveOptions {
    fn default() -> Self {
        Self {
            settings: Settings::default(),
            trust: Trust::default(),
            chunk: 2_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Reading,
    Matching,
    Writing,
    Reviews,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResolveReport {
    pub mode: Mode,
    /// Source records in the store.
    pub records: usize,
    /// Records matched again: all of them in a full run; in a delta run, the touched ones and
    /// the records of the persons they meet.
    pub matched: usize,
    /// Persons among the matched records.
    pub persons: usize,
    pub applied: ResolutionApplied,
    pub pending_reviews: u64,
    /// (stage, seconds)
    pub timings: Vec<(&'static str, f64)>,
}

/// A stored source record as the engine reads it.
pub fn engine_input(r: &ResolutionRecord) -> SourceCustomer {
    SourceCustomer {
        source_system: r.source_system.as_str().to_owned(),
        source_key: r.source_key.clone(),
        name: r.name.clone(),
        gender: r.gender.map(|g| g.as_str().to_owned()),
        birth_date: r.birth_date.map(|d| d.to_string()),
        resident_id: r.resident_id.clone(),
        mobile: r.mobile.clone(),
        address: r.address.clone(),
        email: r.email.clone(),
        ..Default::default()
    }
}

/// Where a run's persons come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every record matched again and the model trained again.
    Full,
    /// Only the records a load touched, and the persons they meet, with the saved model.
    Delta,
}

struct Matched {
    cluster_of: Vec<usize>,
    reviews: Vec<ReviewCandidate>,
    model: Model,
}

/// The key under which the last full resolution's model is kept (`Store::meta`), for delta
/// runs and the real-time match index.
pub const MODEL_META_KEY: &str = "identity.model";

/// Whether the pair's records ended in different persons.
fn apart_in(cluster_of: &[usize], p: &PairScore) -> bool {
    cluster_of.get(p.a) != cluster_of.get(p.b)
}

/// The review of a pair; `None` only for a pair whose indexes are not among `records`.
fn review_candidate(records: &[ResolutionRecord], p: &PairScore) -> Option<ReviewCandidate> {
    let (a, b) = (records.get(p.a)?.id, records.get(p.b)?.id);
    Some(ReviewCandidate {
        record_a: a.min(b),
        record_b: a.max(b),
        probability: p.probability,
        weight: p.weight,
        explanation: p
            .explanation
            .iter()
            .map(|(field, level, weight)| FieldWeight {
                field: (*field).to_owned(),
                level: *level,
                weight: *weight,
            })
            .collect(),
    })
}

/// Clusters `records` from their scored pairs (indexes into `records`) with the steward's
/// decisions; for each record, the smallest record index of its person.
fn cluster_records(
    records: &[ResolutionRecord],
    pairs: &[PairScore],
    decisions: &[(i64, i64, bool)],
    settings: &Settings,
) -> Vec<usize> {
    let index: HashMap<i64, usize> = records.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let pick = |same: bool| -> Vec<(usize, usize)> {
        decisions
            .iter()
            .filter(|d| d.2 == same)
            .filter_map(|&(a, b, _)| Some((*index.get(&a)?, *index.get(&b)?)))
            .collect()
    };
    let matched: Vec<(usize, usize, f64)> = pairs
        .iter()
        .filter(|p| p.probability >= settings.match_threshold)
        .map(|p| (p.a, p.b, p.probability))
        .collect();
    let valid_ids: Vec<Option<String>> = records
        .iter()
        .map(|r| r.resident_id.clone().filter(|_| r.resident_id_valid))
        .collect();
    let (same, different) = (pick(true), pick(false));
    cluster_with_decisions(
        &valid_ids,
        &matched,
        Decisions {
            same: &same,
            different: &different,
        },
    )
}

fn run_engine(
    records: &[ResolutionRecord],
    decisions: &[(i64, i64, bool)],
    settings: &Settings,
) -> Matched {
    let input: Vec<SourceCustomer> = records.iter().map(engine_input).collect();
    let resolution = rapport_identity::resolve(&input, settings);
    let cluster_of = cluster_records(records, &resolution.pairs, decisions, settings);
    let reviews = resolution
        .pairs
        .iter()
        .filter(|p| p.probability < settings.match_threshold && apart_in(&cluster_of, p))
        .filter_map(|p| review_candidate(records, p))
        .collect();
    Matched {
        cluster_of,
        reviews,
        model: resolution.model,
    }
}

/// Every source record (identifiers opened) and the steward's decisions.
async fn read_input(
    store: &dyn Store,
    progress: &mut (dyn FnMut(Stage, u64, u64) + Send),
) -> Result<(Vec<ResolutionRecord>, Vec<(i64, i64, bool)>), ResolveError> {
    let mut records: Vec<ResolutionRecord> = Vec::new();
    loop {
        let after = records.last().map_or(0, |r| r.id);
        let page = store.resolution_input(after, 20_000).await?;
        if page.is_empty() {
            break;
        }
        records.extend(page);
        progress(Stage::Reading, records.len() as u64, 0);
    }
    let decisions = store
        .pair_decisions()
        .await?
        .into_iter()
        .map(|d| (d.record_a, d.record_b, d.same_person))
        .collect();
    Ok((records, decisions))
}

/// Persons from `cluster_of` (indexes into `records`) to parties; writes the changed ones.
/// Returns the number of persons and what was written.
async fn write_persons(
    store: &dyn Store,
    records: &[ResolutionRecord],
    cluster_of: &[usize],
    options: &ResolveOptions,
    author: &ChangeAuthor,
    progress: &mut (dyn FnMut(Stage, u64, u64) + Send),
) -> Result<(usize, ResolutionApplied), ResolveError> {
    let persons = assign(records, cluster_of);
    let today = author.at.date_naive();
    let changed: Vec<ResolvedParty> = persons
        .iter()
        .filter(|p| !p.unchanged)
        .map(|p| {
            let members: Vec<&ResolutionRecord> =
                p.members.iter().filter_map(|&i| records.get(i)).collect();
            ResolvedParty {
                party_id: p.party,
                absorbed: p.absorbed.clone(),
                record_ids: members.iter().map(|r| r.id).collect(),
                golden: golden(&members, &options.trust, today),
            }
        })
        .collect();
    let mut applied = ResolutionApplied {
        unchanged: (persons.len() - changed.len()) as u64,
        ..Default::default()
    };
    let total = changed.len() as u64;
    let chunk = options.chunk.max(1);
    for (n, part) in changed.chunks(chunk).enumerate() {
        applied.add(store.apply_resolution(part, author).await?);
        progress(
            Stage::Writing,
            ((n + 1) * chunk).min(changed.len()) as u64,
            total,
        );
    }
    Ok((persons.len(), applied))
}

/// Resolves the store's source records into parties: every record again (`Mode::Full`,
/// training the model afresh and keeping it for delta runs), or what loads touched since the
/// last run (`Mode::Delta`, which runs in full when that is the better choice).
pub async fn resolve(
    store: &dyn Store,
    mode: Mode,
    options: &ResolveOptions,
    author: &ChangeAuthor,
    progress: &mut (dyn FnMut(Stage, u64, u64) + Send),
) -> Result<ResolveReport, ResolveError> {
    let started = Instant::now();
    let (records, decisions) = read_input(store, progress).await?;
    let input = Input {
        records,
        decisions,
        timings: vec![("read", started.elapsed().as_secs_f64())],
    };
    let run = Run {
        store,
        options,
        author,
    };
    let model = match mode {
        Mode::Full => None,
        Mode::Delta => run.model_for_delta(&input.records).await?,
    };
    match model {
        Some(model) => run.pending(input, model, progress).await,
        None => run.full(input, progress).await,
    }
}

/// One resolution run: where it reads and writes, with what settings, in whose name.
#[derive(Clone, Copy)]
pub(crate) struct Run<'a> {
    pub(crate) store: &'a dyn Store,
    pub(crate) options: &'a ResolveOptions,
    pub(crate) author: &'a ChangeAuthor,
}

/// What a run read: every source record, the steward's decisions, and the time it took.
pub(crate) struct Input {
    pub(crate) records: Vec<ResolutionRecord>,
    pub(crate) decisions: Vec<(i64, i64, bool)>,
    pub(crate) timings: Vec<(&'static str, f64)>,
}

impl Run<'_> {
    /// The review stage: the grey-zone pairs replace the pending ones (all of them, or those
    /// touching the records `touching`); the number pending afterwards.
    pub(crate) async fn replace_reviews(
        self,
        reviews: &[ReviewCandidate],
        touching: Option<&[i64]>,
        timings: &mut Vec<(&'static str, f64)>,
        progress: &mut (dyn FnMut(Stage, u64, u64) + Send),
    ) -> Result<u64, ResolveError> {
        let started = Instant::now();
        progress(Stage::Reviews, 0, reviews.len() as u64);
        let pending = self
            .store
            .replace_pending_reviews(reviews, touching, self.author.at)
            .await?;
        timings.push(("reviews", started.elapsed().as_secs_f64()));
        Ok(pending)
    }

    /// Every record matched again with a model trained afresh.
    pub(crate) async fn full(
        self,
        input: Input,
        progress: &mut (dyn FnMut(Stage, u64, u64) + Send),
    ) -> Result<ResolveReport, ResolveError> {
        let (store, options, author) = (self.store, self.options, self.author);
        let (records, decisions, mut timings) = (input.records, input.decisions, input.timings);
        let started = Instant::now();
        progress(Stage::Matching, 0, records.len() as u64);
        let settings = options.settings.clone();
        let (records, matched) = tokio::task::spawn_blocking(move || {
            let matched = run_engine(&records, &decisions, &settings);
            (records, matched)
        })
        .await
        .map_err(|e| ResolveError::Engine(e.to_string()))?;
        timings.push(("match", started.elapsed().as_secs_f64()));

        let started = Instant::now();
        let (persons, applied) = write_persons(
            store,
            &records,
            &matched.cluster_of,
            options,
            author,
            progress,
        )
        .await?;
        let model = serde_json::to_string(&matched.model)
            .map_err(|e| ResolveError::Engine(format!("the model could not be saved: {e}")))?;
        store.set_meta(MODEL_META_KEY, &model).await?;
        timings.push(("write", started.elapsed().as_secs_f64()));

        let pending_reviews = self
            .replace_reviews(&matched.reviews, None, &mut timings, progress)
            .await?;
        Ok(ResolveReport {
            mode: Mode::Full,
            records: records.len(),
            matched: records.len(),
            persons,
            applied,
            pending_reviews,
            timings,
        })
    }
}

/// A steward's manual merge: `absorb` joins `keep`, whose golden record is recomputed from the
/// records of both. Returns the kept party. Both must be in the viewer's scope.
pub async fn merge_parties(
    store: &dyn Store,
    viewer: &rapport_domain::Viewer,
    keep: rapport_domain::PartyId,
    absorb: rapport_domain::PartyId,
    trust: &Trust,
    author: &ChangeAuthor,
) -> Result<rapport_domain::PartyId, ResolveError> {
    if keep == absorb {
        return Err(StoreError::Invalid("a customer cannot be merged into itself".into()).into());
    }
    for party in [keep, absorb] {
        if store.customer_360(viewer, party).await?.is_none() {
            return Err(StoreError::NotFound(format!("customer {}", party.0)).into());
        }
    }
    let records = store.resolution_records_of(&[keep, absorb]).await?;
    if records.is_empty() {
        return Err(
            StoreError::Invalid("these customers have no source records to merge".into()).into(),
        );
    }
    let members: Vec<&ResolutionRecord> = records.iter().collect();
    let party = ResolvedParty {
        party_id: Some(keep),
        absorbed: vec![absorb],
        record_ids: records.iter().map(|r| r.id).collect(),
        golden: golden(&members, trust, author.at.date_naive()),
    };
    store.apply_resolution(&[party], author).await?;
    Ok(keep)
}

/// Undoes a merge and recomputes both golden records from their own records again.
pub async fn unmerge(
    store: &dyn Store,
    viewer: &rapport_domain::Viewer,
    event_id: i64,
    trust: &Trust,
    author: &ChangeAuthor,
) -> Result<(rapport_domain::PartyId, rapport_domain::PartyId), ResolveError> {
    let (keep, restored) = store.undo_merge(viewer, event_id, author).await?;
    let records = store.resolution_records_of(&[keep, restored]).await?;
    let mut parties = Vec::new();
    for party in [keep, restored] {
        let members: Vec<&ResolutionRecord> = records
            .iter()
            .filter(|r| r.party_id == Some(party))
            .collect();
        if members.is_empty() {
            continue;
        }
        parties.push(ResolvedParty {
            party_id: Some(party),
            absorbed: Vec::new(),
            record_ids: members.iter().map(|r| r.id).collect(),
            golden: golden(&members, trust, author.at.date_naive()),
        });
    }
    store.apply_resolution(&parties, author).await?;
    Ok((keep, restored))
}
