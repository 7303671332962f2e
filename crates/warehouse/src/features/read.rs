//! The feature query's rows into [`Features`]: per-row arithmetic on values SQL aggregated
//! (dates into day and month counts, a share), no aggregation.
use chrono::{Datelike, NaiveDate};
use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Date32Type, Int64Type};
use datafusion::arrow::record_batch::RecordBatch;
use rapport_domain::ProductFamily;
use rapport_scoring::{Features, MONTHS};

use crate::error::{Result, WarehouseError};
use crate::session::query_error;
use crate::time::days_since_epoch;

struct Columns<'a> {
    batch: &'a RecordBatch,
}

impl Columns<'_> {
    fn array(&self, name: &str, ty: &DataType) -> Result<ArrayRef> {
        let col = self
            .batch
            .column_by_name(name)
            .ok_or_else(|| WarehouseError::Internal(format!("feature query lost `{name}`")))?;
        cast(col, ty).map_err(query_error)
    }

    /// An integer column, NULL as `None`.
    fn ints(&self, name: &str) -> Result<Vec<Option<i64>>> {
        let a = self.array(name, &DataType::Int64)?;
        let a = a.as_primitive::<Int64Type>();
        Ok((0..a.len())
            .map(|i| a.is_valid(i).then(|| a.value(i)))
            .collect())
    }

    /// A date column as days since the epoch.
    fn dates(&self, name: &str) -> Result<Vec<Option<i32>>> {
        let a = self.array(name, &DataType::Date32)?;
        let a = a.as_primitive::<Date32Type>();
        Ok((0..a.len())
            .map(|i| a.is_valid(i).then(|| a.value(i)))
            .collect())
    }
}

fn to_u32(v: Option<i64>) -> u32 {
    v.map_or(0, |v| u32::try_from(v.max(0)).unwrap_or(u32::MAX))
}

/// Whole months from `from` to `to` (0 if `from` is later).
/// Row `i` of a column; every column of a batch has a value (or null) per row.
fn at<T: Copy>(column: &[Option<T>], i: usize) -> Option<T> {
    column.get(i).copied().flatten()
}

pub(crate) fn whole_months(from: NaiveDate, to: NaiveDate) -> u32 {
    let months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    let months = if to.day() < from.day() {
        months - 1
    } else {
        months
    };
    u32::try_from(months.max(0)).unwrap_or(0)
}

fn date_of(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::TimeDelta::days(days.into()))
}

pub(crate) fn features(as_of: NaiveDate, batches: &[RecordBatch]) -> Result<Vec<Features>> {
    let mut out = Vec::new();
    let as_of_days = days_since_epoch(as_of);
    for batch in batches {
        let c = Columns { batch };
        let n = batch.num_rows();
        let party = c.ints("party_id")?;
        let series = |prefix: &str| -> Result<Vec<Vec<Option<i64>>>> {
            (0..MONTHS)
                .map(|m| c.ints(&format!("{prefix}_m{m}")))
                .collect()
        };
        let (aum, tx, credit, debit) = (
            series("aum")?,
            series("tx_count")?,
            series("credit")?,
            series("debit")?,
        );
        let holds: Vec<(&str, Vec<Option<i64>>)> = ProductFamily::ALL
            .iter()
            .map(|f| Ok((f.as_str(), c.ints(&format!("holds_{}", f.as_str()))?)))
            .collect::<Result<_>>()?;
        let col = |name: &str| c.ints(name);
        let (branch, org, open, maturing) = (
            col("branch_id")?,
            col("is_organisation")?,
            col("open_accounts")?,
            col("maturing_90d")?,
        );
        let (cur, time, wealth, funds, insurance, loans, card) = (
            col("current_deposits")?,
            col("time_deposits")?,
            col("wealth")?,
            col("funds")?,
            col("insurance")?,
            col("loans")?,
            col("card_balance")?,
        );
        let (total, digital, payroll, missed, missed_m) = (
            col("tx_total")?,
            col("tx_digital")?,
            col("payroll_months")?,
            col("missed_repayments")?,
            col("missed_last_m")?,
        );
        let (first_opened, onboarded, last_tx) = (
            c.dates("first_opened_on")?,
            c.dates("onboarded_on")?,
            c.dates("last_tx_on")?,
        );
        for i in 0..n {
            let Some(party_id) = at(&party, i) else {
                continue;
            };
            let start = match (at(&first_opened, i), at(&onboarded, i)) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let mut families_held: Vec<String> = holds
                .iter()
                .filter(|(_, v)| at(v, i).unwrap_or(0) > 0)
                .map(|(f, _)| (*f).to_owned())
                .collect();
            families_held.sort();
            let tx_total = at(&total, i).unwrap_or(0);
            let money = |v: &[Vec<Option<i64>>]| {
                std::array::from_fn(|m| v.get(m).and_then(|c| at(c, i)).unwrap_or(0))
            };
            out.push(Features {
                party_id,
                as_of,
                branch_id: at(&branch, i),
                is_organisation: at(&org, i).unwrap_or(0) > 0,
                tenure_months: start
                    .and_then(date_of)
                    .map_or(0, |s| whole_months(s, as_of)),
                aum: money(&aum),
                current_deposits: at(&cur, i).unwrap_or(0),
                time_deposits: at(&time, i).unwrap_or(0),
                wealth: at(&wealth, i).unwrap_or(0),
                funds: at(&funds, i).unwrap_or(0),
                insurance: at(&insurance, i).unwrap_or(0),
                loans: at(&loans, i).unwrap_or(0),
                card_balance: at(&card, i).unwrap_or(0),
                families_held,
                open_accounts: to_u32(at(&open, i)),
                tx_count: std::array::from_fn(|m| to_u32(tx.get(m).and_then(|c| at(c, i)))),
                credit_amount: money(&credit),
                debit_amount: money(&debit),
                days_since_last_tx: at(&last_tx, i)
                    .map(|d| u32::try_from((as_of_days - d).max(0)).unwrap_or(0)),
                payroll_months: to_u32(at(&payroll, i)),
                digital_share: if tx_total > 0 {
                    at(&digital, i).unwrap_or(0) as f64 / tx_total as f64
                } else {
                    0.0
                },
                maturing_90d: at(&maturing, i).unwrap_or(0),
                missed_repayments: to_u32(at(&missed, i)),
                months_since_missed_repayment: at(&missed_m, i).map(|m| to_u32(Some(m))),
            });
        }
    }
    Ok(out)
}
