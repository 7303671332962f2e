//! Portfolios (R4.1, R1.6): moving a relationship manager's customers to another RM in bulk,
//! with history kept (an assignment is ended, never deleted) and, above a size, a second
//! person's approval (maker-checker).
use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::StaffId;
use serde::{Deserialize, Serialize};

/// Who would move: the current assignments of `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReassignmentPreview {
    pub customers: i64,
    pub primary: i64,
    pub secondary: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReassignment {
    pub from: StaffId,
    pub to: StaffId,
    pub requested_by: StaffId,
    pub at: DateTime<Utc>,
    /// The bank's date the move takes effect (assignments end and start on it).
    pub effective_on: NaiveDate,
    /// More customers than this wait for a second person's approval.
    pub approval_threshold: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reassignment {
    pub id: i64,
    pub from: StaffId,
    pub to: StaffId,
    /// pending | applied
    pub status: String,
    /// Customers counted when requested.
    pub customers: i64,
    /// Customers moved when applied.
    pub moved: i64,
    pub requested_by: StaffId,
    pub requested_at: DateTime<Utc>,
    pub approved_by: Option<StaffId>,
    pub approved_at: Option<DateTime<Utc>>,
}
