use crate::*;

#[test]
fn a_killed_load_leaves_nothing_visible_and_is_cleaned_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    let good = format!("{HEADER}1,6200000001,2025-01-01T00:00:00Z,credit,1.00,CNY,atm,ok\n");
    import_tx(&w, &good).unwrap();
    let before = files(w.root());

    // What a load killed while writing leaves: a half-written part, no journal.
    let staging = w
        .root()
        .join(".staging/0123456789abcdef01234567/transactions/month=2025-04");
    std::fs::create_dir_all(&staging).unwrap();
    std::fs::write(
        staging.join("part-0123456789abcdef01234567-0.parquet"),
        b"PAR1 half",
    )
    .unwrap();
    assert_eq!(
        w.months("transactions").unwrap(),
        ["2025-01"],
        "staging is not a partition"
    );
    assert_eq!(w.loads().unwrap().len(), 1);

    let reopened = Warehouse::open(w.root(), shanghai()).unwrap();
    assert_eq!(files(reopened.root()), before);
    assert_eq!(row_count(&reopened, "transactions"), 1);
}

#[test]
fn an_import_cleans_what_a_killed_load_left() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    std::fs::create_dir_all(w.root().join(".staging/deadbeef/balances/month=2025-01")).unwrap();
    import_tx(
        &w,
        &format!("{HEADER}1,6200000001,2025-01-01T00:00:00Z,credit,1.00,CNY,atm,ok\n"),
    )
    .unwrap();
    assert!(files(&w.root().join(".staging")).is_empty());
    assert!(
        std::fs::read_dir(w.root().join(".staging"))
            .unwrap()
            .next()
            .is_none()
    );
}

#[cfg(unix)]
#[test]
fn directories_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    import_tx(
        &w,
        &format!("{HEADER}1,6200000001,2025-01-01T00:00:00Z,credit,1.00,CNY,atm,ok\n"),
    )
    .unwrap();
    for d in [
        "",
        "transactions",
        "transactions/month=2025-01",
        "loads",
        ".staging",
    ] {
        let mode = std::fs::metadata(w.root().join(d))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o700, "{d}");
    }
}
