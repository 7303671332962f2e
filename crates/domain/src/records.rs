//! Plain records of a bank's data in the shape the operational store loads them: what the
//! synthetic generator produces today and what identity resolution will produce later.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    AccountStatus, BranchId, BranchLevel, CustomerNumber, Gender, Mobile, Money, PartyId,
    PartyKind, ProductFamily, RelationshipKind, ResidentId, Role, SourceSystem, StaffId, Uscc,
    Username,
};

/// The fields of an account in a source system's extract, in the order the synthetic bank
/// writes them and an account mapping may fill them.
pub const ACCOUNT_FIELDS: &[&str] = &[
    "source_key",
    "account_number",
    "product_code",
    "family",
    "currency",
    "balance",
    "limit",
    "opened_on",
    "matures_on",
    "status",
    "branch_code",
    "closed_on",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BranchRecord {
    pub id: BranchId,
    pub parent: Option<BranchId>,
    pub level: BranchLevel,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

/// A staff member. Passwords are never part of a record: logins are created separately.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffRecord {
    pub id: StaffId,
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub branch_id: Option<BranchId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductRecord {
    pub code: String,
    pub family: ProductFamily,
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartyRecord {
    pub id: PartyId,
    pub customer_number: CustomerNumber,
    pub kind: PartyKind,
    /// Hanzi name of a person, registered name of an organisation.
    pub name: String,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub resident_id: Option<ResidentId>,
    pub uscc: Option<Uscc>,
    pub mobile: Option<Mobile>,
    pub email: Option<String>,
    /// Full address: province, city, district, street and number.
    pub address: Option<String>,
    pub occupation: Option<String>,
    /// Annual income band, e.g. `100k-300k` (CNY).
    pub income_band: Option<String>,
    pub home_branch: BranchId,
    pub onboarded_on: NaiveDate,
}

/// A directed link between two parties; see [`RelationshipKind`] for the direction of each kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelationshipRecord {
    pub from: PartyId,
    pub to: PartyId,
    pub kind: RelationshipKind,
    pub since: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRecord {
    /// Account or card number as the source system shows it.
    pub account_number: String,
    pub party_id: PartyId,
    pub product_code: String,
    pub family: ProductFamily,
    /// Current balance; for loans and cards, the amount owed (positive).
    pub balance: Money,
    /// Credit limit of a card or facility amount of a loan.
    pub limit: Option<Money>,
    pub opened_on: NaiveDate,
    pub matures_on: Option<NaiveDate>,
    pub status: AccountStatus,
    pub source_system: SourceSystem,
    pub branch_id: BranchId,
    /// The day a closed account was closed, when its source system says.
    pub closed_on: Option<NaiveDate>,
}

/// Assets under management at the end of a month (`month` is the first day of that month).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MonthlyAumRecord {
    pub party_id: PartyId,
    pub month: NaiveDate,
    pub aum: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RmAssignmentRecord {
    pub party_id: PartyId,
    pub staff_id: StaffId,
    pub primary: bool,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

/// The bank's reference data, loaded before any customer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReferenceData {
    pub branches: Vec<BranchRecord>,
    pub staff: Vec<StaffRecord>,
    pub products: Vec<ProductRecord>,
}

/// A batch of customers with everything that hangs off them. Relationships may point at
/// parties of earlier batches, never of later ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerBatch {
    pub parties: Vec<PartyRecord>,
    pub relationships: Vec<RelationshipRecord>,
    pub accounts: Vec<AccountRecord>,
    pub monthly_aum: Vec<MonthlyAumRecord>,
    pub rm_assignments: Vec<RmAssignmentRecord>,
}
