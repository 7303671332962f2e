use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{Date32Type, Decimal128Type, TimestampMicrosecondType};

use crate::*;

const CSV: &str = "id,account_number,booked_at,direction,amount,currency,channel,description\n\
1001,6222020200112233,2025-01-15T02:00:00Z,credit,1234.50,CNY,counter,工资\n\
1002,6222020200112233,2025-01-31T17:30:00Z,debit,0.07,cny,pos,\"咖啡, 大杯\"\n\
1003,6222020200445566,2025-03-01T00:00:00+08:00,DR,20,USD,,\n";

#[test]
fn rows_come_back_with_their_values_in_the_right_month() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    let s = import_tx(&w, CSV).unwrap();
    assert_eq!((s.rows, s.rejected), (3, 0), "{:?}", s.rejects);
    assert_eq!(s.months, ["2025-01", "2025-02", "2025-03"]);
    assert!(!s.replaced_previous);
    assert_eq!(w.months("transactions").unwrap(), s.months);

    let mut rows = stored_transactions(&w);
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    let [first, second, third] = expected_rows(&s.load_id);
    assert_eq!(rows[0], first);
    assert_eq!(rows[1], second);
    assert_eq!(rows[2], third);
}

/// Every row of the transactions table, with the month directory it came from.
fn stored_transactions(w: &Warehouse) -> Vec<Row> {
    let mut rows = Vec::new();
    for (month, b) in read_table(w, "transactions") {
        let col = |n: &str| b.column_by_name(n).unwrap().clone();
        let text = |n: &str, i: usize| {
            let c = col(n);
            (!c.is_null(i)).then(|| c.as_string::<i32>().value(i).to_owned())
        };
        let money = |n: &str, i: usize| col(n).as_primitive::<Decimal128Type>().value(i);
        for i in 0..b.num_rows() {
            rows.push(Row {
                month: month.clone(),
                id: text("transaction_id", i).unwrap(),
                key: text("account_key", i).unwrap(),
                at: col("booked_at")
                    .as_primitive::<TimestampMicrosecondType>()
                    .value(i),
                on: col("booked_on")
                    .as_primitive::<Date32Type>()
                    .value_as_date(i)
                    .unwrap()
                    .to_string(),
                direction: text("direction", i).unwrap(),
                amount: money("amount", i),
                signed: money("signed_amount", i),
                currency: text("currency", i).unwrap(),
                channel: text("channel", i),
                description: text("description", i),
                source: text("source_system", i).unwrap(),
                load: text("load_id", i).unwrap(),
            });
        }
    }
    rows
}

/// The rows of `CSV` as they should be stored by load `load_id`, in id order.
fn expected_rows(load_id: &str) -> [Row; 3] {
    let (k1, k2) = (key("6222020200112233"), key("6222020200445566"));
    let row = |month: &str,
               id: &str,
               key: &str,
               at: i64,
               on: &str,
               direction: &str,
               amount: i128,
               signed: i128,
               currency: &str,
               channel: Option<&str>,
               description: Option<&str>| Row {
        month: month.into(),
        id: id.into(),
        key: key.into(),
        at,
        on: on.into(),
        direction: direction.into(),
        amount,
        signed,
        currency: currency.into(),
        channel: channel.map(Into::into),
        description: description.map(Into::into),
        source: "core_banking".into(),
        load: load_id.to_owned(),
    };
    [
        row(
            "month=2025-01",
            "1001",
            &k1,
            1_736_906_400_000_000,
            "2025-01-15",
            "credit",
            123_450,
            123_450,
            "CNY",
            Some("counter"),
            Some("工资"),
        ),
        // 17:30 UTC on the 31st is 01:30 on 1 February in Shanghai.
        row(
            "month=2025-02",
            "1002",
            &k1,
            1_738_344_600_000_000,
            "2025-02-01",
            "debit",
            7,
            -7,
            "CNY",
            Some("pos"),
            Some("咖啡, 大杯"),
        ),
        row(
            "month=2025-03",
            "1003",
            &k2,
            1_740_758_400_000_000,
            "2025-03-01",
            "debit",
            2_000,
            -2_000,
            "USD",
            None,
            None,
        ),
    ]
}

#[derive(Debug, PartialEq)]
struct Row {
    month: String,
    id: String,
    key: String,
    at: i64,
    on: String,
    direction: String,
    amount: i128,
    signed: i128,
    currency: String,
    channel: Option<String>,
    description: Option<String>,
    source: String,
    load: String,
}

#[test]
fn account_numbers_are_not_stored() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    import_tx(&w, CSV).unwrap();
    let keys = strings(&w, "transactions", "account_key");
    assert_eq!(keys.len(), 3);
    for k in &keys {
        assert!(!k.contains("6222020200"), "{k}");
        assert_eq!(k.len(), 64);
    }
    for f in files(w.root()) {
        let bytes = std::fs::read(w.root().join(&f)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("6222020200112233"),
            "{f} holds an account number"
        );
    }
}

#[test]
fn extra_columns_and_any_order_and_a_bom_are_fine() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    let csv = "\u{feff}流水号,备注,金额,币种,账号,方向,时间,extra\nT1,hello,5.00,CNY,62001,credit,2025-06-01 10:00:00,x\n";
    let cols = TransactionColumns {
        transaction_id: "流水号".into(),
        account_number: "账号".into(),
        booked_at: "时间".into(),
        direction: "方向".into(),
        amount: "金额".into(),
        currency: "币种".into(),
        channel: None,
        description: Some("备注".into()),
    };
    let s = import_tx_with(&w, csv, &cols).unwrap();
    assert_eq!((s.rows, s.rejected), (1, 0), "{:?}", s.rejects);
    assert_eq!(strings(&w, "transactions", "description"), ["hello"]);
    assert_eq!(strings(&w, "transactions", "channel"), ["<null>"]);
    assert_eq!(s.months, ["2025-06"]);
}

#[test]
fn progress_reports_rows_and_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    let input = Input {
        source_system: "core_banking",
        file_name: "t.csv",
        file_sha256: [7; 32],
        total_bytes: Some(CSV.len() as u64),
    };
    let mut seen = Vec::new();
    w.import_transactions(
        &input,
        CSV.as_bytes(),
        &TransactionColumns::default(),
        &key,
        &mut |p| seen.push(p),
    )
    .unwrap();
    let last = seen.last().unwrap();
    assert_eq!(
        (last.rows, last.rejected, last.bytes_read, last.total_bytes),
        (3, 0, CSV.len() as u64, Some(CSV.len() as u64))
    );
}
