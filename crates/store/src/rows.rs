//! What the store hands back. Values are as stored (unmasked): masking is the web edge's job,
//! applied by one function per response type, so no caller can forget it.
use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::{
    AccountStatus, BranchId, Gender, Money, PartyId, PartyKind, ProductFamily, RelationshipKind,
    Role, SourceSystem, StaffId, Username,
};
use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StoreCounts {
    pub branches: u64,
    pub staff: u64,
    pub parties: u64,
    pub relationships: u64,
    pub accounts: u64,
    pub monthly_aum: u64,
    pub rm_assignments: u64,
}

#[derive(Debug, Clone)]
pub struct NewStaff {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub branch_id: Option<BranchId>,
    pub password_hash: String,
    /// A temporary password: the first login must choose a new one.
    pub must_change_password: bool,
}

/// Changes to a staff member; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaffUpdate {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub branch_id: Option<Option<BranchId>>,
}

/// What kind of credential a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// A person's login: idle and absolute deadlines.
    Browser,
    /// A system caller's API token: only its absolute deadline.
    Token,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Browser => "browser",
            Self::Token => "token",
        }
    }

    pub fn parse(s: &str) -> Self {
        if s == "token" {
            Self::Token
        } else {
            Self::Browser
        }
    }
}

/// A live session as administrators see it: never the token, only the start of its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionSummary {
    /// The first 16 hex digits of the token's hash: enough to revoke it, useless to use it.
    pub id: String,
    pub staff_id: StaffId,
    pub username: String,
    pub kind: SessionKind,
    pub name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub idle_expires_at: DateTime<Utc>,
    pub absolute_expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct StaffAccount {
    pub id: StaffId,
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub branch_id: Option<BranchId>,
    /// `None` until a password is set: the account cannot log in.
    pub password_hash: Option<String>,
    pub disabled: bool,
    pub must_change_password: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct LockoutPolicy {
    pub max_failures: i32,
    pub lock_for: chrono::Duration,
}

/// A login's or an API token's session: stored when it starts, read back on every request.
#[derive(Debug, Clone)]
pub struct Session {
    /// SHA-256 of the bearer token, hex: the token itself is never stored.
    pub token_hash: String,
    pub staff_id: StaffId,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub idle_expires_at: DateTime<Utc>,
    pub absolute_expires_at: DateTime<Utc>,
    pub kind: SessionKind,
    /// A token's name (`crm-sync`); none for browser sessions.
    pub name: Option<String>,
}

/// A page of a list: `page` counts from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub page_size: u32,
}

impl PageRequest {
    pub const MAX_PAGE_SIZE: u32 = 100;

    pub fn offset(&self) -> i64 {
        i64::from(self.page.saturating_sub(1)) * i64::from(self.page_size)
    }

    /// One row more than the page, to learn whether another page follows without a COUNT.
    pub fn fetch_limit(&self) -> i64 {
        i64::from(self.page_size) + 1
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub page_size: u32,
    pub has_more: bool,
}

impl<T> Page<T> {
    /// Builds a page from up to `fetch_limit()` rows.
    pub fn from_rows(mut rows: Vec<T>, request: PageRequest) -> Self {
        let has_more = rows.len() > request.page_size as usize;
        rows.truncate(request.page_size as usize);
        Self {
            items: rows,
            page: request.page,
            page_size: request.page_size,
            has_more,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BranchRef {
    pub id: BranchId,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerSummary {
    pub party_id: PartyId,
    pub customer_number: String,
    pub kind: PartyKind,
    pub name: String,
    pub mobile: Option<String>,
    pub resident_id: Option<String>,
    pub home_branch: BranchRef,
    pub primary_rm: Option<String>,
    /// AUM at the end of the latest month on record.
    pub latest_aum: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartyDetail {
    pub party_id: PartyId,
    pub customer_number: String,
    pub kind: PartyKind,
    pub name: String,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub resident_id: Option<String>,
    pub uscc: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub occupation: Option<String>,
    pub income_band: Option<String>,
    pub home_branch: BranchRef,
    pub onboarded_on: NaiveDate,
    pub preferred_channel: Option<String>,
    /// Incremented by every change; an update names the version it was made against.
    pub version: i64,
    /// For a golden record: the source each field came from, and the rule that chose it.
    pub field_sources: std::collections::BTreeMap<String, crate::identity::FieldSource>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// This customer → the related party (e.g. this person's employer).
    Outgoing,
    /// The related party → this customer (e.g. an employee of this organisation).
    Incoming,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelatedParty {
    pub kind: RelationshipKind,
    pub direction: Direction,
    pub party_id: PartyId,
    pub party_kind: PartyKind,
    pub name: String,
    /// Whether the viewer may open the related party's own 360 view.
    pub in_scope: bool,
    pub since: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountDetail {
    pub account_number: String,
    pub product_code: String,
    pub product_name_zh: String,
    pub product_name_en: String,
    pub family: ProductFamily,
    pub balance: Money,
    pub limit: Option<Money>,
    pub opened_on: NaiveDate,
    pub matures_on: Option<NaiveDate>,
    pub status: AccountStatus,
    pub source_system: SourceSystem,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AumPoint {
    pub month: NaiveDate,
    pub aum: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssignedRm {
    pub staff_id: StaffId,
    pub display_name: String,
    pub primary: bool,
    pub effective_from: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Customer360 {
    pub party: PartyDetail,
    pub relationships: Vec<RelatedParty>,
    pub accounts: Vec<AccountDetail>,
    /// Oldest first.
    pub monthly_aum: Vec<AumPoint>,
    pub rms: Vec<AssignedRm>,
}

/// What the audit viewer filters on; every part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor_username: Option<String>,
    pub party_id: Option<PartyId>,
    pub action: Option<crate::audit::AuditAction>,
    pub from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub to: Option<DateTime<Utc>>,
}

/// A walk-in prospect (潜在客户) entered by staff.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProspect {
    pub name: String,
    pub gender: Option<rapport_domain::Gender>,
    pub birth_date: Option<NaiveDate>,
    pub resident_id: Option<rapport_domain::ResidentId>,
    pub mobile: Option<rapport_domain::Mobile>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub home_branch: BranchId,
    /// Becomes the prospect's primary RM (the RM who met them).
    pub primary_rm: Option<StaffId>,
}

/// A change of contact details. `None` leaves a field as it is; `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactChanges {
    pub mobile: Option<Option<rapport_domain::Mobile>>,
    pub email: Option<Option<String>>,
    pub address: Option<Option<String>>,
    pub preferred_channel: Option<Option<String>>,
}

/// Who made a change and through what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeAuthor {
    pub staff_id: Option<StaffId>,
    pub username: String,
    /// `rapport` for the UI and API, or a source system's name.
    pub source: String,
    pub at: DateTime<Utc>,
}

/// One field's change, values in clear (decrypted by the store for the edge to mask).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartyChange {
    pub version: i64,
    pub changed_at: DateTime<Utc>,
    pub changed_by: String,
    pub source: String,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}
