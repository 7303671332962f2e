use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A decimal amount as a string (never a float) with its ISO 4217 currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MoneyDto {
    #[schema(example = "1234.56")]
    pub amount: String,
    #[schema(example = "CNY")]
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BranchDto {
    pub id: i64,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CustomerSummaryDto {
    pub id: i64,
    pub customer_number: String,
    /// individual, organisation or prospect.
    pub kind: String,
    /// Masked (`张*`) unless the viewer's role shows names.
    pub name: String,
    /// Masked (`138****5678`) unless the viewer's role shows mobiles.
    pub mobile: Option<String>,
    /// Always masked (first 6 + last 4) until unmasking on demand exists.
    pub resident_id: Option<String>,
    pub home_branch: BranchDto,
    pub primary_rm: Option<String>,
    pub latest_aum: Option<MoneyDto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CustomerPage {
    pub items: Vec<CustomerSummaryDto>,
    pub page: u32,
    pub page_size: u32,
    pub has_more: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProfileDto {
    pub id: i64,
    pub customer_number: String,
    pub kind: String,
    pub name: String,
    pub gender: Option<String>,
    /// `1980-05-17` for roles that see birth dates, `--05-17` (month and day, ISO 8601) for
    /// roles that see birthdays only, absent for the others.
    pub birth_date: Option<String>,
    pub resident_id: Option<String>,
    /// Unified social credit code of an organisation (public information, not masked).
    pub uscc: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    /// Cut after the district unless the role shows addresses.
    pub address: Option<String>,
    pub occupation: Option<String>,
    pub income_band: Option<String>,
    pub home_branch: BranchDto,
    pub onboarded_on: NaiveDate,
    /// branch, phone, sms, wechat, email or app.
    pub preferred_channel: Option<String>,
    /// Send it back with a change: a change made against an older version is refused (409).
    pub version: i64,
    /// Golden record (R2.4): the source system and record each field came from, and the
    /// survivorship rule that chose it.
    pub field_sources: Vec<FieldSourceDto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FieldSourceDto {
    pub field: String,
    pub source_system: String,
    pub source_key: String,
    /// most_trusted, most_recent, most_complete or derived_from_resident_id.
    pub rule: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RelationshipDto {
    /// household_member, spouse, employer, corporate_group or guarantor.
    pub kind: String,
    /// `outgoing`: this customer → the other party (e.g. this person's employer);
    /// `incoming`: the other party → this customer (e.g. an employee of this company).
    pub direction: String,
    /// Present only when the viewer may open the other party's view.
    pub party_id: Option<i64>,
    pub party_kind: String,
    pub name: String,
    pub since: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AccountDto {
    /// Masked: first 6 + last 4 digits.
    pub account_number: String,
    pub product_code: String,
    pub product_name_zh: String,
    pub product_name_en: String,
    pub family: String,
    pub balance: MoneyDto,
    pub limit: Option<MoneyDto>,
    pub opened_on: NaiveDate,
    pub matures_on: Option<NaiveDate>,
    pub status: String,
    pub source_system: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AumPointDto {
    /// First day of the month; the value is the month-end AUM.
    pub month: NaiveDate,
    pub aum: MoneyDto,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RmDto {
    pub staff_id: i64,
    pub display_name: String,
    pub primary: bool,
    pub effective_from: NaiveDate,
}

/// Everything staff need before a conversation, as far as it exists today.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Customer360Dto {
    pub profile: ProfileDto,
    pub relationships: Vec<RelationshipDto>,
    pub accounts: Vec<AccountDto>,
    /// Month-end AUM for up to the last 24 months, oldest first.
    pub aum_trend: Vec<AumPointDto>,
    pub total_assets: MoneyDto,
    pub total_liabilities: MoneyDto,
    pub relationship_managers: Vec<RmDto>,
    /// The personal fields shown masked in this response.
    pub masked_fields: Vec<String>,
}

/// Asks to see one masked field of a customer in clear, for this view only; audited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnmaskRequest {
    /// name, mobile, resident_id, account_number or address.
    pub field: String,
    /// customer_callback, kyc_review, complaint or other.
    pub reason: String,
    /// Required with `other`; at most 200 characters.
    pub reason_text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UnmaskResponse {
    pub field: String,
    /// The value in clear; for account_number, every account's number in the order of the
    /// 360 view's accounts.
    pub values: Vec<String>,
}

/// A walk-in prospect. Identifiers are validated; a bad one is a 400 naming the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProspectRequest {
    pub name: String,
    /// male or female.
    pub gender: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub resident_id: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

/// Changes contact details. An absent (or null) field stays as it is; an empty string clears it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateContactRequest {
    /// The `version` of the view the change was made on.
    pub version: i64,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// branch, phone, sms, wechat, email or app.
    pub preferred_channel: Option<String>,
}

/// One field's change. Values are masked like the field itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChangeDto {
    pub version: i64,
    pub changed_at: chrono::DateTime<chrono::Utc>,
    pub changed_by: String,
    pub source: String,
    /// created, mobile, email, address or preferred_channel.
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}
