//! The operational store's contract (操作型数据中心).
//!
//! A few interfaces per area ([`area`]: staff, customers, ingest, identity, scores, work, audit),
//! gathered in [`Store`] and each implemented once for both backends, by one area file of
//! `rapport-store-sql` with the bodies in place; adding an operation touches its interface, its
//! one implementation and its contract test (`rapport-store-contract`). The server is written
//! against [`Store`] and picks the backend from the database URL once at start. Every method
//! that reads customers takes a [`Viewer`](rapport_domain::Viewer) and returns only what that
//! viewer's [`DataScope`](rapport_domain::DataScope) allows: out-of-scope and unknown customers
//! are indistinguishable (`None`).

pub mod area;
pub mod audit;
mod error;
pub mod identity;
pub mod ingest;
pub mod portfolio;
pub mod protect;
mod rows;
pub mod scope;
pub mod scores;
pub mod search;
pub mod segments;
pub mod staff_changes;
pub mod throttle;
pub mod work;

use async_trait::async_trait;

pub use area::{
    AuditStore, BulkLoadStore, CustomerChangeStore, CustomerStore, DedicatedRmStore, IdentityStore,
    IngestStore, KeyRotationStore, ReassignmentStore, ReviewStore, RmAssignmentStore, ScoreStore,
    ScorecardStore, SegmentStore, StaffChangeStore, StaffStore, TierProposalStore, WorkStore,
    WorkbenchStore,
};
pub use error::StoreError;
pub use rows::*;

pub type StoreResult<T> = Result<T, StoreError>;

/// The whole store: every area, and what concerns the database itself.
#[async_trait]
pub trait Store:
    StaffStore
    + StaffChangeStore
    + CustomerStore
    + CustomerChangeStore
    + BulkLoadStore
    + IngestStore
    + IdentityStore
    + ReviewStore
    + ScoreStore
    + WorkbenchStore
    + SegmentStore
    + WorkStore
    + ReassignmentStore
    + RmAssignmentStore
    + DedicatedRmStore
    + ScorecardStore
    + TierProposalStore
    + KeyRotationStore
    + AuditStore
    + 'static
{
    /// `sqlite` or `postgres`, for logs and `/readyz`.
    fn backend(&self) -> &'static str;

    /// Answers when the database can be reached and queried.
    async fn ping(&self) -> StoreResult<()>;
}
