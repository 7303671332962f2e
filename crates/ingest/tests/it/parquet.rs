//! Parquet extracts load like CSV; a Parquet file that cannot be loaded whole is refused
//! before anything is written.
use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, Date32Array, Int64Array, RecordBatch, StringArray};
use parquet::arrow::ArrowWriter;
use rapport_store::ingest::LoadMode;

use crate::{CUSTOMER_MAPPING, Env, count, refused_file, stores, valid_resident_id};

fn parquet_mapping() -> String {
    CUSTOMER_MAPPING.replace(
        "kind = \"customers\"",
        "kind = \"customers\"\nformat = \"parquet\"",
    )
}

fn write(columns: Vec<(&str, ArrayRef)>) -> Vec<u8> {
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    out
}

fn strings(v: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(v.to_vec()))
}

/// Three customers with typed columns: a DATE birthday and an integer mobile, as a
/// warehouse export would write them.
fn good_file() -> Vec<u8> {
    let (id1, id2) = (valid_resident_id(11), valid_resident_id(22));
    // Days since 1970-01-01: 1980-01-01 and 1990-05-06.
    let birthday = Date32Array::from(vec![Some(3652), Some(3652), Some(7430)]);
    write(vec![
        ("cif", strings(&[Some("P1"), Some("P2"), Some("P3")])),
        ("name", strings(&[Some("张伟"), Some("王芳"), Some("李娜")])),
        ("sex", strings(&[Some("M"), Some("F"), Some("女")])),
        ("birthday", Arc::new(birthday)),
        ("id_no", strings(&[Some(&id1), Some(&id2), None])),
        (
            "mobile",
            Arc::new(Int64Array::from(vec![
                Some(13800138000),
                None,
                Some(13912345678),
            ])),
        ),
        (
            "branch",
            strings(&[Some("R01B01S01"), Some("R01B01S01"), None]),
        ),
    ])
}

#[tokio::test]
async fn parquet_loads_like_csv_and_again_changes_nothing() {
    for ts in stores().await {
        let env = Env::new();
        let path = env.file("core.parquet", &good_file());
        let first = env
            .import(&ts, &parquet_mapping(), &path, LoadMode::Delta)
            .await
            .unwrap();
        assert_eq!(first.run.counts.inserted, 3, "{}", ts.name);
        assert_eq!(first.rows_rejected, 0, "{}", env.rejects_text());
        let again = env
            .import(&ts, &parquet_mapping(), &path, LoadMode::Delta)
            .await
            .unwrap();
        assert_eq!(again.run.counts.unchanged, 3, "{}", ts.name);
        assert_eq!(
            count(
                &ts,
                "SELECT count(*) FROM source_records WHERE birth_date = '1990-05-06' AND gender = 'female'"
            )
            .await,
            1,
            "{}",
            ts.name
        );
    }
}

#[tokio::test]
async fn bad_parquet_rows_are_reported_by_row_number_while_good_rows_load() {
    for ts in stores().await {
        let env = Env::new();
        let bytes = write(vec![
            ("cif", strings(&[Some("Q1"), Some("Q2"), Some("Q3")])),
            ("name", strings(&[Some("赵敏"), None, Some("钱进")])),
            ("sex", strings(&[None, None, Some("X")])),
            ("birthday", strings(&[Some("1985-02-30"), None, None])),
            ("id_no", strings(&[None, None, None])),
            ("mobile", strings(&[None, None, None])),
            ("branch", strings(&[None, None, None])),
        ]);
        let path = env.file("rows.parquet", &bytes);
        let report = env
            .import(&ts, &parquet_mapping(), &path, LoadMode::Delta)
            .await
            .unwrap();
        let rejects = env.rejects_text();
        assert!(rejects.contains("1,birth_date"), "{rejects}");
        assert!(rejects.contains("2,name"), "{rejects}");
        assert!(rejects.contains("3,gender"), "{rejects}");
        assert_eq!(report.run.counts.inserted, 0, "{}", ts.name);
    }
}

/// A PARQUET file of these bytes is refused whole (see [`refused_file`]).
async fn refused(mapping: &str, bytes: &[u8], expect: &[&str]) {
    refused_file("bad.parquet", mapping, bytes, expect).await;
}

#[tokio::test]
async fn a_csv_file_declared_parquet_is_refused() {
    refused(
        &parquet_mapping(),
        b"cif,name\nK1,x\n",
        &["cannot be read as Parquet"],
    )
    .await;
}

#[tokio::test]
async fn a_parquet_file_cut_short_is_refused() {
    let mut bytes = good_file();
    bytes.truncate(bytes.len() / 2);
    refused(&parquet_mapping(), &bytes, &["cannot be read as Parquet"]).await;
}

#[tokio::test]
async fn a_parquet_file_declared_gbk_is_refused() {
    let mapping = parquet_mapping().replace(
        "format = \"parquet\"",
        "format = \"parquet\"\nencoding = \"gbk\"",
    );
    refused(&mapping, &good_file(), &["UTF-8 by definition"]).await;
}

#[tokio::test]
async fn parquet_columns_are_checked_against_the_mapping() {
    // A mapped column the file lacks, and one the mapping does not know.
    let missing = write(vec![
        ("cif", strings(&[Some("P1")])),
        ("name", strings(&[Some("张伟")])),
    ]);
    refused(
        &parquet_mapping(),
        &missing,
        &["column 'birthday'", "does not have"],
    )
    .await;
    let mut extra = vec![
        ("cif", strings(&[Some("P1")])),
        ("name", strings(&[Some("张伟")])),
        ("sex", strings(&[None])),
        ("birthday", strings(&[None])),
        ("id_no", strings(&[None])),
        ("mobile", strings(&[None])),
        ("branch", strings(&[None])),
    ];
    extra.push(("shoe_size", strings(&[Some("42")])));
    refused(&parquet_mapping(), &write(extra), &["column 'shoe_size'"]).await;
}

#[tokio::test]
async fn a_nested_parquet_column_and_an_empty_file_are_refused() {
    let mut list = ListBuilder::new(StringBuilder::new());
    list.values().append_value("13800138000");
    list.append(true);
    let nested = write(vec![
        ("cif", strings(&[Some("P1")])),
        ("name", strings(&[Some("张伟")])),
        ("sex", strings(&[None])),
        ("birthday", strings(&[None])),
        ("id_no", strings(&[None])),
        ("mobile", Arc::new(list.finish())),
        ("branch", strings(&[None])),
    ]);
    refused(&parquet_mapping(), &nested, &["column 'mobile'", "nested"]).await;
    let empty = write(vec![
        ("cif", strings(&[])),
        ("name", strings(&[])),
        ("sex", strings(&[])),
        ("birthday", strings(&[])),
        ("id_no", strings(&[])),
        ("mobile", strings(&[])),
        ("branch", strings(&[])),
    ]);
    refused(&parquet_mapping(), &empty, &["no rows"]).await;
}

#[tokio::test]
async fn a_parquet_value_over_1_mib_refuses_the_file() {
    let big = "x".repeat(1_100_000);
    let bytes = write(vec![
        ("cif", strings(&[Some("P1")])),
        ("name", strings(&[Some(&big)])),
        ("sex", strings(&[None])),
        ("birthday", strings(&[None])),
        ("id_no", strings(&[None])),
        ("mobile", strings(&[None])),
        ("branch", strings(&[None])),
    ]);
    refused(
        &parquet_mapping(),
        &bytes,
        &["row 1", "column 'name'", "1 MiB"],
    )
    .await;
}
