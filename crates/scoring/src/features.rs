//! The per-party features the warehouse computes (one row per party and as-of date): the
//! agreed interface between `rapport-warehouse` (which fills it by SQL over the Parquet
//! files) and the scoring models here.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Months of history in a feature row.
pub const MONTHS: usize = 12;

/// What the warehouse knows of one party at the end of the as-of month. Money is in minor
/// units (fen) of the bank's base currency; monthly series have index 0 = the as-of month,
/// index 11 = eleven months before it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Features {
    pub party_id: i64,
    pub as_of: NaiveDate,
    /// The party's home branch (sub-branch) id.
    pub branch_id: Option<i64>,
    pub is_organisation: bool,
    /// Months since the party's first account was opened (or it was onboarded).
    pub tenure_months: u32,
    /// Month-end assets under management: current and time deposits, wealth management
    /// products, funds and insurance.
    pub aum: [i64; MONTHS],
    // Balances at the end of the as-of month, by product family.
    pub current_deposits: i64,
    pub time_deposits: i64,
    pub wealth: i64,
    pub funds: i64,
    pub insurance: i64,
    /// Outstanding mortgage, consumer and business loans.
    pub loans: i64,
    /// Credit-card balance owed.
    pub card_balance: i64,
    /// Product families with at least one open account (`ProductFamily::as_str`), sorted.
    pub families_held: Vec<String>,
    pub open_accounts: u32,
    /// Transactions booked per month (all accounts of the party).
    pub tx_count: [u32; MONTHS],
    /// Money in (credits) and out (debits) per month.
    pub credit_amount: [i64; MONTHS],
    pub debit_amount: [i64; MONTHS],
    /// Days from the last transaction to the as-of date; `None` when there was none in the
    /// warehouse's window.
    pub days_since_last_tx: Option<u32>,
    /// Months (of the last 12) with a payroll credit.
    pub payroll_months: u32,
    /// Share of the last 12 months' transactions made in internet or mobile banking (0–1).
    pub digital_share: f64,
    /// Balance of time deposits and wealth products maturing within 90 days after as-of.
    pub maturing_90d: i64,
    /// Loan and card accounts whose monthly repayment was missed in the last 12 months.
    pub missed_repayments: u32,
    /// Months since the last missed repayment; `None` when none was missed.
    pub months_since_missed_repayment: Option<u32>,
}
