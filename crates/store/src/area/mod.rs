//! The store's areas, each a file of a few interfaces: each interface implemented once for both
//! backends, by one file of `rapport-store-sql`'s `area` with the bodies in place, and with its
//! own contract tests (`rapport-store-contract`).

mod audit;
mod customers;
mod identity;
mod ingest;
mod scores;
mod staff;
mod work;

pub use audit::{AuditStore, KeyRotationStore};
pub use customers::{CustomerChangeStore, CustomerStore};
pub use identity::{IdentityStore, ReviewStore};
pub use ingest::{BulkLoadStore, IngestStore};
pub use scores::{ScoreStore, SegmentStore, WorkbenchStore};
pub use staff::{StaffChangeStore, StaffStore};
pub use work::{
    DedicatedRmStore, ReassignmentStore, RmAssignmentStore, ScorecardStore, TierProposalStore,
    WorkStore,
};
