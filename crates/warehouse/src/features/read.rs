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
            let Some(party_id) = party[i] else { continue };
            let start = match (first_opened[i], onboarded[i]) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let mut families_held: Vec<String> = holds
                .iter()
                .filter(|(_, v)| v[i].unwrap_or(0) > 0)
                .map(|(f, _)| (*f).to_owned())
                .collect();
            families_held.sort();
            let tx_total = total[i].unwrap_or(0);
            let money = |v: &[Vec<Option<i64>>]| std::array::from_fn(|m| v[m][i].unwrap_or(0));
            out.push(Features {
                party_id,
                as_of,
                branch_id: branch[i],
                is_organisation: org[i].unwrap_or(0) > 0,
                tenure_months: start
                    .and_then(date_of)
                    .map_or(0, |s| whole_months(s, as_of)),
                aum: money(&aum),
                current_deposits: cur[i].unwrap_or(0),
                time_deposits: time[i].unwrap_or(0),
                wealth: wealth[i].unwrap_or(0),
                funds: funds[i].unwrap_or(0),
                insurance: insurance[i].unwrap_or(0),
                loans: loans[i].unwrap_or(0),
                card_balance: card[i].unwrap_or(0),
                families_held,
                open_accounts: to_u32(open[i]),
                tx_count: std::array::from_fn(|m| to_u32(tx[m][i])),
                credit_amount: money(&credit),
                debit_amount: money(&debit),
                days_since_last_tx: last_tx[i]
                    .map(|d| u32::try_from((as_of_days - d).max(0)).unwrap_or(0)),
                payroll_months: to_u32(payroll[i]),
                digital_share: if tx_total > 0 {
                    digital[i].unwrap_or(0) as f64 / tx_total as f64
                } else {
                    0.0
                },
                maturing_90d: maturing[i].unwrap_or(0),
                missed_repayments: to_u32(missed[i]),
                months_since_missed_repayment: missed_m[i].map(|m| to_u32(Some(m))),
            });
        }
    }
    Ok(out)
}
