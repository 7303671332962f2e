//! The features table: `features/as_of=YYYY-MM-DD/part-0.parquet`, one flat row per party, so
//! that segments are plain filters over named columns (see `segments`).
use std::sync::Arc;

use chrono::NaiveDate;
use datafusion::arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use rapport_domain::ProductFamily;
use rapport_scoring::{Features, MONTHS};

use crate::Warehouse;
use crate::error::{Result, WarehouseError};
use crate::snapshot::write_parquet_atomic;
use crate::time::days_since_epoch;

pub const FEATURES: &str = "features";
const PART: &str = "part-0.parquet";

type Get<T> = Box<dyn Fn(&Features) -> T>;

enum Getter {
    Int(Get<i64>),
    OptInt(Get<Option<i64>>),
    Bool(Get<bool>),
    Float(Get<f64>),
    Text(Get<String>),
    Date(Get<NaiveDate>),
}

/// Every column: its name and how a [`Features`] fills it. The one place the layout is
/// decided; the schema and the batch both come from it.
fn columns() -> Vec<(String, Getter)> {
    use Getter::*;
    let mut c: Vec<(String, Getter)> = Vec::new();
    let mut add = |name: &str, g: Getter| c.push((name.to_owned(), g));
    add("party_id", Int(Box::new(|f| f.party_id)));
    add("as_of", Date(Box::new(|f| f.as_of)));
    add("branch_id", OptInt(Box::new(|f| f.branch_id)));
    add("is_organisation", Bool(Box::new(|f| f.is_organisation)));
    add("tenure_months", Int(Box::new(|f| f.tenure_months.into())));
    for m in 0..MONTHS {
        add(
            &format!("aum_m{m}"),
            Int(Box::new(move |f| f.aum.get(m).copied().unwrap_or(0))),
        );
    }
    add("current_deposits", Int(Box::new(|f| f.current_deposits)));
    add("time_deposits", Int(Box::new(|f| f.time_deposits)));
    add("wealth", Int(Box::new(|f| f.wealth)));
    add("funds", Int(Box::new(|f| f.funds)));
    add("insurance", Int(Box::new(|f| f.insurance)));
    add("loans", Int(Box::new(|f| f.loans)));
    add("card_balance", Int(Box::new(|f| f.card_balance)));
    add(
        "families_held",
        Text(Box::new(|f| f.families_held.join(","))),
    );
    for fam in ProductFamily::ALL {
        let name = fam.as_str();
        add(
            &format!("holds_{name}"),
            Bool(Box::new(move |f| f.families_held.iter().any(|h| h == name))),
        );
    }
    add("open_accounts", Int(Box::new(|f| f.open_accounts.into())));
    for m in 0..MONTHS {
        add(
            &format!("tx_count_m{m}"),
            Int(Box::new(move |f| {
                f.tx_count.get(m).copied().unwrap_or(0).into()
            })),
        );
    }
    for m in 0..MONTHS {
        add(
            &format!("credit_m{m}"),
            Int(Box::new(move |f| {
                f.credit_amount.get(m).copied().unwrap_or(0)
            })),
        );
    }
    for m in 0..MONTHS {
        add(
            &format!("debit_m{m}"),
            Int(Box::new(move |f| {
                f.debit_amount.get(m).copied().unwrap_or(0)
            })),
        );
    }
    add(
        "days_since_last_tx",
        OptInt(Box::new(|f| f.days_since_last_tx.map(i64::from))),
    );
    add("payroll_months", Int(Box::new(|f| f.payroll_months.into())));
    add("digital_share", Float(Box::new(|f| f.digital_share)));
    add("maturing_90d", Int(Box::new(|f| f.maturing_90d)));
    add(
        "missed_repayments",
        Int(Box::new(|f| f.missed_repayments.into())),
    );
    add(
        "months_since_missed_repayment",
        OptInt(Box::new(|f| f.months_since_missed_repayment.map(i64::from))),
    );
    c
}

