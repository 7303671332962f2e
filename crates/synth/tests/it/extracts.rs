use std::collections::{HashMap, HashSet};

use rapport_synth::{Generator, SynthConfig, write_extracts};

#[test]
fn extracts_are_written_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let g = Generator::new(SynthConfig {
        customers: 2_000,
        ..SynthConfig::default()
    })
    .unwrap();
    let mut calls = Vec::new();
    let summary =
        write_extracts(&g, dir.path(), &mut |done, total| calls.push((done, total))).unwrap();
    assert_eq!(calls.last(), Some(&(1, 1)));
    let batch = g.batch(0);

    let read = |name: &str| -> (csv::StringRecord, Vec<csv::StringRecord>) {
        let mut r = csv::Reader::from_path(dir.path().join(name)).unwrap();
        let header = r.headers().unwrap().clone();
        let rows = r.records().map(|x| x.unwrap()).collect::<Vec<_>>();
        (header, rows)
    };
    let mut files = HashMap::new();
    for name in [
        "core_banking.csv",
        "card.csv",
        "internet_banking.csv",
        "call_center.csv",
        "core_banking_accounts.csv",
        "card_accounts.csv",
        "transactions.csv",
        "truth_records.csv",
        "truth_customers.csv",
    ] {
        let (header, rows) = read(name);
        assert_eq!(rows.len() as u64, summary.rows_in(name), "{name}");
        assert!(!rows.is_empty(), "{name} is empty");
        files.insert(name, (header, rows));
    }
    assert_eq!(summary.rows_in("truth_customers.csv"), 2_000);
    assert_eq!(
        summary.rows_in("truth_records.csv") as usize,
        batch.source_records.len()
    );
    assert_eq!(
        summary.rows_in("transactions.csv") as usize,
        batch.transactions.len()
    );

    // Every record's key is in the truth file with the right party.
    let (_, truth) = &files["truth_records.csv"];
    let truth: HashMap<(String, String), String> = truth
        .iter()
        .map(|r| ((r[0].to_owned(), r[1].to_owned()), r[2].to_owned()))
        .collect();
    for r in &batch.source_records {
        let key = (r.source_system.as_str().to_owned(), r.source_key.clone());
        assert_eq!(truth[&key], r.party_id.0.to_string());
    }
    let (header, core) = &files["core_banking.csv"];
    assert_eq!(&header[0], "source_key");
    let name_col = header.iter().position(|h| h == "name").unwrap();
    assert!(
        core.iter().any(|r| r[name_col].contains("公司")),
        "organisations are in core banking"
    );
    let core_keys: HashSet<&str> = core.iter().map(|r| r.get(0).unwrap()).collect();
    let (_, accounts) = &files["core_banking_accounts.csv"];
    assert!(accounts.iter().all(|r| core_keys.contains(&r[0])));
    let (th, tx) = &files["transactions.csv"];
    let at = th.iter().position(|h| h == "booked_at").unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(&tx[0][at]).is_ok());

    assert_written_again_identically(&g, dir.path());
}

/// Writing the extracts of `g` again gives byte-identical files to those in `dir`.
fn assert_written_again_identically(g: &Generator, dir: &std::path::Path) {
    let again = tempfile::tempdir().unwrap();
    write_extracts(g, again.path(), &mut |_, _| {}).unwrap();
    for name in [
        "core_banking.csv",
        "core_banking_accounts.csv",
        "card_accounts.csv",
        "transactions.csv",
        "balances.csv",
        "truth_customers.csv",
    ] {
        assert_eq!(
            std::fs::read(dir.join(name)).unwrap(),
            std::fs::read(again.path().join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn no_transactions_file_when_disabled() {
    let dir = tempfile::tempdir().unwrap();
    let g = Generator::new(SynthConfig {
        customers: 500,
        transactions: false,
        ..SynthConfig::default()
    })
    .unwrap();
    let summary = write_extracts(&g, dir.path(), &mut |_, _| {}).unwrap();
    assert!(!dir.path().join("transactions.csv").exists());
    assert_eq!(summary.rows_in("transactions.csv"), 0);
}

#[test]
fn the_ground_truth_reads_back_as_generated() {
    let dir = tempfile::tempdir().unwrap();
    let g = Generator::new(SynthConfig {
        customers: 2_000,
        transactions: false,
        ..SynthConfig::default()
    })
    .unwrap();
    write_extracts(&g, dir.path(), &mut |_, _| {}).unwrap();
    let path = dir.path().join("truth_customers.csv");
    let header = csv::Reader::from_path(&path)
        .unwrap()
        .headers()
        .unwrap()
        .clone();
    assert_eq!(
        header.iter().take(5).collect::<Vec<_>>(),
        [
            "party_id",
            "customer_number",
            "kind",
            "archetype",
            "churned_in"
        ],
        "the columns of old come first"
    );
    let back = rapport_synth::read_truth_customers(&path).unwrap();
    assert_eq!(back, g.batch(0).truth);
    assert!(back.iter().any(|c| c.churned_in.is_some()));
    assert!(
        back.iter()
            .any(|c| c.hazard.is_some_and(|h| h.service_shock_in.is_some()))
    );

    let broken = dir.path().join("broken.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&broken, text.replacen(",individual,", ",alien,", 1)).unwrap();
    let err = rapport_synth::read_truth_customers(&broken)
        .unwrap_err()
        .to_string();
    assert!(err.contains("broken.csv") && err.contains("line"), "{err}");
}
