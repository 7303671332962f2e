//! From a transaction log to one recency/frequency/monetary summary per customer.

use chrono::{Datelike, NaiveDate};

use crate::error::{ClvError, Result, non_negative, row_err};
use crate::unit::TimeUnit;

/// What the models see of one customer, in the model's time unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Repeat purchases `x`: purchase periods after the first.
    pub frequency: u32,
    /// `t_x`: time from the first to the last purchase (0 when `x = 0`).
    pub recency: f64,
    /// `T`: time from the first purchase to the end of observation.
    pub age: f64,
    /// Mean spend per repeat purchase period; `None` when `x = 0`, as the first purchase is not
    /// a repeat and Gamma-Gamma models repeat spend only.
    pub monetary: Option<f64>,
}

impl Summary {
    /// A checked summary; see [`Summary::validate`] for the rules.
    pub fn new(frequency: u32, recency: f64, age: f64, monetary: Option<f64>) -> Result<Self> {
        let s = Summary {
            frequency,
            recency,
            age,
            monetary,
        };
        s.validate(0)?;
        Ok(s)
    }

    /// Checks the summary as row `row` of a table: finite non-negative times, `t_x <= T`,
    /// `t_x = 0` exactly when `x = 0`, and a finite non-negative spend present only when `x > 0`.
    pub fn validate(&self, row: usize) -> Result<()> {
        validate_rfm(row, self.frequency, self.recency, self.age)?;
        match (self.frequency, self.monetary) {
            (0, Some(m)) => Err(row_err(
                row,
                "monetary",
                format!(
                    "is {m} but frequency is 0: a customer with no repeat purchase has no repeat spend"
                ),
            )),
            (_, Some(m)) => non_negative(row, "monetary", m),
            _ => Ok(()),
        }
    }
}

/// The BG/NBD rules on (x, t_x, T), shared by summaries, patterns and predictions.
pub(crate) fn validate_rfm(row: usize, x: u32, t_x: f64, age: f64) -> Result<()> {
    non_negative(row, "recency", t_x)?;
    non_negative(row, "age", age)?;
    if t_x > age {
        return Err(row_err(
            row,
            "recency",
            format!(
                "is {t_x}, larger than age (T) {age}: the last purchase is after the observation end"
            ),
        ));
    }
    if x == 0 && t_x != 0.0 {
        return Err(row_err(
            row,
            "recency",
            format!("is {t_x} but frequency is 0: recency must be 0 without repeat purchases"),
        ));
    }
    if x > 0 && t_x == 0.0 {
        return Err(row_err(
            row,
            "recency",
            format!("is 0 but frequency is {x}: a repeat purchase must come after the first"),
        ));
    }
    Ok(())
}

/// One purchase; `time` is in the unit the model will be fitted in.
#[derive(Debug, Clone, PartialEq)]
pub struct Transaction<K> {
    /// Customer identifier.
    pub customer: K,
    /// Purchase time in the model unit, from any origin.
    pub time: f64,
    /// Amount spent (0 when spend is not tracked).
    pub amount: f64,
}

/// A purchase dated to the day.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedTransaction<K> {
    /// Customer identifier.
    pub customer: K,
    /// Day of the purchase.
    pub date: NaiveDate,
    /// Amount spent.
    pub amount: f64,
}

/// How finely purchase times are told apart.
///
/// Purchases that fall in the same period count once (their amounts are summed), and recency and
/// age are measured between period starts, as lifetimes' `summary_data_from_transaction_data`
/// does with its `freq`/`freq_multiplier`: a period index is `floor(time × periods_per_unit)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resolution {
    /// Only purchases at exactly the same time merge; recency and age are exact.
    Exact,
    /// This many periods per model unit, e.g. 7.0 for day-resolution data in weeks.
    PeriodsPerUnit(f64),
}

impl Resolution {
    fn period(self, t: f64) -> f64 {
        match self {
            Resolution::Exact => t,
            // The nudge keeps a time written as k/n from flooring to k-1 through rounding error.
            Resolution::PeriodsPerUnit(n) => (t * n + 1e-9).floor(),
        }
    }

