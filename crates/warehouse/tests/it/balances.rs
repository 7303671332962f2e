use datafusion::arrow::array::AsArray;
use datafusion::arrow::datatypes::{Date32Type, Decimal128Type};

use crate::*;

#[test]
fn balances_load_by_month_of_their_date() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    let csv = "account_number,as_of,balance,currency\n\
               6200000001,2025-01-31,1000.10,CNY\n\
               6200000001,20250201,-25.5,CNY\n\
               6200000002,2025-02-01,0,usd\n\
               6200000001,2025-02-01,3.00,CNY\n\
               6200000003,2025-02-30,1.00,CNY\n\
               6200000003,2025-02-28,1.001,CNY\n";
    let s = import_balances(&w, csv).unwrap();
    assert_eq!((s.rows, s.rejected), (3, 3), "{:?}", s.rejects);
    assert_eq!(
        (s.rejects[0].line, s.rejects[0].field.as_str()),
        (5, "as_of")
    );
    assert!(
        s.rejects[0].reason.contains("first on line 3"),
        "{:?}",
        s.rejects[0]
    );
    assert_eq!(
        (s.rejects[1].line, s.rejects[1].field.as_str()),
        (6, "as_of")
    );
    assert_eq!(
        (s.rejects[2].line, s.rejects[2].field.as_str()),
        (7, "balance")
    );
    assert_eq!(s.months, ["2025-01", "2025-02"]);

    let mut rows = stored_balances(&w);
    rows.sort();
    let (k1, k2) = (key("6200000001"), key("6200000002"));
    let mut expected = vec![
        (
            "month=2025-01".to_owned(),
            k1.clone(),
            "2025-01-31".to_owned(),
            100_010,
            "CNY".to_owned(),
        ),
        (
            "month=2025-02".to_owned(),
            k1,
            "2025-02-01".to_owned(),
            -2_550,
            "CNY".to_owned(),
        ),
        (
            "month=2025-02".to_owned(),
            k2,
            "2025-02-01".to_owned(),
            0,
            "USD".to_owned(),
        ),
    ];
    expected.sort();
    assert_eq!(rows, expected);
    assert_eq!(w.loads().unwrap()[0].table, "balances");
}

/// A stored balance: (month directory, account key, as-of date, balance in minor units,
/// currency).
type BalanceRow = (String, String, String, i128, String);

/// Every row of the balances table.
fn stored_balances(w: &Warehouse) -> Vec<BalanceRow> {
    let mut rows = Vec::new();
    for (month, b) in read_table(w, "balances") {
        for i in 0..b.num_rows() {
            rows.push((
                month.clone(),
                b.column_by_name("account_key")
                    .unwrap()
                    .as_string::<i32>()
                    .value(i)
                    .to_owned(),
                b.column_by_name("as_of")
                    .unwrap()
                    .as_primitive::<Date32Type>()
                    .value_as_date(i)
                    .unwrap()
                    .to_string(),
                b.column_by_name("balance")
                    .unwrap()
                    .as_primitive::<Decimal128Type>()
                    .value(i),
                b.column_by_name("currency")
                    .unwrap()
                    .as_string::<i32>()
                    .value(i)
                    .to_owned(),
            ));
        }
    }
    rows
}
