//! Dimension snapshots: which party owns each account, of which product family and status, and
//! what the warehouse needs to know of each party. The operational store is the source; the
//! caller writes a fresh snapshot before computing features, replacing the previous one.
//!
//! ```text
//! <root>/dim/accounts.parquet   one row per account (account_key unique)
//! <root>/dim/parties.parquet    one row per party (party_id unique)
//! ```
use std::collections::HashSet;
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use datafusion::arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Int64Array, RecordBatch, StringArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use rapport_domain::{AccountStatus, ProductFamily};

use crate::Warehouse;
use crate::error::{Result, WarehouseError};
use crate::snapshot::write_parquet_atomic;
use crate::time::days_since_epoch;

pub(crate) const DIM: &str = "dim";
pub(crate) const ACCOUNTS_FILE: &str = "accounts.parquet";
pub(crate) const PARTIES_FILE: &str = "parties.parquet";

/// One account as the operational store knows it on the snapshot date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountDim {
    /// The blind index of the account number, as in `transactions` and `balances`.
    pub account_key: String,
    pub party_id: i64,
    /// `ProductFamily::as_str`.
    pub family: String,
    pub opened_on: NaiveDate,
    pub matures_on: Option<NaiveDate>,
    /// `AccountStatus::as_str`: active, dormant, frozen or closed.
    pub status: String,
    /// The day a closed account was closed, when known: a snapshot before it counts the
    /// account as open. A closed account without one counts as closed at every snapshot.
    pub closed_on: Option<NaiveDate>,
    /// Current balance in minor units; what is owed for loans and cards.
    pub balance_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyDim {
    pub party_id: i64,
    pub branch_id: Option<i64>,
    pub is_organisation: bool,
    pub onboarded_on: Option<NaiveDate>,
}

/// `dim/accounts.parquet`. `account_id` is the row's position in the snapshot: a small integer
/// to group by instead of the 32-character key (it changes from one snapshot to the next).
/// `snapshot_on` is the date the snapshot describes, on every row so SQL can test it.
pub fn accounts_dim_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("account_key", DataType::Utf8, false),
        Field::new("account_id", DataType::Int64, false),
        Field::new("party_id", DataType::Int64, false),
        Field::new("family", DataType::Utf8, false),
        Field::new("opened_on", DataType::Date32, false),
        Field::new("matures_on", DataType::Date32, true),
        Field::new("status", DataType::Utf8, false),
        Field::new("balance_minor", DataType::Int64, false),
        Field::new("snapshot_on", DataType::Date32, false),
        Field::new("closed_on", DataType::Date32, true),
    ]))
}

/// `dim/parties.parquet`.
pub fn parties_dim_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("party_id", DataType::Int64, false),
        Field::new("branch_id", DataType::Int64, true),
        Field::new("is_organisation", DataType::Boolean, false),
        Field::new("onboarded_on", DataType::Date32, true),
        Field::new("snapshot_on", DataType::Date32, false),
    ]))
}

fn invalid(message: String) -> WarehouseError {
    WarehouseError::InvalidDimension(message)
}

/// Refuses what would make the feature sums wrong: an account counted twice, a family or status
/// the SQL does not know (it would silently fall out of every bucket).
fn check_accounts(accounts: &[AccountDim]) -> Result<()> {
    let mut keys = HashSet::with_capacity(accounts.len());
    for (i, a) in accounts.iter().enumerate() {
        if a.account_key.is_empty() {
            return Err(invalid(format!("account {i}: empty account_key")));
        }
        if !keys.insert(a.account_key.as_str()) {
            return Err(invalid(format!(
                "account {i}: account_key appears twice (party {})",
                a.party_id
            )));
        }
        ProductFamily::from_str(&a.family)
            .map_err(|e| invalid(format!("account {i} (party {}): {e}", a.party_id)))?;
        AccountStatus::from_str(&a.status)
            .map_err(|e| invalid(format!("account {i} (party {}): {e}", a.party_id)))?;
    }
    Ok(())
}

fn accounts_batch(as_of: NaiveDate, accounts: &[AccountDim]) -> Result<RecordBatch> {
    let date = |d: NaiveDate| days_since_epoch(d);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(
            accounts.iter().map(|a| a.account_key.as_str()),
        )),
        Arc::new(Int64Array::from_iter_values(0..accounts.len() as i64)),
        Arc::new(Int64Array::from_iter_values(
            accounts.iter().map(|a| a.party_id),
        )),
        Arc::new(StringArray::from_iter_values(
            accounts.iter().map(|a| a.family.as_str()),
        )),
        Arc::new(Date32Array::from_iter_values(
            accounts.iter().map(|a| date(a.opened_on)),
        )),
        Arc::new(Date32Array::from_iter(
            accounts.iter().map(|a| a.matures_on.map(date)),
        )),
        Arc::new(StringArray::from_iter_values(
            accounts.iter().map(|a| a.status.as_str()),
        )),
        Arc::new(Int64Array::from_iter_values(
            accounts.iter().map(|a| a.balance_minor),
        )),
        Arc::new(Date32Array::from_iter_values(std::iter::repeat_n(
            date(as_of),
            accounts.len(),
        ))),
        Arc::new(Date32Array::from_iter(
            accounts.iter().map(|a| a.closed_on.map(date)),
        )),
    ];
    Ok(RecordBatch::try_new(accounts_dim_schema(), columns)?)
}

fn parties_batch(as_of: NaiveDate, parties: &[PartyDim]) -> Result<RecordBatch> {
    let mut ids = HashSet::with_capacity(parties.len());
    if let Some(p) = parties.iter().find(|p| !ids.insert(p.party_id)) {
        return Err(invalid(format!("party {} appears twice", p.party_id)));
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from_iter_values(
            parties.iter().map(|p| p.party_id),
        )),
        Arc::new(Int64Array::from_iter(parties.iter().map(|p| p.branch_id))),
        Arc::new(BooleanArray::from_iter(
            parties.iter().map(|p| Some(p.is_organisation)),
        )),
        Arc::new(Date32Array::from_iter(
            parties.iter().map(|p| p.onboarded_on.map(days_since_epoch)),
        )),
        Arc::new(Date32Array::from_iter_values(std::iter::repeat_n(
            days_since_epoch(as_of),
            parties.len(),
        ))),
    ];
    Ok(RecordBatch::try_new(parties_dim_schema(), columns)?)
}

impl Warehouse {
    /// Replaces the dimension snapshots with these accounts and parties as of `as_of`. Each file
    /// is replaced whole (written beside it, then renamed); accounts are written last, so a
    /// feature query that starts between the two renames sees new parties with the old
    /// accounts, which only changes branch and onboarding fields.
    pub fn write_dimensions(
        &self,
        as_of: NaiveDate,
        accounts: &[AccountDim],
        parties: &[PartyDim],
    ) -> Result<()> {
        check_accounts(accounts)?;
        let parties = parties_batch(as_of, parties)?;
        let accounts = accounts_batch(as_of, accounts)?;
        let dir = self.root().join(DIM);
        write_parquet_atomic(&dir, PARTIES_FILE, &[parties])?;
        write_parquet_atomic(&dir, ACCOUNTS_FILE, &[accounts])
    }
}
