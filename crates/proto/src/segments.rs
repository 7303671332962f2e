//! Saved customer segments (R3.3): staff-defined filters over the features table, evaluated in
//! the warehouse; counts and members always within the caller's data scope.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::CustomerPage;

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSegmentRequest {
    /// 1–80 characters, unique among the active segments.
    pub name: String,
    /// A condition over the features table's columns, e.g.
    /// `aum_m0 >= yuan(500000) AND NOT holds_wealth_management` (money in fen; `yuan(x)` is
    /// `x * 100`). Comparisons, AND/OR/NOT, arithmetic, BETWEEN, IN (list), IS [NOT]
    /// NULL/TRUE/FALSE and the functions abs, coalesce, least, greatest and yuan.
    pub expression: String,
    /// At most 500 characters.
    pub description: Option<String>,
}

/// A segment with its members counted within the caller's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SegmentDto {
    pub id: i64,
    pub name: String,
    /// The condition as the checker accepted it (canonical SQL: `yuan(x)` written out).
    pub expression: String,
    pub description: Option<String>,
    /// The creator's username.
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// The features' as-of date of the latest evaluation; null until the first one.
    pub as_of: Option<NaiveDate>,
    /// Members at `as_of` within the caller's scope.
    pub members: i64,
}

/// A segment and one page of its members (masked like every customer list).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SegmentDetailDto {
    pub segment: SegmentDto,
    pub members: CustomerPage,
}

/// A segment a customer belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SegmentRefDto {
    pub id: i64,
    pub name: String,
    pub as_of: NaiveDate,
}
