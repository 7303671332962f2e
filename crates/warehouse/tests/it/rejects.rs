use rapport_warehouse::Reject;

use crate::*;

/// Imports `HEADER` + one good row (line 2) + `rows` (from line 3) and returns the rejects.
fn rejects_of(rows: &str) -> (LoadSummary, Warehouse, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    let csv = format!("{HEADER}1,6200000001,2025-01-01T00:00:00Z,credit,1.00,CNY,atm,ok\n{rows}");
    let s = import_tx(&w, &csv).unwrap();
    (s, w, dir)
}

fn only(rows: &str) -> Reject {
    let (s, w, _dir) = rejects_of(rows);
    assert_eq!(s.rows, 1, "the good row loads");
    assert_eq!(row_count(&w, "transactions"), 1);
    assert_eq!(s.rejects.len(), 1, "{:?}", s.rejects);
    assert_eq!(s.rejected, 1);
    s.rejects[0].clone()
}

fn assert_reject(r: &Reject, line: u64, field: &str, reason: &str) {
    assert_eq!((r.line, r.field.as_str()), (line, field), "{r:?}");
    assert!(r.reason.contains(reason), "{r:?} should say {reason:?}");
}

#[test]
fn unparseable_and_impossible_dates() {
    let r = only("2,6200000002,31/01/2025 10:00,credit,1.00,CNY,atm,x\n");
    assert_reject(&r, 3, "booked_at", "not an RFC 3339");
    let r = only("2,6200000002,2025-02-30T10:00:00Z,credit,1.00,CNY,atm,x\n");
    assert_reject(&r, 3, "booked_at", "no such date");
    assert_eq!(r.value_masked, "20********0Z");
}

#[test]
fn bad_amounts() {
    for (amount, reason) in [
        ("1.005", "more than 2 decimals"),
        ("1e3", "not a plain decimal"),
        ("\"1,000.00\"", "not a plain decimal"),
        ("-5.00", "not positive"),
        ("0.00", "not positive"),
        ("", "empty amount"),
        ("12345678901234567.00", "larger than"),
    ] {
        let r = only(&format!(
            "2,6200000002,2025-01-02T00:00:00Z,debit,{amount},CNY,atm,x\n"
        ));
        assert_reject(&r, 3, "amount", reason);
    }
}

#[test]
fn unknown_direction_currency_and_empty_keys() {
    let r = only("2,6200000002,2025-01-02T00:00:00Z,refund,1.00,CNY,atm,x\n");
    assert_reject(&r, 3, "direction", "not `credit` or `debit`");
    let r = only("2,6200000002,2025-01-02T00:00:00Z,debit,1.00,RMB1,atm,x\n");
    assert_reject(&r, 3, "currency", "ISO 4217");
    let r = only(" ,6200000002,2025-01-02T00:00:00Z,debit,1.00,CNY,atm,x\n");
    assert_reject(&r, 3, "id", "empty");
    let r = only("2,,2025-01-02T00:00:00Z,debit,1.00,CNY,atm,x\n");
    assert_reject(&r, 3, "account_number", "empty");
}

#[test]
fn wrong_column_count() {
    let r = only("2,6200000002,2025-01-02T00:00:00Z,debit,1.00,CNY,atm\n");
    assert_reject(&r, 3, "*", "7 fields where the header has 8");
    let r = only("2,6200000002,2025-01-02T00:00:00Z,debit,1.00,CNY,atm,x,y\n");
    assert_reject(&r, 3, "*", "9 fields where the header has 8");
}

#[test]
fn a_duplicate_id_names_the_first_line() {
    let (s, w, _dir) = rejects_of(
        "2,6200000002,2025-01-02T00:00:00Z,debit,1.00,CNY,atm,x\n\
         1,6200000003,2025-01-03T00:00:00Z,debit,9.00,CNY,atm,again\n\
         2,6200000002,2025-01-02T00:00:00Z,debit,1.00,CNY,atm,x\n",
    );
    assert_eq!(s.rows, 2);
    assert_eq!(s.rejects.len(), 2);
    assert_reject(&s.rejects[0], 4, "id", "duplicate of line 2");
    assert_reject(&s.rejects[1], 5, "id", "duplicate of line 3");
    assert_eq!(
        strings(&w, "transactions", "description")
            .iter()
            .filter(|d| *d == "again")
            .count(),
        0
    );
}

