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

/// Row `i` of a column; every column of a batch has a value (or null) per row.
fn at<T: Copy>(column: &[Option<T>], i: usize) -> Option<T> {
    column.get(i).copied().flatten()
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
        let columns = FeatureColumns::read(batch)?;
        out.extend((0..batch.num_rows()).filter_map(|i| columns.row(i, as_of, as_of_days)));
    }
    Ok(out)
}

/// One per-month column per month.
type Series = Vec<Vec<Option<i64>>>;

/// The feature query's columns of one batch, read once.
struct FeatureColumns {
    party: Vec<Option<i64>>,
    aum: Series,
    tx: Series,
    credit: Series,
    debit: Series,
    /// For each product family, whether the party holds it (> 0).
    holds: Vec<(&'static str, Vec<Option<i64>>)>,
    branch: Vec<Option<i64>>,
    org: Vec<Option<i64>>,
    open: Vec<Option<i64>>,
    maturing: Vec<Option<i64>>,
    cur: Vec<Option<i64>>,
    time: Vec<Option<i64>>,
    wealth: Vec<Option<i64>>,
    funds: Vec<Option<i64>>,
    insurance: Vec<Option<i64>>,
    loans: Vec<Option<i64>>,
    card: Vec<Option<i64>>,
    total: Vec<Option<i64>>,
    digital: Vec<Option<i64>>,
    payroll: Vec<Option<i64>>,
    missed: Vec<Option<i64>>,
    missed_m: Vec<Option<i64>>,
    first_opened: Vec<Option<i32>>,
    onboarded: Vec<Option<i32>>,
    last_tx: Vec<Option<i32>>,
}

impl FeatureColumns {
    fn read(batch: &RecordBatch) -> Result<FeatureColumns> {
        let c = Columns { batch };
        let series = |prefix: &str| -> Result<Series> {
            (0..MONTHS)
                .map(|m| c.ints(&format!("{prefix}_m{m}")))
                .collect()
        };
        Ok(FeatureColumns {
            party: c.ints("party_id")?,
            aum: series("aum")?,
            tx: series("tx_count")?,
            credit: series("credit")?,
            debit: series("debit")?,
            holds: ProductFamily::ALL
                .iter()
                .map(|f| Ok((f.as_str(), c.ints(&format!("holds_{}", f.as_str()))?)))
                .collect::<Result<_>>()?,
            branch: c.ints("branch_id")?,
            org: c.ints("is_organisation")?,
            open: c.ints("open_accounts")?,
            maturing: c.ints("maturing_90d")?,
            cur: c.ints("current_deposits")?,
            time: c.ints("time_deposits")?,
            wealth: c.ints("wealth")?,
            funds: c.ints("funds")?,
            insurance: c.ints("insurance")?,
            loans: c.ints("loans")?,
            card: c.ints("card_balance")?,
            total: c.ints("tx_total")?,
            digital: c.ints("tx_digital")?,
            payroll: c.ints("payroll_months")?,
            missed: c.ints("missed_repayments")?,
            missed_m: c.ints("missed_last_m")?,
            first_opened: c.dates("first_opened_on")?,
            onboarded: c.dates("onboarded_on")?,
            last_tx: c.dates("last_tx_on")?,
        })
    }

    /// The features of row `i`; `None` for a row without a party.
    fn row(&self, i: usize, as_of: NaiveDate, as_of_days: i32) -> Option<Features> {
        let party_id = at(&self.party, i)?;
        let start = match (at(&self.first_opened, i), at(&self.onboarded, i)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let tx_total = at(&self.total, i).unwrap_or(0);
        let or_zero = |column: &[Option<i64>]| at(column, i).unwrap_or(0);
        let money =
            |v: &Series| std::array::from_fn(|m| v.get(m).and_then(|c| at(c, i)).unwrap_or(0));
        Some(Features {
            party_id,
            as_of,
            branch_id: at(&self.branch, i),
            is_organisation: or_zero(&self.org) > 0,
            tenure_months: start
                .and_then(date_of)
                .map_or(0, |s| whole_months(s, as_of)),
            aum: money(&self.aum),
            current_deposits: or_zero(&self.cur),
            time_deposits: or_zero(&self.time),
            wealth: or_zero(&self.wealth),
            funds: or_zero(&self.funds),
            insurance: or_zero(&self.insurance),
            loans: or_zero(&self.loans),
            card_balance: or_zero(&self.card),
            families_held: self.families_held(i),
            open_accounts: to_u32(at(&self.open, i)),
            tx_count: std::array::from_fn(|m| to_u32(self.tx.get(m).and_then(|c| at(c, i)))),
            credit_amount: money(&self.credit),
            debit_amount: money(&self.debit),
            days_since_last_tx: at(&self.last_tx, i)
                .map(|d| u32::try_from((as_of_days - d).max(0)).unwrap_or(0)),
            payroll_months: to_u32(at(&self.payroll, i)),
            digital_share: if tx_total > 0 {
                or_zero(&self.digital) as f64 / tx_total as f64
            } else {
                0.0
            },
            maturing_90d: or_zero(&self.maturing),
            missed_repayments: to_u32(at(&self.missed, i)),
            months_since_missed_repayment: at(&self.missed_m, i).map(|m| to_u32(Some(m))),
        })
    }

    /// The product families row `i` holds, sorted by name.
    fn families_held(&self, i: usize) -> Vec<String> {
        let mut families: Vec<String> = self
            .holds
            .iter()
            .filter(|(_, v)| at(v, i).unwrap_or(0) > 0)
            .map(|(f, _)| (*f).to_owned())
            .collect();
        families.sort();
        families
    }
}
