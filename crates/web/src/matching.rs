//! Real-time matching (R2.6): one incoming record against every resolved source record, with
//! the engine's blocking keys, comparators and a model trained on the store's records.
//!
//! The index lives in memory behind [`MatchIndexHandle`]. It is built in the background at
//! start and rebuilt after imports ([`rebuild_match_index`]); a rebuild keeps answering from
//! the previous index until the new one is swapped in, and an older build finishing late never
//! replaces a newer one.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use rapport_domain::{Action, Gender, Mobile, PartyId, ResidentId, SourceSystem, permits};
use rapport_identity::{
    Comparison, Decision, MatchIndex, Model, Settings, SourceCustomer, Standardised,
    candidate_pairs, compare, standardise,
};
use rapport_proto::{ErrorCode, FieldWeightDto, MatchDto, MatchRequest, MatchResponse};
use rapport_resolve::{MODEL_META_KEY, engine_input};
use rapport_store::audit::AuditAction;
use rapport_store::identity::ResolutionRecord;

use crate::auth::Authenticated;
use crate::throttle::IdentifierSearch;
use crate::{AppState, WebError, audit};

/// Records read from the store per page while building.
const READ_PAGE: i64 = 20_000;

#[derive(Default)]
struct Slot {
    generation: u64,
    index: Option<Arc<MatchIndex>>,
}

/// The shared index: cheap to clone, read without blocking a rebuild.
#[derive(Clone, Default)]
pub struct MatchIndexHandle {
    slot: Arc<RwLock<Slot>>,
    started: Arc<AtomicU64>,
}

impl MatchIndexHandle {
    /// The current index, if one has been built.
    fn current(&self) -> Result<Option<Arc<MatchIndex>>, WebError> {
        self.slot
            .read()
            .map(|s| s.index.clone())
            .map_err(|_| WebError::internal("match index", "lock poisoned"))
    }

    fn install(&self, generation: u64, index: MatchIndex) -> Result<(), WebError> {
        let mut slot = self
            .slot
            .write()
            .map_err(|_| WebError::internal("match index", "lock poisoned"))?;
        if generation > slot.generation {
            slot.generation = generation;
            slot.index = Some(Arc::new(index));
        }
        Ok(())
    }
}

/// Indexes the records that belong to a party, scoring with the model the last full
/// resolution kept; without one (a store resolved before models were kept), trains it on every
/// record as `resolve` does.
fn build(records: &[ResolutionRecord], saved: Option<Model>, settings: Settings) -> MatchIndex {
    let std: Vec<Standardised> = records
        .iter()
        .map(|r| standardise(&engine_input(r)))
        .collect();
    let model = saved.unwrap_or_else(|| {
        let pairs = candidate_pairs(&std, settings.max_block);
        let comparisons: Vec<Comparison> = pairs
            .iter()
            .filter_map(|&(a, b)| Some(compare(std.get(a)?, std.get(b)?)))
            .collect();
        Model::train(&std, &comparisons, &settings)
    });
    let mut index = MatchIndex::new(model, settings);
    for (r, s) in records.iter().zip(std) {
        if let Some(p) = r.party_id {
            index.insert(s, p.0);
        }
    }
    index
}

/// Rebuilds the matching index from every source record in the store and swaps it in.
/// Returns the number of records indexed. Call after imports and resolutions.
pub async fn rebuild_match_index(state: AppState) -> Result<usize, WebError> {
    let handle = state.match_index.clone();
    let generation = handle.started.fetch_add(1, Ordering::SeqCst) + 1;
    let started = std::time::Instant::now();
    let mut records: Vec<ResolutionRecord> = Vec::new();
    loop {
        let after = records.last().map_or(0, |r| r.id);
        let page = state.store.resolution_input(after, READ_PAGE).await?;
        if page.is_empty() {
            break;
        }
        records.extend(page);
    }
    // A model that no longer reads (an older format) is trained again rather than refused.
    let saved = state
        .store
        .meta(MODEL_META_KEY)
        .await?
        .and_then(|json| serde_json::from_str::<Model>(&json).ok());
    let index = tokio::task::spawn_blocking(move || build(&records, saved, Settings::default()))
        .await
        .map_err(|e| WebError::internal("match index build", e))?;
    let n = index.len();
    handle.install(generation, index)?;
    tracing::info!(
        records = n,
        seconds = started.elapsed().as_secs_f64(),
        "match index built"
    );
    Ok(n)
}

