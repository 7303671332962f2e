//! Which CSV column feeds which field. Columns are found by header name, so extra columns
//! and any column order are fine.
use crate::error::{Result, WarehouseError};

/// Header names of the columns that feed a transaction. `Default` is the synthetic bank's
/// `transactions.csv`: `id,account_number,booked_at,direction,amount,currency,channel,description`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionColumns {
    pub transaction_id: String,
    pub account_number: String,
    /// RFC 3339 (`2025-03-04T05:06:07Z`, or with an offset), or a local time without offset
    /// (`2025-03-04 13:06:07`) read in the bank's zone.
    pub booked_at: String,
    /// `credit`/`debit` (also `CR`/`DR`), any case.
    pub direction: String,
    /// A positive plain decimal with at most 2 decimals.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
    /// Optional: `None` stores nulls.
    pub channel: Option<String>,
    /// Optional: `None` stores nulls.
    pub description: Option<String>,
}

impl Default for TransactionColumns {
    fn default() -> Self {
        Self {
            transaction_id: "id".into(),
            account_number: "account_number".into(),
            booked_at: "booked_at".into(),
            direction: "direction".into(),
            amount: "amount".into(),
            currency: "currency".into(),
            channel: Some("channel".into()),
            description: Some("description".into()),
        }
    }
}

/// Header names of the columns that feed an end-of-day balance. `Default`:
/// `account_number,as_of,balance,currency`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceColumns {
    pub account_number: String,
    /// `YYYY-MM-DD` or `YYYYMMDD`.
    pub as_of: String,
    /// A plain decimal with at most 2 decimals; negative for overdrawn or card accounts.
    pub balance: String,
    pub currency: String,
}

impl Default for BalanceColumns {
    fn default() -> Self {
        Self {
            account_number: "account_number".into(),
            as_of: "as_of".into(),
            balance: "balance".into(),
            currency: "currency".into(),
        }
    }
}

/// The header of a file, with the lookups the column maps need.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub(crate) names: Vec<String>,
}

/// A resolved column: its position in each record and its header name (for rejects).
#[derive(Debug, Clone)]
pub(crate) struct Col {
    pub(crate) index: usize,
    pub(crate) name: String,
}

impl Header {
    pub(crate) fn new(mut names: Vec<String>) -> Self {
        // Excel and Windows tools start UTF-8 files with a byte-order mark.
        if let Some(first) = names.first_mut()
            && let Some(rest) = first.strip_prefix('\u{feff}')
        {
            *first = rest.to_owned();
        }
        for n in &mut names {
            *n = n.trim().to_owned();
        }
        Self { names }
    }

    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    pub(crate) fn find(&self, column: &str) -> Result<Col> {
        let mut hits = self.names.iter().enumerate().filter(|(_, n)| *n == column);
        match (hits.next(), hits.next()) {
            (Some((index, _)), None) => Ok(Col {
                index,
                name: column.to_owned(),
            }),
            (Some(_), Some(_)) => Err(WarehouseError::DuplicateColumn {
                column: column.to_owned(),
            }),
            (None, _) => Err(WarehouseError::MissingColumn {
                column: column.to_owned(),
                available: self.names.clone(),
            }),
        }
    }

    pub(crate) fn find_opt(&self, column: Option<&String>) -> Result<Option<Col>> {
        column.map(|c| self.find(c)).transpose()
    }
}
