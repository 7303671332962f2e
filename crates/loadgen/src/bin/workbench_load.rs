//! Open-loop load for the RM workbench (bench/workbench.sh): requests start at a fixed rate
//! whatever the answers do (no coordinated omission: latency counts from the moment a request
//! was due), each as one of the demo bank's RMs in turn, for a fixed time.
//!
//!     workbench_load BASE_URL LOGINS_FILE [--rate 200] [--seconds 60] [--path /api/v1/workbench]
//!
//! LOGINS_FILE is the demo's `demo-logins.txt` (username password role); every `rm` in it logs
//! in once. Prints latency percentiles, the rate achieved and errors.
// A benchmark harness run by hand, not part of the service: like the tests it may panic
// and index (arguments, percentiles of a non-empty sample).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (base, logins) = (args[1].clone(), args[2].clone());
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let rate: f64 = flag("--rate").and_then(|v| v.parse().ok()).unwrap_or(200.0);
    let seconds: f64 = flag("--seconds")
        .and_then(|v| v.parse().ok())
        .unwrap_or(60.0);
    let path = flag("--path").unwrap_or_else(|| "/api/v1/workbench".to_owned());
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let tokens = log_in_rms(&client, &base, &logins).await;
    assert!(!tokens.is_empty(), "no rm logins in {logins}");
    let tokens = Arc::new(tokens);
    let url = Arc::new(format!("{base}{path}"));
    warm_up(&client, &url, &tokens).await;
    let Run {
        mut latencies,
        errors,
        elapsed,
    } = open_loop(&client, &url, &tokens, rate, seconds).await;
    println!(
        "workbench_load {path}: {} requests at {rate:.0}/s open loop over {} RMs in {elapsed:.1} s",
        latencies.len(),
        tokens.len()
    );
    println!("{}", rapport_loadgen::latency_line(&mut latencies));
    println!("errors: {errors}");
}

/// Logs in every `rm` of the logins file; their bearer tokens.
async fn log_in_rms(client: &reqwest::Client, base: &str, logins: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for line in std::fs::read_to_string(logins).unwrap().lines() {
        let parts: Vec<&str> = line.split(' ').collect();
        if parts.len() != 3 || parts[2] != "rm" {
            continue;
        }
        let res: Value = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"username": parts[0], "password": parts[1]}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        tokens.push(res["token"].as_str().expect("login token").to_owned());
    }
    tokens
}

/// GETs `url` as `token`; whether it succeeded and the whole body arrived.
async fn fetch_ok(client: &reqwest::Client, url: &str, token: &str) -> bool {
    match client.get(url).bearer_auth(token).send().await {
        Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
        _ => false,
    }
}

/// Warm-up, outside the measured run: every RM once, one at a time. The first request of an
/// RM after a scoring run computes the portfolio summary the later ones read; its latency
/// is printed on its own.
async fn warm_up(client: &reqwest::Client, url: &str, tokens: &[String]) {
    let mut first = Vec::with_capacity(tokens.len());
    for t in tokens {
        let start = Instant::now();
        let ok = fetch_ok(client, url, t).await;
        assert!(ok, "warm-up request to {url} failed");
        first.push(start.elapsed().as_secs_f64() * 1e3);
    }
    first.sort_by(f64::total_cmp);
    println!(
        "first request per RM (one at a time) ms: p50 {:.2}  max {:.2}",
        first[first.len() / 2],
        first[first.len() - 1]
    );
}

/// The measured run.
struct Run {
    /// Each request's latency, from the moment it was due.
    latencies: Vec<Duration>,
    /// Requests that failed.
    errors: u64,
    /// Seconds from the start of the run until the last answer.
    elapsed: f64,
}

/// Starts `rate` requests a second for `seconds`, each as the next RM, whatever the answers
/// do.
async fn open_loop(
    client: &reqwest::Client,
    url: &Arc<String>,
    tokens: &Arc<Vec<String>>,
    rate: f64,
    seconds: f64,
) -> Run {
    let interval = Duration::from_secs_f64(1.0 / rate);
    let total = (rate * seconds) as usize;
    let started = Instant::now();
    let mut handles = Vec::with_capacity(total);
    for k in 0..total {
        let due = started + interval.mul_f64(k as f64);
        tokio::time::sleep_until(due.into()).await;
        let (client, url, tokens) = (client.clone(), url.clone(), tokens.clone());
        handles.push(tokio::spawn(async move {
            let token = &tokens[k % tokens.len()];
            let ok = fetch_ok(&client, &url, token).await;
            (due.elapsed(), ok)
        }));
    }
    let mut latencies = Vec::with_capacity(total);
    let mut errors = 0u64;
    for h in handles {
        let (l, ok) = h.await.unwrap();
        latencies.push(l);
        errors += u64::from(!ok);
    }
    Run {
        latencies,
        errors,
        elapsed: started.elapsed().as_secs_f64(),
    }
}
