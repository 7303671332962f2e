//! Saved customer segments (R3.3): a staff member's filter over the features table, kept with
//! its members per as-of date. The store neither checks nor evaluates a definition (the
//! warehouse does, through the caller); it keeps the definition as it was accepted and the
//! members it is handed, and reads them back within the viewer's scope: counts and member
//! lists hold only the viewer's customers.
use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::{PartyId, StaffId};
use serde::Serialize;

/// A segment to create. `expression` is the checker's canonical text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSegment {
    pub name: String,
    pub expression: String,
    pub description: Option<String>,
    pub created_by: StaffId,
    pub created_at: DateTime<Utc>,
}

/// An active segment as a viewer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentRow {
    pub id: i64,
    pub name: String,
    pub expression: String,
    pub description: Option<String>,
    pub created_by: StaffId,
    pub created_by_username: String,
    pub created_at: DateTime<Utc>,
    /// The latest as-of date the segment was evaluated for; `None` until its first evaluation.
    pub as_of: Option<NaiveDate>,
    /// Its members at `as_of` within the viewer's scope (0 before the first evaluation).
    pub members: i64,
}

/// What the scoring job needs to evaluate an active segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentDefinition {
    pub id: i64,
    pub name: String,
    pub expression: String,
}

/// A segment a customer belongs to (at the segment's latest evaluation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentRef {
    pub id: i64,
    pub name: String,
    pub as_of: NaiveDate,
}

/// The party ids sorted with duplicates removed, as `replace_segment_members` stores them.
pub fn distinct_members(parties: &[PartyId]) -> Vec<i64> {
    let mut ids: Vec<i64> = parties.iter().map(|p| p.0).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}
