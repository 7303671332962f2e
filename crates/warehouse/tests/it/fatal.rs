use std::io::Read;

use rapport_warehouse::{MAX_RECORD_BYTES, WarehouseError};

use crate::*;

/// Nothing of a failed load is visible, and nothing is left in staging.
fn assert_nothing_written(w: &Warehouse) {
    let all = files(w.root());
    assert_eq!(all, [".lock"], "left behind: {all:?}");
    assert!(w.loads().unwrap().is_empty());
}

#[test]
fn a_missing_column_names_it_and_lists_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    let err = import_tx(
        &w,
        "id,account,booked_at,direction,amount,currency\n1,2,3,4,5,6\n",
    )
    .unwrap_err();
    match &err {
        WarehouseError::MissingColumn { column, available } => {
            assert_eq!(column, "account_number");
            assert_eq!(
                available,
                &[
                    "id",
                    "account",
                    "booked_at",
                    "direction",
                    "amount",
                    "currency"
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("`account_number`"), "{err}");
    assert!(err.to_string().contains("id, account, booked_at"), "{err}");
    assert!(w.loads().unwrap().is_empty());
    assert!(w.months("transactions").unwrap().is_empty());
}

#[test]
fn an_empty_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    assert!(matches!(import_tx(&w, ""), Err(WarehouseError::EmptyFile)));
}

#[test]
fn bytes_that_are_not_utf8_name_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    let mut csv =
        format!("{HEADER}1,6200000001,2025-01-01T00:00:00Z,credit,1.00,CNY,atm,ok\n").into_bytes();
    // "工资" in GBK: a file that was not decoded.
    csv.extend_from_slice(
        b"2,6200000001,2025-01-01T00:00:00Z,credit,1.00,CNY,atm,\xb9\xa4\xd7\xca\n",
    );
    let input = Input {
        source_system: "core_banking",
        file_name: "gbk.csv",
        file_sha256: [1; 32],
        total_bytes: None,
    };
    let err = w
        .import_transactions(
            &input,
            &csv[..],
            &TransactionColumns::default(),
            &key,
            &mut |_| {},
        )
        .unwrap_err();
    assert!(
        matches!(err, WarehouseError::NotUtf8 { line: 3 }),
        "{err:?}"
    );
    assert!(err.to_string().contains("line 3"), "{err}");
    assert_nothing_written(&w);
}

#[test]
fn a_100_mb_line_fails_early_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    let good = format!("{HEADER}1,6200000001,2025-01-01T00:00:00Z,credit,1.00,CNY,atm,ok\n");
    let long = std::io::repeat(b'x').take(100 << 20);
    let counted = Counting {
        inner: good.as_bytes().chain(long),
        read: 0,
    };
    let mut counted = counted;
    let input = Input {
        source_system: "core_banking",
        file_name: "big.csv",
        file_sha256: [2; 32],
        total_bytes: None,
    };
    let err = w
        .import_transactions(
            &input,
            &mut counted,
            &TransactionColumns::default(),
            &key,
            &mut |_| {},
        )
        .unwrap_err();
    assert!(
        matches!(err, WarehouseError::RecordTooLarge { line: 3, .. }),
        "{err:?}"
    );
    // Bounded: it stopped reading a little past the limit instead of buffering 100 MB.
    assert!(
        counted.read < 2 * MAX_RECORD_BYTES as u64,
        "read {} bytes",
        counted.read
    );
    assert_nothing_written(&w);
}

#[test]
fn an_unclosed_quote_is_bounded_too() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    let mut csv =
        format!("{HEADER}1,6200000001,2025-01-01T00:00:00Z,credit,1.00,CNY,atm,\"never closed\n");
    for _ in 0..40_000 {
        csv += "2,6200000001,2025-01-01T00:00:00Z,credit,1.00,CNY,atm,ok\n";
    }
    let err = import_tx(&w, &csv).unwrap_err();
    assert!(
        matches!(err, WarehouseError::RecordTooLarge { line: 2, .. }),
        "{err:?}"
    );
    assert_nothing_written(&w);
}

#[test]
fn a_bad_source_system_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    let input = Input {
        source_system: "../x",
        file_name: "t.csv",
        file_sha256: [3; 32],
        total_bytes: None,
    };
    let err = w
        .import_transactions(
            &input,
            HEADER.as_bytes(),
            &TransactionColumns::default(),
            &key,
            &mut |_| {},
        )
        .unwrap_err();
    assert!(
        matches!(err, WarehouseError::InvalidSourceSystem(_)),
        "{err:?}"
    );
}

struct Counting<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}
