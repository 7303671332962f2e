//! Identity resolution: its input, its results, the review queue, merge history and undo.
use crate::identity::{
    IdentityEvent, PairDecision, ResolutionApplied, ResolutionRecord, ResolvedParty,
    ReviewCandidate, ReviewItem, ReviewPair, ReviewStatus, SourceRecordView,
};
use crate::{ChangeAuthor, Page, PageRequest, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rapport_domain::{PartyId, Viewer};

/// Identity resolution: its input, the steward's decisions it honours and writing its results;
/// and the accounts' owners and monthly AUM that roll warehouse balances up to parties.
#[async_trait]
pub trait IdentityStore: Send + Sync {
    /// Source records with `id > after` in id order (at most `limit`), identifiers opened.
    /// For the resolver only: nothing here is scoped or masked, so no handler may pass it on.
    async fn resolution_input(&self, after: i64, limit: i64) -> StoreResult<Vec<ResolutionRecord>>;

    /// The source records of these parties (merged-away ones included), identifiers opened.
    /// For the resolver only, like `resolution_input`.
    async fn resolution_records_of(
        &self,
        parties: &[PartyId],
    ) -> StoreResult<Vec<ResolutionRecord>>;

    /// The steward's approved and rejected pairs, which every resolution honours.
    async fn pair_decisions(&self) -> StoreResult<Vec<PairDecision>>;

    /// Writes golden records in one transaction: creates or updates each party (changes kept in
    /// its history), moves its source records to it (their accounts follow), and merges the
    /// parties it absorbs, keeping what each merge changed so that it can be undone.
    async fn apply_resolution(
        &self,
        parties: &[ResolvedParty],
        author: &ChangeAuthor,
    ) -> StoreResult<ResolutionApplied>;

    /// Every account's blind key and owning party (to roll warehouse balances up to parties).
    async fn account_owners(&self) -> StoreResult<Vec<(String, PartyId)>>;

    /// Sets these monthly AUM points, replacing any for the same party and month.
    async fn upsert_monthly_aum(
        &self,
        points: &[rapport_domain::records::MonthlyAumRecord],
    ) -> StoreResult<()>;
}

/// The data steward's side of identity resolution: the review queue, the source records and
/// merge history of a party, and undoing a merge.
#[async_trait]
pub trait ReviewStore: Send + Sync {
    /// Replaces the pending review queue with these pairs; decided pairs stay as they are.
    /// With `touching`, only the pending pairs with a record among those ids are replaced (a
    /// delta resolution); the rest of the queue stays.
    async fn replace_pending_reviews(
        &self,
        pairs: &[ReviewCandidate],
        touching: Option<&[i64]>,
        at: DateTime<Utc>,
    ) -> StoreResult<u64>;

    /// Review pairs with this status whose parties are both in the viewer's scope, most
    /// probable first.
    async fn list_reviews(
        &self,
        viewer: &Viewer,
        status: ReviewStatus,
        page: PageRequest,
    ) -> StoreResult<Page<ReviewItem>>;

    /// One review pair with its two source records (`None` if unknown or out of scope).
    async fn review(&self, viewer: &Viewer, id: i64) -> StoreResult<Option<ReviewPair>>;

    /// Records a steward's decision on a pending pair in the viewer's scope, and gives the
    /// pair as decided (`NotFound` if unknown or outside the scope, `Conflict` if already
    /// decided).
    async fn decide_review(
        &self,
        viewer: &Viewer,
        id: i64,
        status: ReviewStatus,
        note: Option<&str>,
        author: &ChangeAuthor,
    ) -> StoreResult<ReviewPair>;

    /// The source records behind an in-scope party (`None` if out of scope).
    async fn party_source_records(
        &self,
        customer: &crate::scope::InScope,
    ) -> StoreResult<Option<Vec<SourceRecordView>>>;

    /// Merges and unmerges of an in-scope party, newest first.
    async fn identity_events(
        &self,
        customer: &crate::scope::InScope,
    ) -> StoreResult<Option<Vec<IdentityEvent>>>;

    /// Undoes a merge: the absorbed party returns with its records, accounts and RM
    /// assignments. Returns (kept party, restored party); `Conflict` if already undone.
    async fn undo_merge(
        &self,
        viewer: &Viewer,
        event_id: i64,
        author: &ChangeAuthor,
    ) -> StoreResult<(PartyId, PartyId)>;
}