    fn to_unit(self, periods: f64) -> f64 {
        match self {
            Resolution::Exact => periods,
            Resolution::PeriodsPerUnit(n) => periods / n,
        }
    }
}

/// Customers in ascending id order with their summaries.
pub type CustomerSummaries<K> = Vec<(K, Summary)>;

/// Summarises a transaction log observed until `observation_end` (same unit and origin as the
/// times). Purchases after the end are dropped, as lifetimes truncates them; a customer whose
/// purchases all lie after the end does not appear. The first purchase period is the customer's
/// birth and is not counted in frequency or monetary value.
pub fn summarise<K: Ord + Clone>(
    transactions: &[Transaction<K>],
    observation_end: f64,
    resolution: Resolution,
) -> Result<CustomerSummaries<K>> {
    if transactions.is_empty() {
        return Err(ClvError::Empty {
            what: "transaction log",
        });
    }
    if !observation_end.is_finite() {
        return Err(crate::error::arg_err(
            "observation_end",
            format!("is {observation_end}, must be finite"),
        ));
    }
    if let Resolution::PeriodsPerUnit(n) = resolution {
        crate::error::positive_arg("resolution", n)?;
    }
    for (row, t) in transactions.iter().enumerate() {
        if !t.time.is_finite() {
            return Err(row_err(
                row,
                "time",
                format!("is {}, must be finite", t.time),
            ));
        }
        non_negative(row, "amount", t.amount)?;
    }
    let end = resolution.period(observation_end);
    // Sorting indices rather than the log keeps the caller's rows intact and lets one pass see
    // each customer's purchases in time order.
    let mut order: Vec<&Transaction<K>> = transactions
        .iter()
        .filter(|t| resolution.period(t.time) <= end)
        .collect();
    order.sort_unstable_by(|a, b| a.customer.cmp(&b.customer).then(a.time.total_cmp(&b.time)));
    let mut out = Vec::new();
    for purchases in order.chunk_by(|a, b| a.customer == b.customer) {
        if let Some((first, later)) = purchases.split_first() {
            out.push((
                first.customer.clone(),
                summarise_one(first, later, end, resolution),
            ));
        }
    }
    if out.is_empty() {
        return Err(ClvError::Empty {
            what: "transaction log before the observation end",
        });
    }
    Ok(out)
}

/// One customer's summary from its first purchase and the later ones, in time order.
fn summarise_one<K>(
    first_purchase: &Transaction<K>,
    later: &[&Transaction<K>],
    end: f64,
    resolution: Resolution,
) -> Summary {
    let first = resolution.period(first_purchase.time);
    let mut last = first;
    let mut repeats: u32 = 0;
    let mut repeat_spend = 0.0;
    for t in later {
        let p = resolution.period(t.time);
        if p > last {
            repeats += 1;
            last = p;
        }
        if p > first {
            repeat_spend += t.amount;
        }
    }
    Summary {
        frequency: repeats,
        recency: resolution.to_unit(last - first),
        age: resolution.to_unit(end - first),
        monetary: (repeats > 0).then(|| repeat_spend / f64::from(repeats)),
    }
}

/// Summarises a log dated to the day, ending on `observation_end` inclusive, with day
/// resolution: same-day purchases merge into one and times are expressed in `unit`.
pub fn summarise_dates<K: Ord + Clone>(
    transactions: &[DatedTransaction<K>],
    observation_end: NaiveDate,
    unit: TimeUnit,
) -> Result<CustomerSummaries<K>> {
    let day = |d: NaiveDate| f64::from(d.num_days_from_ce());
    let log: Vec<Transaction<K>> = transactions
        .iter()
        .map(|t| Transaction {
            customer: t.customer.clone(),
            time: unit.from_days(day(t.date)),
            amount: t.amount,
        })
        .collect();
    summarise(
        &log,
        unit.from_days(day(observation_end)),
        Resolution::PeriodsPerUnit(unit.days()),
    )
}
