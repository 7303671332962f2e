//! Rapport's domain vocabulary: pure types and rules, no I/O.
//!
//! Everything that crosses a crate boundary and carries meaning for the bank lives here:
//! validated identifiers ("parse, don't validate"), money, parties and their relationships,
//! products and accounts, branches, staff roles, data scope and masking policy.

#[macro_use]
mod string_enum;

#[doc(hidden)]
pub use serde as __serde;
pub mod classes;
pub mod clock;
pub mod dates;
pub mod mask;
pub mod mobile;
pub mod money;
pub mod names;
pub mod org;
pub mod party;
pub mod permissions;
pub mod product;
pub mod reason;
pub mod records;
pub mod resident_id;
pub mod scope;
pub mod settings;
pub mod states;
pub mod unmask;
pub mod uscc;

pub use classes::{ClvClass, CreditGrade, Labelled, LifecycleStage, RfmSegment, Tier};
pub use clock::{Clock, FixedClock, SystemClock};
pub use mobile::Mobile;
pub use money::{Currency, Money};
pub use org::{BranchId, BranchLevel, Role, StaffId, Username};
pub use party::{ContactChannel, CustomerNumber, Gender, PartyId, PartyKind, RelationshipKind};
pub use permissions::{Action, permits};
pub use product::{AccountStatus, ProductFamily, SourceSystem};
pub use reason::{ChurnSignal, Language, ModelDriver, Reason};
pub use resident_id::ResidentId;
pub use scope::{BirthDateShown, DataScope, FieldPolicy, ResidentIdMask, Viewer};
pub use settings::BankSettings;
pub use states::{
    AlertKind, AlertSeverity, AlertStatus, Channel, Direction, IdentityEventKind, ImportKind,
    ReassignmentStatus, ReviewStatus, RunStatus, TaskKind, TaskStatus, TierProposalStatus,
};
pub use uscc::Uscc;

/// A value that failed validation, with the reason in words a bank clerk understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct InvalidValue {
    pub reason: String,
}

impl InvalidValue {
    pub fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
        }
    }
}
