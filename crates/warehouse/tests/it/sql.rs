use datafusion::arrow::datatypes::DataType;
use datafusion::prelude::{ParquetReadOptions, SessionContext};

use crate::*;

/// What the scoring work will do: SQL over the partitioned files, `month` from the paths.
#[test]
fn datafusion_reads_the_partitions_with_sql() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    let csv = format!(
        "{HEADER}1,6200000001,2025-01-10T00:00:00Z,credit,10.50,CNY,atm,a\n\
         2,6200000001,2025-01-11T00:00:00Z,debit,0.50,CNY,atm,b\n\
         3,6200000002,2025-02-01T00:00:00Z,credit,7.00,CNY,pos,c\n"
    );
    import_tx(&w, &csv).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let lines = rt.block_on(async {
        let ctx = SessionContext::new();
        let opts = ParquetReadOptions::default().table_partition_cols(vec![("month".into(), DataType::Utf8)]);
        let path = format!("{}/", w.root().join("transactions").display());
        ctx.register_parquet("transactions", &path, opts).await.unwrap();
        let df = ctx
            .sql("SELECT month, count(*) AS n, sum(signed_amount) AS net FROM transactions GROUP BY month ORDER BY month")
            .await
            .unwrap();
        let batches = df.collect().await.unwrap();
        datafusion::arrow::util::pretty::pretty_format_batches(&batches).unwrap().to_string()
    });
    assert!(lines.contains("| 2025-01 | 2 | 10.00 |"), "{lines}");
    assert!(lines.contains("| 2025-02 | 1 | 7.00  |"), "{lines}");
}

/// The balance roll-up reads each account's last balance of each month, whatever the load order.
#[test]
fn month_end_balances_take_the_last_date_of_each_month() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    import_balances(
        &w,
        "account_number,as_of,balance,currency\n\
         6200000001,2025-01-31,300.00,CNY\n\
         6200000001,2025-01-15,100.00,CNY\n\
         6200000001,2025-02-28,-5.25,CNY\n\
         6200000002,2025-01-31,7.00,CNY\n",
    )
    .unwrap();
    let mut got: Vec<(String, String, i64)> = w
        .month_end_balances()
        .unwrap()
        .into_iter()
        .map(|b| (b.account_key, b.month.to_string(), b.balance_minor))
        .collect();
    got.sort();
    let mut want = vec![
        (key("6200000001"), "2025-01-01".to_owned(), 30_000),
        (key("6200000001"), "2025-02-01".to_owned(), -525),
        (key("6200000002"), "2025-01-01".to_owned(), 700),
    ];
    want.sort();
    assert_eq!(got, want);
}
