//! Resolves a flat CSV of source records and writes `record_id,cluster_id`: the Rapport side
//! of the quality benchmark (`bench/identity-quality.sh`), timed from reading the input to
//! the clusters written.
//!
//!     resolve_csv IN.csv OUT.csv --id rec_id --map name=given_name+surname --map other_id=soc_sec_id
//!
//! `--map FIELD=COLUMN[+COLUMN…]` fills a `SourceCustomer` field from one or more columns
//! (joined by a space); fields: name, gender, birth_date, resident_id, mobile, address, email,
//! other_id, postcode, locality. Unmapped columns (the truth among them) are never read.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use std::time::Instant;

use rapport_identity::{Resolution, Settings, SourceCustomer, resolve};

fn main() {
    let start = Instant::now();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (input, output) = (&args[0], &args[1]);
    let (id_column, maps) = parse_flags(&args[2..]);
    let (ids, records) = read_records(input, &id_column, &maps);
    let read = start.elapsed();
    let resolution = resolve(&records, &Settings::default());
    let resolved = start.elapsed();
    if std::env::var("SHOW_MODEL").is_ok() {
        show_model(&resolution);
    }
    if let Ok(path) = std::env::var("PAIRS_OUT") {
        write_pairs(&path, &ids, &resolution);
    }
    let mut w = csv::Writer::from_path(output).unwrap();
    w.write_record(["record_id", "cluster_id"]).unwrap();
    for (id, c) in ids.iter().zip(&resolution.cluster_of) {
        w.write_record([id.as_str(), ids[*c].as_str()]).unwrap();
    }
    w.flush().unwrap();
    let total = start.elapsed();
    eprintln!(
        "rapport: {} records, {} pairs at or above review; read {:.2}s, resolve {:.2}s, total {:.2}s",
        records.len(),
        resolution.pairs.len(),
        read.as_secs_f64(),
        (resolved - read).as_secs_f64(),
        total.as_secs_f64()
    );
    println!("seconds={:.3}", total.as_secs_f64());
}

/// A field and the columns that fill it.
type FieldMap = (String, Vec<String>);

/// The id column (`--id`, default `record_id`) and the `--map`s.
fn parse_flags(flags: &[String]) -> (String, Vec<FieldMap>) {
    let mut id_column = "record_id".to_owned();
    let mut maps: Vec<FieldMap> = Vec::new();
    let mut rest = flags.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().expect("flag without a value");
        match flag.as_str() {
            "--id" => id_column = value.clone(),
            "--map" => {
                let (field, cols) = value.split_once('=').expect("--map FIELD=COLUMN");
                maps.push((field.into(), cols.split('+').map(str::to_owned).collect()));
            }
            other => panic!("unknown flag {other}"),
        }
    }
    (id_column, maps)
}

/// Every row's id and record, reading only the mapped columns.
fn read_records(
    input: &str,
    id_column: &str,
    maps: &[FieldMap],
) -> (Vec<String>, Vec<SourceCustomer>) {
    let mut reader = csv::Reader::from_path(input).unwrap();
    let headers = reader.headers().unwrap().clone();
    let position = |c: &str| {
        headers
            .iter()
            .position(|h| h == c)
            .unwrap_or_else(|| panic!("no column {c}"))
    };
    let id_at = position(id_column);
    let plan: Vec<(String, Vec<usize>)> = maps
        .iter()
        .map(|(f, cols)| (f.clone(), cols.iter().map(|c| position(c)).collect()))
        .collect();
    let (mut ids, mut records) = (Vec::new(), Vec::new());
    for row in reader.records() {
        let row = row.unwrap();
        ids.push(row[id_at].to_owned());
        let mut r = SourceCustomer::default();
        for (field, cols) in &plan {
            let parts: Vec<&str> = cols
                .iter()
                .map(|&i| row[i].trim())
                .filter(|v| !v.is_empty())
                .collect();
            set_field(&mut r, field, parts.join(" "));
        }
        records.push(r);
    }
    (ids, records)
}

/// Sets `field` of `r` to `value` (an empty value is no value).
fn set_field(r: &mut SourceCustomer, field: &str, value: String) {
    let opt = (!value.is_empty()).then(|| value.clone());
    match field {
        "name" => r.name = value,
        "gender" => r.gender = opt,
        "birth_date" => r.birth_date = opt,
        "resident_id" => r.resident_id = opt,
        "mobile" => r.mobile = opt,
        "address" => r.address = opt,
        "email" => r.email = opt,
        "other_id" => r.other_id = opt,
        "postcode" => r.postcode = opt,
        "locality" => r.locality = opt,
        other => panic!("unknown field {other}"),
    }
}

/// m/u per field and level, on stderr.
fn show_model(resolution: &Resolution) {
    let model = &resolution.model;
    eprintln!("prior {:.4}", model.prior);
    for (f, field) in rapport_identity::FIELDS.iter().enumerate() {
        let w: Vec<String> = (0..field.levels())
            .map(|l| format!("{:.3}/{:.5}", model.m[f][l], model.u[f][l]))
            .collect();
        eprintln!("{:>12}: {}", field.as_str(), w.join("  "));
    }
}

/// Every pair at or above the review threshold, for looking into misses.
fn write_pairs(path: &str, ids: &[String], resolution: &Resolution) {
    let mut p = csv::Writer::from_path(path).unwrap();
    for s in &resolution.pairs {
        let levels: Vec<String> = s
            .explanation
            .iter()
            .map(|(f, l, w)| format!("{f}={}:{w:.1}", l.map_or("-".into(), |l| l.to_string())))
            .collect();
        p.write_record([
            ids[s.a].as_str(),
            ids[s.b].as_str(),
            &format!("{:.4}", s.probability),
            &levels.join(" "),
        ])
        .unwrap();
    }
    p.flush().unwrap();
}
