//! Identity resolution bodies: the data steward's review queue, source records, merges, and
//! real-time matching. Personal fields are masked per role before they are put here.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One field's agreement level and match weight (bits) in a scored pair: positive weights
/// argue for the same person, negative ones against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FieldWeightDto {
    pub field: String,
    /// Agreement level (0 = disagree, higher = closer); null when a side lacks the field.
    pub level: Option<u8>,
    pub weight: f64,
}

/// A source record as the caller may see it (identifiers masked per role).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SourceRecordDto {
    pub id: i64,
    pub source_system: String,
    pub source_key: String,
    /// The customer (party) the record belongs to now.
    pub customer_id: Option<i64>,
    pub name: String,
    pub gender: Option<String>,
    /// As the role sees it: the date, `--MM-DD`, or absent (see `ProfileDto.birth_date`).
    pub birth_date: Option<String>,
    pub resident_id: Option<String>,
    /// Whether the resident ID passes its check digit.
    pub resident_id_valid: bool,
    pub mobile: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub branch_code: Option<String>,
    pub updated_on: Option<NaiveDate>,
}

/// A pair in the review queue, without its records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReviewSummaryDto {
    pub id: i64,
    /// pending, approved, rejected or superseded.
    pub status: String,
    pub probability: f64,
    /// Sum of the field weights, in bits.
    pub weight: f64,
    pub record_a: i64,
    pub record_b: i64,
    pub created_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReviewPage {
    pub items: Vec<ReviewSummaryDto>,
    pub page: u32,
    pub page_size: u32,
    pub has_more: bool,
}

/// A pair with both source records side by side and the weight of each field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReviewDto {
    #[serde(flatten)]
    pub summary: ReviewSummaryDto,
    pub a: SourceRecordDto,
    pub b: SourceRecordDto,
    pub fields: Vec<FieldWeightDto>,
    /// Personal fields shown masked to this role.
    pub masked_fields: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewDecisionRequest {
    /// same_person (the two records' customers are merged) or different_people (later
    /// resolutions keep them apart).
    pub decision: String,
    /// Up to 500 characters.
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The customer that joins the one in the path and disappears from searches.
    pub absorb: i64,
    /// Why, 1–500 characters; kept in the audit trail.
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UndoMergeRequest {
    /// Why, 1–500 characters; kept in the audit trail.
    pub reason: String,
}

/// The two customers of a merge or an unmerge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MergeOutcome {
    /// The customer that was kept.
    pub customer_id: i64,
    /// The customer absorbed (merge) or restored (unmerge).
    pub other_customer_id: i64,
}

/// A merge or unmerge in a customer's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct IdentityEventDto {
    pub id: i64,
    /// merge or unmerge.
    pub kind: String,
    pub customer_id: i64,
    pub other_customer_id: Option<i64>,
    pub decided_by: String,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
    /// For a merge: the unmerge event that undid it.
    pub undone_by: Option<i64>,
}

/// Where a customer's data comes from: its source records and its merge history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CustomerIdentityDto {
    pub customer_id: i64,
    pub source_records: Vec<SourceRecordDto>,
    /// Newest first.
    pub events: Vec<IdentityEventDto>,
}

/// A record as a source system holds it, to match against the resolved customers.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchRequest {
    /// core_banking, card, internet_banking, call_center or rapport.
    pub source_system: Option<String>,
    /// Required (a missing name answers 400 naming `name`).
    #[serde(default)]
    pub name: String,
    /// M/F, 男/女 …
    pub gender: Option<String>,
    /// YYYY-MM-DD (other common date formats are accepted).
    pub birth_date: Option<String>,
    pub resident_id: Option<String>,
    /// 11 digits, mainland mobile.
    pub mobile: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
}

/// The best customer for a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MatchDto {
    pub customer_id: i64,
    pub probability: f64,
    /// match (the same customer) or review (a data steward should look).
    pub decision: String,
    pub explanation: Vec<FieldWeightDto>,
    /// A deterministic rule that decided the pair, if one did.
    pub rule: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MatchResponse {
    /// The best customer within the caller's scope, or null.
    #[serde(rename = "match")]
    pub matched: Option<MatchDto>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `delta` (default): new and changed records; `full`: the source's complete set.
    pub mode: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportRejectDto {
    pub line: u64,
    pub field: String,
    pub value_masked: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportReportDto {
    pub run_id: i64,
    pub inserted: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub rejected: i64,
    /// The first rejected rows and unverified values.
    pub rejects: Vec<ImportRejectDto>,
}
