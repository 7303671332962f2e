//! Per-party features ([`rapport_scoring::Features`]) by SQL over the warehouse's Parquet files,
//! and the features table they are kept in for segments.
//!
//! Definitions (money in minor units of the base currency; amounts in other currencies are
//! counted but not summed):
//! - `aum[m]`: the sum over the party's asset accounts (`ProductFamily::is_asset`) of each
//!   account's last balance in month `m` (no balance row that month: the account adds nothing).
//!   For the as-of month, an account with no balance row falls back to the account
//!   dimension's balance when the dimension snapshot is of that month.
//! - balances by family: the same month-end balances for the as-of month.
//! - `families_held`, `open_accounts`, `maturing_90d`: from the account dimension, accounts open
//!   at as-of — opened by then and not closed by then (`closed_on`; a closed account without a
//!   closing date counts as closed), so a past snapshot sees what was held then; maturing = the
//!   as-of month-end balance of time deposits and wealth products with `matures_on` in
//!   (as-of, as-of + 90 days].
//! - `tx_count`, `credit_amount`, `debit_amount`: by the local booking date, the 12 months
//!   ending at as-of (transactions after as-of are left out).
//! - `payroll_months`: months with a credit on a payroll account or described as 工资/代发.
//! - `digital_share`: transactions in channel `internet` or `mobile` over all transactions.
//! - `missed_repayments`: (loan or card account, month) pairs where the account is active
//!   in the dimension (or was closed on or after the month's first day), was opened before the month and had not matured, the month is complete
//!   (the as-of month only when as-of is its last day), and: for a loan, no credit was booked
//!   to it that month; for a card, it was used that month and no credit was booked to it that
//!   month or the next (a statement falls due the month after; a card not used owes nothing),
//!   so a card's as-of month is never judged. `months_since_missed_repayment` is the latest
//!   such month's index.
//! - `tenure_months`: whole months from the earlier of onboarding and the first account opened.
//!
//! A party gets a row when it has at least one account in the dimension opened by as-of.
mod read;
pub(crate) mod sql;
mod table;

use chrono::NaiveDate;
use rapport_scoring::Features;

pub use sql::{Dialect, MATURING_DAYS, features_sql};
pub use table::{FEATURES, features_schema};

use crate::dims::{ACCOUNTS_FILE, DIM, PARTIES_FILE, accounts_dim_schema, parties_dim_schema};
use crate::error::{Result, WarehouseError};
use crate::session::Session;
use crate::{Warehouse, balances_schema, transactions_schema};

impl Warehouse {
    /// A session with the four inputs of the feature query registered by path.
    pub(crate) fn feature_session(&self) -> Result<Session> {
        let dim = self.root().join(DIM);
        for file in [ACCOUNTS_FILE, PARTIES_FILE] {
            if !dim.join(file).is_file() {
                return Err(WarehouseError::NoDimensions);
            }
        }
        let s = Session::new(self.root(), self.query_config())?;
        s.register_months(
            "transactions",
            &self.root().join("transactions"),
            transactions_schema(),
        )?;
        s.register_months("balances", &self.root().join("balances"), balances_schema())?;
        s.register_file("accounts", &dim.join(ACCOUNTS_FILE), accounts_dim_schema())?;
        s.register_file("parties", &dim.join(PARTIES_FILE), parties_dim_schema())?;
        Ok(s)
    }

    /// One row of features per party with an account in the dimension snapshot (written by
    /// [`Warehouse::write_dimensions`]), at the end of `as_of`, ordered by party id. Runs on a
    /// runtime of its own: call it from a blocking thread, not from async code.
    pub fn party_features(&self, as_of: NaiveDate) -> Result<Vec<Features>> {
        let session = self.feature_session()?;
        let sql = features_sql(as_of, self.base_currency(), Dialect::DataFusion);
        let batches = session.sql(&sql)?;
        read::features(as_of, &batches)
    }
}
