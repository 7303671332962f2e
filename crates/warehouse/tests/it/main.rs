//! Integration tests of the warehouse loads. One binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

mod balances;
mod crash;
mod fatal;
mod features;
mod loads;
mod money;
mod point_in_time;
mod rejects;
mod roundtrip;
mod segments;
mod spill;
mod sql;
mod synth_features;

use std::fs::File;
use std::path::{Path, PathBuf};

use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use rapport_warehouse::{
    BalanceColumns, Input, LoadSummary, Result, TransactionColumns, Warehouse,
};
use sha2::{Digest, Sha256};

pub const HEADER: &str =
    "id,account_number,booked_at,direction,amount,currency,channel,description\n";

pub fn shanghai() -> chrono_tz::Tz {
    chrono_tz::Asia::Shanghai
}

/// Stands in for the HMAC blind index.
pub fn key(account: &str) -> String {
    hex::encode(Sha256::digest(format!("test-key:{account}")))
}

pub fn open(dir: &Path) -> Warehouse {
    Warehouse::open(dir.join("warehouse"), shanghai()).unwrap()
}

pub fn import_tx(w: &Warehouse, csv: &str) -> Result<LoadSummary> {
    import_tx_with(w, csv, &TransactionColumns::default())
}

pub fn import_tx_with(w: &Warehouse, csv: &str, cols: &TransactionColumns) -> Result<LoadSummary> {
    let input = Input {
        source_system: "core_banking",
        file_name: "transactions.csv",
        file_sha256: Sha256::digest(csv.as_bytes()).into(),
        total_bytes: Some(csv.len() as u64),
    };
    w.import_transactions(&input, csv.as_bytes(), cols, &key, &mut |_| {})
}

pub fn import_balances(w: &Warehouse, csv: &str) -> Result<LoadSummary> {
    let input = Input {
        source_system: "core_banking",
        file_name: "balances.csv",
        file_sha256: Sha256::digest(csv.as_bytes()).into(),
        total_bytes: None,
    };
    w.import_balances(
        &input,
        csv.as_bytes(),
        &BalanceColumns::default(),
        &key,
        &mut |_| {},
    )
}

/// Every file under `dir`, relative, sorted.
pub fn files(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

pub fn parquet_files(w: &Warehouse, table: &str) -> Vec<PathBuf> {
    files(&w.root().join(table))
        .into_iter()
        .filter(|f| f.ends_with(".parquet"))
        .map(|f| w.root().join(table).join(f))
        .collect()
}

/// Every row of a table, batch by batch, with the month directory each came from.
pub fn read_table(w: &Warehouse, table: &str) -> Vec<(String, RecordBatch)> {
    let mut out = Vec::new();
    for path in parquet_files(w, table) {
        let month = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap())
            .unwrap()
            .build()
            .unwrap();
        for b in reader {
            out.push((month.clone(), b.unwrap()));
        }
    }
    out
}

pub fn row_count(w: &Warehouse, table: &str) -> usize {
    read_table(w, table).iter().map(|(_, b)| b.num_rows()).sum()
}

/// The string values of a column over all batches.
pub fn strings(w: &Warehouse, table: &str, column: &str) -> Vec<String> {
    use datafusion::arrow::array::{Array, AsArray};
    let mut out = Vec::new();
    for (_, b) in read_table(w, table) {
        let a = b.column_by_name(column).unwrap().as_string::<i32>();
        out.extend((0..a.len()).map(|i| {
            if a.is_null(i) {
                "<null>".to_owned()
            } else {
                a.value(i).to_owned()
            }
        }));
    }
    out
}
