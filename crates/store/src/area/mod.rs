//! The store's areas: one interface each, implemented once for both backends
//! (`rapport-store-sql`), with its own contract tests (`rapport-store-contract`).

mod audit;
mod customers;
mod identity;
mod ingest;
mod scores;
mod staff;
mod work;

pub use audit::AuditStore;
pub use customers::CustomerStore;
pub use identity::IdentityStore;
pub use ingest::IngestStore;
pub use scores::ScoreStore;
pub use staff::StaffStore;
pub use work::WorkStore;
