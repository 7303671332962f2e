//! Load for `POST /api/v1/identity/match` (bench/match.sh): N concurrent callers, each sending
//! the next record as soon as the previous answer arrived (closed loop), for a fixed time.
//!
//!     match_load URL TOKEN EXTRACTS_DIR [--callers 16] [--seconds 30] [--strangers 0.1]
//!
//! The records are rows of the synthetic bank's core-banking, internet-banking and call-center
//! extracts — the same people, as a channel would send them — plus a share of made-up
//! strangers who match nobody. Prints latency percentiles, throughput, answers and errors.
// A benchmark harness run by hand, not part of the service: like the tests it may panic
// and index (arguments, percentiles of a non-empty sample).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

const FILES: [&str; 3] = [
    "core_banking.csv",
    "internet_banking.csv",
    "call_center.csv",
];
const PER_FILE: usize = 40_000;

fn records(dir: &Path, strangers: f64, rng: &mut ChaCha8Rng) -> Vec<Value> {
    let mut out = Vec::new();
    for f in FILES {
        let mut reader = csv::Reader::from_path(dir.join(f)).expect("extract file");
        let headers = reader.headers().unwrap().clone();
        let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let (name, gender, birth, id, mobile, address, email) = (
            col("name"),
            col("gender"),
            col("birth_date"),
            col("resident_id"),
            col("mobile"),
            col("address"),
            col("email"),
        );
        let system = f.trim_end_matches(".csv");
        for row in reader.records().take(PER_FILE) {
            let row = row.unwrap();
            let v = |i: usize| Some(row.get(i)?.trim()).filter(|s| !s.is_empty());
            out.push(json!({
                "source_system": system,
                "name": v(name),
                "gender": v(gender),
                "birth_date": v(birth),
                "resident_id": v(id),
                "mobile": v(mobile),
                "address": v(address),
                "email": v(email),
            }));
        }
    }
    let strangers = (out.len() as f64 * strangers) as usize;
    let given = "晓明华丽静思远航宇轩涵婷";
    for _ in 0..strangers {
        let g: String = (0..2)
            .map(|_| {
                given
                    .chars()
                    .nth(rng.random_range(0..given.chars().count()))
                    .unwrap()
            })
            .collect();
        out.push(json!({
            "name": format!("欧阳{g}"),
            "mobile": format!("199{:08}", rng.random_range(0..100_000_000u32)),
            "birth_date": format!("19{:02}-0{}-1{}", rng.random_range(40..99), rng.random_range(1..10), rng.random_range(0..10)),
        }));
    }
    out.shuffle(rng);
    out
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (url, token, dir) = (args[1].clone(), args[2].clone(), args[3].clone());
    let flag = |name: &str, default: f64| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let callers = flag("--callers", 16.0) as usize;
    let seconds = flag("--seconds", 30.0);
    let strangers = flag("--strangers", 0.1);
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let bodies = Arc::new(records(Path::new(&dir), strangers, &mut rng));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(callers)
        .build()
        .unwrap();
    // Warm-up: one pass of a few hundred requests, not measured.
    for b in bodies.iter().take(200) {
        let _ = client.post(&url).bearer_auth(&token).json(b).send().await;
    }
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..callers {
        let (client, url, token, bodies) =
            (client.clone(), url.clone(), token.clone(), bodies.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let (mut matched, mut review, mut none, mut errors) = (0u64, 0u64, 0u64, 0u64);
            let mut i = c * 7919;
            while Instant::now() < deadline {
                let body = &bodies[i % bodies.len()];
                i += callers;
                let t = Instant::now();
                let answer = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(body)
                    .send()
                    .await;
                let ok = match answer {
                    Ok(r) if r.status().is_success() => r.json::<Value>().await.ok(),
                    _ => None,
                };
                latencies.push(t.elapsed());
                match ok
                    .as_ref()
                    .map(|v| v["match"]["decision"].as_str().map(str::to_owned))
                {
                    Some(Some(d)) if d == "match" => matched += 1,
                    Some(Some(_)) => review += 1,
                    Some(None) => none += 1,
                    None => errors += 1,
                }
            }
            (latencies, matched, review, none, errors)
        }));
    }
    let mut all = Vec::new();
    let (mut matched, mut review, mut none, mut errors) = (0, 0, 0, 0);
    for t in tasks {
        let (l, m, r, n, e) = t.await.unwrap();
        all.extend(l);
        matched += m;
        review += r;
        none += n;
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "match_load: {} requests in {elapsed:.1} s by {callers} callers = {:.0} req/s",
        all.len(),
        all.len() as f64 / elapsed
    );
    println!("{}", rapport_loadgen::latency_line(&mut all));
    println!("answers: {matched} match, {review} review, {none} no match, {errors} errors");
}