#[test]
fn a_rejected_row_does_not_reserve_its_id() {
    let (s, _w, _dir) = rejects_of(
        "2,6200000002,2025-13-02T00:00:00Z,debit,1.00,CNY,atm,bad date\n\
         2,6200000002,2025-01-02T00:00:00Z,debit,1.00,CNY,atm,good\n",
    );
    assert_eq!((s.rows, s.rejected), (2, 1));
}

#[test]
fn line_numbers_count_quoted_newlines() {
    let (s, _w, _dir) = rejects_of(
        "2,6200000002,2025-01-02T00:00:00Z,debit,1.00,CNY,atm,\"two\nlines\"\n\
         3,6200000002,2025-01-02T00:00:00Z,sideways,1.00,CNY,atm,x\n",
    );
    assert_eq!(s.rows, 2);
    assert_reject(&s.rejects[0], 5, "direction", "credit");
}

#[test]
fn rejects_never_show_an_account_number() {
    let (s, _w, _dir) = rejects_of(
        "2,6222020200112233,2025-01-02T00:00:00Z,debit,1.00,CNY,atm,x\n\
         2,6222020200112233,2025-01-02T00:00:00Z,debit,1.00,CNY,atm,x\n\
         3,6222020200112233,2025-01-02T00:00:00Z,debit,1.00,CNY,atm,x,extra\n\
         4,6222020200112233,someday,debit,1.00,CNY,atm,x\n\
         6222020200112233,6222020200112233,2025-01-02T00:00:00Z,debit,1.00,CNY,atm,x\n\
         6222020200112233,6222020200112233,2025-01-02T00:00:00Z,debit,1.00,CNY,atm,x\n",
    );
    assert_eq!((s.rows, s.rejected), (3, 4), "{:?}", s.rejects);
    let text = format!("{:?}", s.rejects);
    assert!(!text.contains("6222020200112233"), "{text}");
    assert!(!text.contains("02020020011"), "{text}");
    assert_eq!(s.rejects[3].value_masked, "62********33");
}

#[test]
fn formula_cells_are_kept_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    let csv = format!(
        "{HEADER}1,6200000001,2025-01-01T00:00:00Z,credit,1.00,CNY,atm,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\n\
         2,6200000001,2025-01-01T00:00:00Z,credit,1.00,CNY,atm,+1\n\
         3,6200000001,2025-01-01T00:00:00Z,credit,1.00,CNY,atm,-2\n\
         4,6200000001,2025-01-01T00:00:00Z,credit,1.00,CNY,atm,@SUM(A1)\n"
    );
    let s = import_tx(&w, &csv).unwrap();
    assert_eq!((s.rows, s.rejected), (4, 0), "{:?}", s.rejects);
    let mut d = strings(&w, "transactions", "description");
    d.sort();
    assert_eq!(
        d,
        ["+1", "-2", "=HYPERLINK(\"http://x\",\"y\")", "@SUM(A1)"]
    );
}

#[test]
fn the_earliest_line_wins_across_months() {
    // The writer meets months in no fixed order: repeat to see several.
    for _ in 0..12 {
        let dir = tempfile::tempdir().unwrap();
        let w = open(dir.path());
        let csv = format!(
            "{HEADER}7,6200000001,2025-03-05T00:00:00Z,credit,1.00,CNY,atm,first\n\
             7,6200000001,2025-01-05T00:00:00Z,credit,1.00,CNY,atm,second\n\
             8,6200000001,2025-01-06T00:00:00Z,credit,1.00,CNY,atm,other\n\
             7,6200000001,2025-02-05T00:00:00Z,credit,1.00,CNY,atm,third\n"
        );
        let s = import_tx(&w, &csv).unwrap();
        assert_eq!((s.rows, s.rejected), (2, 2), "{:?}", s.rejects);
        assert_reject(&s.rejects[0], 3, "id", "duplicate of line 2");
        assert_reject(&s.rejects[1], 5, "id", "duplicate of line 2");
        let mut d = strings(&w, "transactions", "description");
        d.sort();
        assert_eq!(d, ["first", "other"]);
        assert_eq!(s.months, ["2025-01", "2025-03"]);
    }
}
