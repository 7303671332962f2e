use crate::*;

fn csv(ids: std::ops::Range<u32>) -> String {
    let mut s = HEADER.to_owned();
    for i in ids {
        s += &format!(
            "{i},62{i:014},2025-0{}-10T08:00:00Z,debit,{i}.25,CNY,atm,withdrawal\n",
            1 + i % 3
        );
    }
    s
}

#[test]
fn importing_the_same_file_again_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    let file = csv(1..101);
    let first = import_tx(&w, &file).unwrap();
    let before = files(w.root());
    let again = import_tx(&w, &file).unwrap();
    assert_eq!(again.load_id, first.load_id);
    assert!(again.replaced_previous);
    assert_eq!(row_count(&w, "transactions"), 100);
    let mut ids = strings(&w, "transactions", "transaction_id");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 100);
    assert_eq!(files(w.root()), before);
    assert_eq!(w.loads().unwrap().len(), 1);
}

#[test]
fn a_different_file_is_a_new_load() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    let a = import_tx(&w, &csv(1..101)).unwrap();
    let b = import_tx(&w, &csv(101..151)).unwrap();
    assert_ne!(a.load_id, b.load_id);
    assert!(!b.replaced_previous);
    assert_eq!(row_count(&w, "transactions"), 150);
    let loads = w.loads().unwrap();
    assert_eq!(loads.len(), 2);
    let m = loads.iter().find(|l| l.load_id == b.load_id).unwrap();
    assert_eq!(
        (m.rows, m.rejects, m.table.as_str(), m.file_name.as_str()),
        (50, 0, "transactions", "transactions.csv")
    );
    assert_eq!(m.months, ["2025-01", "2025-02", "2025-03"]);
    assert_eq!(m.parts.len(), 3);
    for p in &m.parts {
        assert!(p.contains(&format!("part-{}-0.parquet", b.load_id)), "{p}");
        assert!(w.root().join(p).is_file(), "{p}");
    }
}

#[test]
fn the_same_bytes_from_another_source_system_are_another_load() {
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path());
    let file = csv(1..11);
    let a = import_tx(&w, &file).unwrap();
    let input = Input {
        source_system: "card",
        file_name: "x.csv",
        file_sha256: Sha256::digest(file.as_bytes()).into(),
        total_bytes: None,
    };
    let b = w
        .import_transactions(
            &input,
            file.as_bytes(),
            &TransactionColumns::default(),
            &key,
            &mut |_| {},
        )
        .unwrap();
    assert_ne!(a.load_id, b.load_id);
    assert_eq!(row_count(&w, "transactions"), 20);
}
