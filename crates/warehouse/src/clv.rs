//! Purchase histories for the lifetime-value models (R3.5), summarised by SQL: per party the
//! days with spending (debits in the base currency, by local booking date) up to as-of — how
//! many after the first, the first and the last, and what the repeat days spent.
use chrono::{Days, NaiveDate};
use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Date32Type, Float64Type, Int64Type};

use crate::Warehouse;
use crate::error::{Result, WarehouseError};
use crate::session::query_error;

/// One party's spending days, as BG/NBD and Gamma-Gamma read them (in days).
#[derive(Debug, Clone, PartialEq)]
pub struct ClvSummaryRow {
    pub party_id: i64,
    /// Spending days after the first.
    pub frequency: u32,
    /// Days from the first to the last spending day.
    pub recency_days: f64,
    /// Days from the first spending day to as-of.
    pub age_days: f64,
    /// Mean spend of a repeat day, minor units (0 when there is none).
    pub mean_repeat_spend_minor: f64,
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

fn day_of(days: i32) -> Result<NaiveDate> {
    let e = epoch();
    let d = if days >= 0 {
        e.checked_add_days(Days::new(days as u64))
    } else {
        e.checked_sub_days(Days::new(u64::from(days.unsigned_abs())))
    };
    d.ok_or_else(|| WarehouseError::Internal(format!("day {days} out of range")))
}

/// The statement over `transactions` and `accounts` (one join against the account dimension,
/// then aggregations: all of it spills).
pub fn clv_summary_sql(as_of: NaiveDate, currency: &str) -> String {
    format!(
        "WITH days AS (\
           SELECT a.party_id, t.booked_on AS day, SUM(CAST(t.amount AS DOUBLE)) AS spend \
           FROM transactions t JOIN accounts a ON a.account_key = t.account_key \
           WHERE t.direction = 'debit' AND t.currency = '{currency}' \
             AND t.booked_on <= DATE '{as_of}' \
           GROUP BY a.party_id, t.booked_on), \
         firsts AS (SELECT party_id, MIN(day) AS first_day FROM days GROUP BY party_id) \
         SELECT d.party_id, COUNT(*) - 1 AS frequency, f.first_day, MAX(d.day) AS last_day, \
           SUM(CASE WHEN d.day > f.first_day THEN d.spend ELSE 0 END) AS repeat_spend \
         FROM days d JOIN firsts f ON f.party_id = d.party_id \
         GROUP BY d.party_id, f.first_day ORDER BY d.party_id"
    )
}

impl Warehouse {
    /// Every party with spending up to `as_of` (the account dimension must be written).
    /// Runs on a runtime of its own: call it from a blocking thread.
    pub fn clv_summaries(&self, as_of: NaiveDate) -> Result<Vec<ClvSummaryRow>> {
        let session = self.feature_session()?;
        let batches = session.sql(&clv_summary_sql(as_of, self.base_currency()))?;
        let as_of_days = (as_of - epoch()).num_days() as f64;
        let mut out = Vec::new();
        for b in batches {
            let col = |name: &str, ty: &DataType| {
                let c = b
                    .column_by_name(name)
                    .ok_or_else(|| WarehouseError::Internal(format!("CLV query lost `{name}`")))?;
                cast(c, ty).map_err(query_error)
            };
            let party = col("party_id", &DataType::Int64)?;
            let frequency = col("frequency", &DataType::Int64)?;
            let first = col("first_day", &DataType::Date32)?;
            let last = col("last_day", &DataType::Date32)?;
            let spend = col("repeat_spend", &DataType::Float64)?;
            let (party, frequency) = (
                party.as_primitive::<Int64Type>(),
                frequency.as_primitive::<Int64Type>(),
            );
            let (first, last) = (
                first.as_primitive::<Date32Type>(),
                last.as_primitive::<Date32Type>(),
            );
            let spend = spend.as_primitive::<Float64Type>();
            for i in 0..b.num_rows() {
                if party.is_null(i) || first.is_null(i) || last.is_null(i) {
                    continue;
                }
                let x = u32::try_from(frequency.value(i).max(0)).unwrap_or(u32::MAX);
                day_of(first.value(i))?;
                let (f, l) = (f64::from(first.value(i)), f64::from(last.value(i)));
                out.push(ClvSummaryRow {
                    party_id: party.value(i),
                    frequency: x,
                    recency_days: if x == 0 { 0.0 } else { l - f },
                    age_days: (as_of_days - f).max(0.0),
                    // The amounts are in major units with two decimals.
                    mean_repeat_spend_minor: if x == 0 {
                        0.0
                    } else {
                        spend.value(i) * 100.0 / f64::from(x)
                    },
                });
            }
        }
        Ok(out)
    }
}