fn optional(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn bounded(field: &str, v: Option<String>, max: usize) -> Result<Option<String>, WebError> {
    match v {
        Some(s) if s.chars().count() > max || s.chars().any(char::is_control) => {
            Err(WebError::invalid_parameter(
                field,
                format!("{field} must have at most {max} characters and no control characters"),
            ))
        }
        other => Ok(other),
    }
}

/// Checks a match request; each problem names its field. Resident IDs that fail their check
/// digit are still matched (a mistyped digit is what matching is for), but must look like one.
pub fn parse_request(req: &MatchRequest) -> Result<SourceCustomer, WebError> {
    let name = req.name.trim();
    if name.is_empty() {
        return Err(WebError::invalid_parameter(
            "name",
            "name must not be empty",
        ));
    }
    let name = bounded("name", Some(name.to_owned()), 50)?.unwrap_or_default();
    let source_system = match optional(&req.source_system) {
        Some(s) => s
            .parse::<SourceSystem>()
            .map_err(|e| WebError::invalid_parameter("source_system", e.reason))?
            .as_str()
            .to_owned(),
        None => String::new(),
    };
    let gender = optional(&req.gender)
        .map(|g| {
            g.parse::<Gender>()
                .map(|g| g.as_str().to_owned())
                .or_else(|_| match g.as_str() {
                    "M" | "m" | "男" => Ok("male".to_owned()),
                    "F" | "f" | "女" => Ok("female".to_owned()),
                    _ => Err(WebError::invalid_parameter(
                        "gender",
                        "gender must be male, female, M, F, 男 or 女",
                    )),
                })
        })
        .transpose()?;
    let birth_date = optional(&req.birth_date)
        .map(|d| {
            rapport_domain::dates::parse_any_date(&d)
                .map(|d| d.to_string())
                .ok_or_else(|| {
                    WebError::invalid_parameter("birth_date", "birth_date must be a date")
                })
        })
        .transpose()?;
    let resident_id = optional(&req.resident_id)
        .map(|r| {
            let looks_like_one = (r.len() == 15 || r.len() == 18)
                && r.chars()
                    .all(|c| c.is_ascii_digit() || c == 'X' || c == 'x');
            if ResidentId::parse(&r).is_ok() || looks_like_one {
                Ok(r)
            } else {
                Err(WebError::invalid_parameter(
                    "resident_id",
                    "resident_id must have 15 or 18 characters (digits, last may be X)",
                ))
            }
        })
        .transpose()?;
    let mobile = optional(&req.mobile)
        .map(|m| {
            Mobile::parse(&m)
                .map(|m| m.as_str().to_owned())
                .map_err(|e| WebError::invalid_parameter("mobile", e.reason))
        })
        .transpose()?;
    Ok(SourceCustomer {
        source_system,
        name,
        gender,
        birth_date,
        resident_id,
        mobile,
        address: bounded("address", optional(&req.address), 200)?,
        email: bounded("email", optional(&req.email), 100)?,
        ..Default::default()
    })
}

/// Matches a record for `auth`. A match to a customer outside the caller's scope is reported
/// as no match. Audited with the matched customer (never the record's contents).
pub async fn match_record(
    state: &AppState,
    auth: &Authenticated,
    req: &MatchRequest,
) -> Result<MatchResponse, WebError> {
    let now = state.clock.now();
    if !permits(auth.staff.role, Action::MatchRecords) {
        let mut e = audit::by(auth, now, AuditAction::AuthorizationFailed);
        e.reason = Some(format!("role {} may not match records", auth.staff.role));
        state.audit.record(e).await?;
        return Err(WebError::new(
            ErrorCode::Forbidden,
            "your role may not match records",
        ));
    }
    let query = parse_request(req)?;
    let index = state.match_index.current()?.ok_or_else(|| {
        WebError::new(
            ErrorCode::IndexBuilding,
            "the matching index is being built; retry in a minute",
        )
    })?;
    // A match answers "is this the ID or the mobile of that customer?": limited and watched
    // like a search by the identifier.
    let guard = match (&query.resident_id, &query.mobile) {
        (Some(id), _) => Some(IdentifierSearch::begin(state, auth, "resident_id", id).await?),
        (None, Some(m)) => Some(IdentifierSearch::begin(state, auth, "mobile", m).await?),
        (None, None) => None,
    };
    let found = index.best_match_source(&query);
    let in_scope = match &found {
        Some(m) => state
            .store
            .customer_360(&auth.viewer, PartyId(m.party))
            .await?
            .is_some(),
        None => false,
    };
    let matched = found.filter(|_| in_scope).map(|m| MatchDto {
        customer_id: m.party,
        probability: m.score.probability,
        decision: match m.decision {
            Decision::Match => "match",
            Decision::Review => "review",
        }
        .to_owned(),
        explanation: m
            .score
            .explanation
            .iter()
            .map(|(field, level, weight)| FieldWeightDto {
                field: (*field).to_owned(),
                level: *level,
                weight: *weight,
            })
            .collect(),
        rule: m.score.rule.map(str::to_owned),
    });
    let mut e = audit::by(auth, now, AuditAction::IdentityMatched);
    e.party_id = matched.as_ref().map(|m| PartyId(m.customer_id));
    e.detail = Some(match &matched {
        Some(m) => format!("decision={}", m.decision),
        None => "no match".to_owned(),
    });
    state.audit.record(e).await?;
    if let Some(guard) = guard {
        guard
            .found(state, auth, usize::from(matched.is_some()))
            .await?;
    }
    Ok(MatchResponse { matched })
}
