//! The feature query in a memory pool far smaller than its aggregations: it spills to
//! `<root>/tmp` and gets the same answer; with spilling off it fails instead.
use std::fs::File;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use datafusion::arrow::array::{
    ArrayRef, Date32Array, Decimal128Array, RecordBatch, StringArray, TimestampMicrosecondArray,
};
use datafusion::parquet::arrow::ArrowWriter;
use rapport_warehouse::{AccountDim, PartyDim, QueryConfig, Warehouse, transactions_schema};

use crate::features::date;
use crate::*;

const PARTIES: i64 = 20_000;
const AS_OF: &str = "2025-06-30";

fn days(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as i32
}

/// Every party: a current account and a card; each month two transactions on each, but the
/// card repayments of months `party % 50` and the one after skipped (one missed month).
fn write_bank(w: &Warehouse) {
    write_dimensions(w);
    for m in 0..12u32 {
        let start = date("2025-06-01")
            .checked_sub_months(chrono::Months::new(m))
            .unwrap();
        let batch = MonthRows::of(m, start).into_batch();
        let dir = w
            .root()
            .join(format!("transactions/month={}", &start.to_string()[..7]));
        std::fs::create_dir_all(&dir).unwrap();
        let file = File::create(dir.join("part-test-0.parquet")).unwrap();
        let mut writer = ArrowWriter::try_new(file, transactions_schema(), None).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
    }
}

fn write_dimensions(w: &Warehouse) {
    let mut accounts = Vec::new();
    let mut parties = Vec::new();
    for p in 0..PARTIES {
        for family in ["current_deposit", "credit_card"] {
            accounts.push(AccountDim {
                account_key: format!("{p:016x}{family}"),
                party_id: p,
                family: family.into(),
                opened_on: date("2020-01-01"),
                matures_on: None,
                status: "active".into(),
                closed_on: None,
                balance_minor: p,
            });
        }
        parties.push(PartyDim {
            party_id: p,
            branch_id: Some(p % 7),
            is_organisation: false,
            onboarded_on: None,
        });
    }
    w.write_dimensions(date(AS_OF), &accounts, &parties)
        .unwrap();
}

/// The transactions of month `m` (starting on `start`), column by column.
#[derive(Default)]
struct MonthRows {
    ids: Vec<String>,
    keys: Vec<String>,
    at: Vec<i64>,
    on: Vec<i32>,
    dir: Vec<&'static str>,
    amount: Vec<i128>,
}

impl MonthRows {
    fn of(m: u32, start: NaiveDate) -> MonthRows {
        let mut rows = MonthRows::default();
        for p in 0..PARTIES {
            for (family, txs) in [
                ("current_deposit", [("credit", 1), ("debit", 2)]),
                ("credit_card", [("debit", 3), ("credit", 4)]),
            ] {
                for (direction, day) in txs {
                    let gap = [i64::from(m), i64::from(m) + 1].contains(&(p % 50));
                    if family == "credit_card" && direction == "credit" && gap {
                        continue;
                    }
                    let d = start.with_day(day).unwrap();
                    rows.ids.push(format!("{p}-{m}-{family}-{direction}"));
                    rows.keys.push(format!("{p:016x}{family}"));
                    rows.at
                        .push(d.and_hms_opt(4, 0, 0).unwrap().and_utc().timestamp_micros());
                    rows.on.push(days(d));
                    rows.dir.push(direction);
                    rows.amount.push(i128::from(100 + p % 1000));
                }
            }
        }
        rows
    }

    fn into_batch(self) -> RecordBatch {
        let n = self.ids.len();
        let signed: Vec<i128> = self
            .amount
            .iter()
            .zip(&self.dir)
            .map(|(a, d)| if *d == "credit" { *a } else { -*a })
            .collect();
        let money = |v: Vec<i128>| -> ArrayRef {
            Arc::new(
                Decimal128Array::from(v)
                    .with_precision_and_scale(18, 2)
                    .unwrap(),
            )
        };
        let repeat = |s: &str| -> ArrayRef {
            Arc::new(StringArray::from_iter_values(std::iter::repeat_n(s, n)))
        };
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(self.ids)),
            Arc::new(StringArray::from(self.keys)),
            Arc::new(TimestampMicrosecondArray::from(self.at).with_timezone("UTC")),
            Arc::new(Date32Array::from(self.on)),
            Arc::new(StringArray::from(self.dir)),
            money(self.amount),
            money(signed),
            repeat("CNY"),
            repeat("mobile"),
            repeat("x"),
            repeat("test"),
            repeat("test"),
        ];
        RecordBatch::try_new(transactions_schema(), columns).unwrap()
    }
}

#[test]
fn features_spill_to_disk_in_a_small_pool() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    write_bank(&w);
    let reference = w.party_features(date(AS_OF)).unwrap();
    assert_eq!(reference.len(), PARTIES as usize);
    let p = &reference[7];
    assert_eq!((p.tx_count[0], p.tx_count[6], p.tx_count[7]), (4, 3, 3));
    assert_eq!(
        (p.missed_repayments, p.months_since_missed_repayment),
        (1, Some(7))
    );
    assert_eq!(p.aum[0], 7, "the snapshot's balance of the current account");

    let small = QueryConfig {
        memory_pool_bytes: 16 << 20,
        threads: 2,
        spill_joins: false,
        spill_to_disk: true,
    };
    let spilled = w
        .clone()
        .with_query_config(small.clone())
        .party_features(date(AS_OF))
        .unwrap();
    assert!(spilled == reference, "the spilled run differs");

    let no_disk = QueryConfig {
        spill_to_disk: false,
        ..small
    };
    let e = w
        .clone()
        .with_query_config(no_disk)
        .party_features(date(AS_OF))
        .unwrap_err();
    assert!(e.to_string().contains("esources exhausted"), "{e}");
}
