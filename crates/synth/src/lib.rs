//! A deterministic synthetic bank with ground truth.
//!
//! [`Generator`] turns a [`SynthConfig`] (customer count, seed, as-of date) into the bank's
//! reference data (branches, staff, products) and a sequence of independent
//! [`GeneratedBatch`]es: the "true" customers with relationships, accounts, 24 months of AUM and
//! RM assignments, plus the noisy copies of those customers that each source system holds and,
//! optionally, transactions. The same configuration always yields byte-identical output; each
//! batch is a pure function of the configuration and its index, so batches can be generated in
//! any order or in parallel and never need the whole bank in memory.
//!
//! See `docs/synthetic-bank.md` for the distributions and every noise rate.

mod balances;
mod batch;
mod churn;
mod closure;
pub mod data;
mod extract;
pub mod noise;
mod people;
mod reference;
mod rng;
mod transactions;

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use rapport_domain::records::{CustomerBatch, ReferenceData};
use rapport_domain::{
    AccountStatus, CustomerNumber, Money, PartyId, PartyKind, ProductFamily, SourceSystem,
};
use serde::{Deserialize, Serialize};

pub use balances::{CARD_LEVEL_OF_LIMIT, CARD_NOISE};
pub use batch::ARCHETYPE_MIX;
pub use churn::{Hazard, churn_probability};
pub use closure::{CHURNER_CLOSES_ALL, CLOSED_ONE_ACCOUNT, MIN_DAYS_HELD};
pub use extract::{
    BALANCES_CSV, ExtractSummary, MAPPINGS, TRANSACTIONS_CSV, TRUTH_CUSTOMERS_CSV,
    TRUTH_RECORDS_CSV, mapping_file_name, read_truth_customers, write_extracts,
};
pub use rng::luhn_valid;
pub use transactions::{MISSED_REPAYMENT_RATE, TRANSACTION_MONTHS};

/// Customers per batch; the last batch holds the remainder.
pub const BATCH_SIZE: u64 = 5_000;
/// The generator refuses smaller banks: below this the invariants (every RM has a portfolio,
/// every branch has customers) cannot all hold.
pub const MIN_CUSTOMERS: u64 = 100;
/// Account and card numbers embed the party number, which caps the size of the bank.
pub const MAX_CUSTOMERS: u64 = 99_999_999;
/// Months of AUM history per party.
pub const AUM_MONTHS: u32 = 24;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthConfig {
    pub customers: u64,
    pub seed: u64,
    pub as_of: NaiveDate,
    pub transactions: bool,
}

impl SynthConfig {
    pub fn default_as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default()
    }
}

impl Default for SynthConfig {
    fn default() -> Self {
        Self {
            customers: 10_000,
            seed: 42,
            as_of: Self::default_as_of(),
            transactions: true,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("invalid synthetic bank configuration: {0}")]
    InvalidConfig(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write CSV {path}: {source}")]
    Csv {
        path: String,
        #[source]
        source: csv::Error,
    },
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
    #[error("generated an invalid value (a bug in the generator): {0}")]
    Internal(String),
}

/// How a customer's balances behave over time; the ground truth behind the AUM curves. Churn is
/// not an archetype: a customer of any archetype may leave (see [`churn_probability`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Archetype {
    Growing,
    Steady,
    Seasonal,
    Dormant,
    New,
    HighNetWorth,
}

impl Archetype {
    pub const ALL: &'static [Archetype] = &[
        Self::Growing,
        Self::Steady,
        Self::Seasonal,
        Self::Dormant,
        Self::New,
        Self::HighNetWorth,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Growing => "growing",
            Self::Steady => "steady",
            Self::Seasonal => "seasonal",
            Self::Dormant => "dormant",
            Self::New => "new",
            Self::HighNetWorth => "high_net_worth",
        }
    }
}

impl fmt::Display for Archetype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Archetype {
    type Err = SynthError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| SynthError::InvalidConfig(format!("unknown archetype '{s}'")))
    }
}

