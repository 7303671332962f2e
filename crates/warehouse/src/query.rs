//! Reads over the warehouse with DataFusion SQL (the files stay the source of truth).
use chrono::NaiveDate;
use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Decimal128Type};

use crate::session::Session;
use crate::{Result, Warehouse, WarehouseError, balances_schema};

/// An account's balance at the last date of a month the warehouse knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthBalance {
    pub account_key: String,
    /// The first day of the month.
    pub month: NaiveDate,
    pub currency: String,
    /// In minor units (fen).
    pub balance_minor: i64,
}

fn internal(e: impl std::fmt::Display) -> WarehouseError {
    WarehouseError::Internal(e.to_string())
}

impl Warehouse {
    /// Each account's last balance of each month, from the balance history.
    pub fn month_end_balances(&self) -> Result<Vec<MonthBalance>> {
        let session = Session::new(self.root(), self.query_config())?;
        session.register_months("balances", &self.root().join("balances"), balances_schema())?;
        // One grouped aggregation (it spills) rather than a self-join, whose build side of
        // every account-month would have to fit in memory (it does not at a million customers).
        let batches = session.sql(
            "SELECT account_key, month, last_value(currency ORDER BY as_of) AS currency, \
             last_value(balance ORDER BY as_of) AS balance FROM balances \
             GROUP BY account_key, month",
        )?;
        let mut out = Vec::new();
        for batch in batches {
            // Strings may come back as views or dictionaries (partition columns): read them as
            // plain UTF-8.
            let text = |i: usize| cast(batch.column(i), &DataType::Utf8).map_err(internal);
            let (keys, months, currencies) = (text(0)?, text(1)?, text(2)?);
            let (keys, months, currencies) = (
                keys.as_string::<i32>(),
                months.as_string::<i32>(),
                currencies.as_string::<i32>(),
            );
            let balances = batch.column(3).as_primitive::<Decimal128Type>();
            for i in 0..batch.num_rows() {
                if balances.is_null(i) {
                    continue;
                }
                let month =
                    NaiveDate::parse_from_str(&format!("{}-01", months.value(i)), "%Y-%m-%d")
                        .map_err(internal)?;
                out.push(MonthBalance {
                    account_key: keys.value(i).to_owned(),
                    month,
                    currency: currencies.value(i).to_owned(),
                    balance_minor: i64::try_from(balances.value(i)).map_err(internal)?,
                });
            }
        }
        Ok(out)
    }
}
