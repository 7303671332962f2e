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