impl Serialize for Archetype {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Archetype {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Ground truth about one party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TruthCustomer {
    pub party_id: PartyId,
    pub customer_number: CustomerNumber,
    pub kind: PartyKind,
    /// `None` for prospects, which hold no accounts and therefore have no balance behaviour.
    pub archetype: Option<Archetype>,
    /// The month (its first day) a customer's balances reach their floor after it decided to
    /// leave: the month it churns. `None` for customers who had not churned by as-of.
    pub churned_in: Option<NaiveDate>,
    /// The month (its first day) the customer decided to leave, if it did within the generated
    /// months; its churn month is this plus `wind_down_months` (possibly after as-of).
    pub decided_in: Option<NaiveDate>,
    /// Months from the decision to the churn month (0 = abrupt); set with `decided_in`.
    pub wind_down_months: Option<u32>,
    /// The customer's monthly hazard of deciding to leave; `None` for prospects.
    pub hazard: Option<Hazard>,
    /// The first month of a temporary dip in balances that recovered (or is recovering at
    /// as-of): a false alarm.
    pub dip_in: Option<NaiveDate>,
}

/// A customer record as one source system holds it, noise included; `party_id` is the truth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRecord {
    pub source_system: SourceSystem,
    pub source_key: String,
    pub party_id: PartyId,
    pub name: String,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub resident_id: Option<String>,
    pub uscc: Option<String>,
    pub mobile: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub branch_code: Option<String>,
    pub updated_at: NaiveDate,
}

/// An account as the core-banking or card system holds it, under one of its customer records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceAccount {
    pub source_system: SourceSystem,
    /// Key of the owning [`SourceRecord`] in the same system.
    pub source_key: String,
    pub account_number: String,
    pub product_code: String,
    pub family: ProductFamily,
    pub balance: Money,
    pub limit: Option<Money>,
    pub opened_on: NaiveDate,
    pub matures_on: Option<NaiveDate>,
    pub status: AccountStatus,
    pub branch_code: String,
    /// When a closed account was closed (as the source reports it).
    pub closed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Money in (存入/贷记).
    Credit,
    /// Money out (支出/借记).
    Debit,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Credit => "credit",
            Self::Debit => "debit",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Counter,
    Atm,
    Pos,
    Internet,
    Mobile,
    Phone,
}

impl Channel {
    pub const ALL: &'static [Channel] = &[
        Self::Counter,
        Self::Atm,
        Self::Pos,
        Self::Internet,
        Self::Mobile,
        Self::Phone,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Counter => "counter",
            Self::Atm => "atm",
            Self::Pos => "pos",
            Self::Internet => "internet",
            Self::Mobile => "mobile",
            Self::Phone => "phone",
        }
    }
}

macro_rules! serialize_as_str {
    ($($t:ty),*) => {$(
        impl Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}
serialize_as_str!(Direction, Channel);

/// A booked transaction on an account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transaction {
    /// Unique across the bank: `party_id * 100_000 + n`.
    pub id: u64,
    pub account_number: String,
    pub party_id: PartyId,
    pub booked_at: DateTime<Utc>,
    /// Always positive; see `direction`.
    pub amount: Money,
    pub direction: Direction,
    pub channel: Channel,
    pub description: String,
}

/// Everything generated for one batch of customers.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GeneratedBatch {
    pub customers: CustomerBatch,
    pub truth: Vec<TruthCustomer>,
    pub source_records: Vec<SourceRecord>,
    pub source_accounts: Vec<SourceAccount>,
    pub transactions: Vec<Transaction>,
}

/// The synthetic bank.
pub struct Generator {
    config: SynthConfig,
    reference: ReferenceData,
    layout: reference::Layout,
}

impl fmt::Debug for Generator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Generator")
            .field("config", &self.config)
            .field("branches", &self.reference.branches.len())
            .field("staff", &self.reference.staff.len())
            .finish()
    }
}

impl Generator {
    pub fn new(config: SynthConfig) -> Result<Generator, SynthError> {
        if config.customers == 0 {
            return Err(SynthError::InvalidConfig(
                "customers must be at least 1 (and at least 100 for a usable bank)".into(),
            ));
        }
        if config.customers < MIN_CUSTOMERS {
            return Err(SynthError::InvalidConfig(format!(
                "customers must be at least {MIN_CUSTOMERS}, got {}",
                config.customers
            )));
        }
        if config.customers > MAX_CUSTOMERS {
            return Err(SynthError::InvalidConfig(format!(
                "customers must be at most {MAX_CUSTOMERS}, got {}",
                config.customers
            )));
        }
        let year = chrono::Datelike::year(&config.as_of);
        if !(2000..=2100).contains(&year) {
            return Err(SynthError::InvalidConfig(format!(
                "as_of must be between 2000 and 2100, got {}",
                config.as_of
            )));
        }
        let (reference, layout) = reference::build(&config)?;
        Ok(Generator {
            config,
            reference,
            layout,
        })
    }

    pub fn config(&self) -> &SynthConfig {
        &self.config
    }

    pub fn reference(&self) -> &ReferenceData {
        &self.reference
    }

    pub fn batch_count(&self) -> usize {
        self.config.customers.div_ceil(BATCH_SIZE) as usize
    }

    /// The party ids of batch `index` (inclusive range); empty past the last batch.
    pub fn batch_party_range(&self, index: usize) -> std::ops::RangeInclusive<i64> {
        let lo = index as u64 * BATCH_SIZE + 1;
        let hi = ((index as u64 + 1) * BATCH_SIZE).min(self.config.customers);
        lo as i64..=hi as i64
    }

    /// Generates batch `index`; a pure function of the configuration and `index`. Past the last
    /// batch this returns an empty batch.
    pub fn batch(&self, index: usize) -> GeneratedBatch {
        if index >= self.batch_count() {
            return GeneratedBatch::default();
        }
        batch::generate(self, index)
    }

    pub fn batches(&self) -> impl Iterator<Item = GeneratedBatch> + '_ {
        (0..self.batch_count()).map(move |i| self.batch(i))
    }
}
