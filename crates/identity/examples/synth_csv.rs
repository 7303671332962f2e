//! Writes the synthetic bank's source extracts as one flat CSV with the true person of every
//! record, for the quality benchmark (`bench/identity-quality.sh`).
//!
//!     cargo run --release -p rapport-identity --example synth_csv -- 100000 out.csv
//!
//! Generates enough customers for the requested number of source records (about 2.07 records
//! per customer) and keeps the first that many.
// A command-line tool: a bad argument or a failed write ends it with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/synthetic.rs"]
mod synthetic;

/// Source records per customer at the generator's default mix, measured (103,691 / 50,000).
const RECORDS_PER_CUSTOMER: f64 = 2.07;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let wanted: usize = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .expect("usage: synth_csv RECORDS OUT.csv");
    let out = args.get(2).expect("usage: synth_csv RECORDS OUT.csv");
    // A little more than needed, so the cut falls inside the last batch.
    let customers = (wanted as f64 / RECORDS_PER_CUSTOMER * 1.02).ceil() as u64 + 10;
    let g = synthetic::bank(customers);
    let mut w = csv::Writer::from_path(out).unwrap();
    w.write_record([
        "record_id",
        "truth",
        "source_system",
        "name",
        "gender",
        "birth_date",
        "resident_id",
        "mobile",
        "address",
        "email",
    ])
    .unwrap();
    let mut written = 0usize;
    // Organisations are known by their unified social credit code (in `resident_id`).
    for (r, person) in synthetic::labelled_records(&g).take(wanted) {
        let opt = |v: Option<String>| v.unwrap_or_default();
        w.write_record([
            written.to_string(),
            person.to_string(),
            r.source_system,
            r.name,
            opt(r.gender),
            opt(r.birth_date),
            opt(r.resident_id),
            opt(r.mobile),
            opt(r.address),
            opt(r.email),
        ])
        .unwrap();
        written += 1;
    }
    w.flush().unwrap();
    assert_eq!(written, wanted, "generator produced too few records");
    eprintln!("{written} records from {customers} customers → {out}");
}