/// The features table's columns. Money columns (`aum_m*`, `credit_m*`, `debit_m*`, the
/// balances, `maturing_90d`) are in minor units (fen); `families_held` is the sorted families
/// joined by `,`, also spread over one `holds_<family>` boolean per product family.
pub fn features_schema() -> SchemaRef {
    let fields: Vec<Field> = columns()
        .into_iter()
        .map(|(name, g)| {
            let (ty, nullable) = match g {
                Getter::Int(_) => (DataType::Int64, false),
                Getter::OptInt(_) => (DataType::Int64, true),
                Getter::Bool(_) => (DataType::Boolean, false),
                Getter::Float(_) => (DataType::Float64, false),
                Getter::Text(_) => (DataType::Utf8, false),
                Getter::Date(_) => (DataType::Date32, false),
            };
            Field::new(name, ty, nullable)
        })
        .collect();
    Arc::new(Schema::new(fields))
}

fn batch(rows: &[Features]) -> Result<RecordBatch> {
    let arrays: Vec<ArrayRef> = columns()
        .into_iter()
        .map(|(_, g)| -> ArrayRef {
            match g {
                Getter::Int(f) => Arc::new(Int64Array::from_iter_values(rows.iter().map(f))),
                Getter::OptInt(f) => Arc::new(Int64Array::from_iter(rows.iter().map(f))),
                Getter::Bool(f) => {
                    Arc::new(BooleanArray::from_iter(rows.iter().map(|r| Some(f(r)))))
                }
                Getter::Float(f) => Arc::new(Float64Array::from_iter_values(rows.iter().map(f))),
                Getter::Text(f) => Arc::new(StringArray::from_iter_values(rows.iter().map(f))),
                Getter::Date(f) => Arc::new(Date32Array::from_iter_values(
                    rows.iter().map(|r| days_since_epoch(f(r))),
                )),
            }
        })
        .collect();
    Ok(RecordBatch::try_new(features_schema(), arrays)?)
}

/// Rows per batch handed to the Parquet writer, to bound the memory of a million-party write.
const ROWS_PER_BATCH: usize = 64 * 1024;

impl Warehouse {
    pub(crate) fn features_dir(&self, as_of: NaiveDate) -> std::path::PathBuf {
        self.root().join(FEATURES).join(format!("as_of={as_of}"))
    }

    /// Stores the features of `as_of`, replacing any stored for that date (one file, renamed
    /// into place). Every row must be of `as_of`.
    pub fn write_features(&self, as_of: NaiveDate, rows: &[Features]) -> Result<()> {
        if let Some(r) = rows.iter().find(|r| r.as_of != as_of) {
            return Err(WarehouseError::FeaturesAsOf {
                party_id: r.party_id,
                found: r.as_of,
                expected: as_of,
            });
        }
        let batches = if rows.is_empty() {
            vec![RecordBatch::new_empty(features_schema())]
        } else {
            rows.chunks(ROWS_PER_BATCH)
                .map(batch)
                .collect::<Result<Vec<_>>>()?
        };
        write_parquet_atomic(&self.features_dir(as_of), PART, &batches)
    }

    /// The dates features are stored for, in order.
    pub fn feature_dates(&self) -> Result<Vec<NaiveDate>> {
        let dir = self.root().join(FEATURES);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(Vec::new());
        };
        let mut out: Vec<NaiveDate> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name();
                let d = name.to_str()?.strip_prefix("as_of=")?.to_owned();
                NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()
            })
            .filter(|d| self.features_dir(*d).join(PART).is_file())
            .collect();
        out.sort();
        Ok(out)
    }
}

impl Warehouse {
    /// The parties of the features of `as_of` that satisfy `segment`, ascending.
    pub fn evaluate_segment(
        &self,
        as_of: NaiveDate,
        segment: &crate::segments::SegmentExpr,
    ) -> Result<Vec<i64>> {
        let dir = self.features_dir(as_of);
        if !dir.join(PART).is_file() {
            return Err(WarehouseError::NoFeatures(as_of));
        }
        let session = crate::session::Session::new(self.root(), self.query_config())?;
        session.register_file("features", &dir, features_schema())?;
        let sql = format!(
            "SELECT party_id FROM features WHERE {} ORDER BY party_id",
            segment.runnable_sql()
        );
        let mut out = Vec::new();
        for b in session.sql(&sql)? {
            let ids = datafusion::arrow::compute::cast(b.column(0), &DataType::Int64)
                .map_err(crate::session::query_error)?;
            let ids = datafusion::arrow::array::AsArray::as_primitive::<
                datafusion::arrow::datatypes::Int64Type,
            >(&ids);
            out.extend(ids.iter().flatten());
        }
        Ok(out)
    }
}
