//! End-to-end CLV benchmark on a synthetic transaction log.
//!
//! `clv_bench generate --customers N --out FILE [--seed S]` writes `customer_id,t,amount` rows
//! (t in weeks) for N customers drawn from the CDNOW BG/NBD and Gamma-Gamma estimates, born over
//! the first 12 weeks of a 39-week window.
//!
//! `clv_bench run FILE [--report FILE]` reads the log, summarises it at day resolution, compresses,
//! fits both models and predicts P(alive), expected purchases over 39 weeks and 12-month CLV at
//! 1 %/month for every customer, printing per-stage timings; `--report` also writes the figures
//! as `key=value` lines for `bench/clv/lifetimes_run.py` to compare against.

// A benchmark harness, not production code: like the tests it may index.
#![allow(clippy::indexing_slicing, clippy::string_slice)]

#[path = "../tests/it/sim.rs"]
mod sim;

use std::error::Error;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rapport_clv::{
    BgNbd, ClvHorizon, GammaGamma, LIFETIMES_WEEKS_PER_MONTH, Patterns, Resolution, Summary,
    TimeUnit, Transaction, predict_patterns, summarise,
};

type AnyResult<T> = Result<T, Box<dyn Error>>;

/// Observation window in weeks; births fall in its first `BIRTH_WEEKS`.
const WINDOW_WEEKS: f64 = 39.0;
const BIRTH_WEEKS: f64 = 12.0;

fn main() -> AnyResult<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    match args.first().map(String::as_str) {
        Some("generate") => {
            let customers: u64 = flag("--customers").unwrap_or("1000000".into()).parse()?;
            let seed: u64 = flag("--seed").unwrap_or("1997".into()).parse()?;
            let out = flag("--out").ok_or("generate needs --out FILE")?;
            generate(customers, seed, &out)
        }
        Some("run") => {
            let file = args.get(1).ok_or("run needs a FILE")?;
            run(file, flag("--report").as_deref())
        }
        _ => Err(
            "usage: clv_bench generate --customers N --out FILE [--seed S] | \
                  clv_bench run FILE [--report FILE]"
                .into(),
        ),
    }
}

fn generate(customers: u64, seed: u64, out: &str) -> AnyResult<()> {
    let started = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut w = BufWriter::with_capacity(1 << 20, File::create(out)?);
    writeln!(w, "customer_id,t,amount")?;
    let mut rows = 0u64;
    for id in 1..=customers {
        let birth = BIRTH_WEEKS * rng.random::<f64>();
        let c = sim::simulate(&mut rng, &sim::CDNOW, WINDOW_WEEKS - birth);
        let times = std::iter::once(0.0).chain(c.repeats.iter().copied());
        for (t, amount) in times.zip(&c.spends) {
            // Cents, and at least one: a zero-value purchase would not be a purchase.
            writeln!(w, "{id},{:.6},{:.2}", birth + t, amount.max(0.01))?;
            rows += 1;
        }
    }
    w.flush()?;
    println!(
        "generated {customers} customers, {rows} transactions in {:.2}s -> {out}",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Reads `customer_id,t,amount` rows. A plain split of the whole file: the benchmark's input
/// is machine-written, and a general CSV reader costs as much as the whole model fit.
fn read_log(file: &str) -> AnyResult<Vec<Transaction<u64>>> {
    let text = std::fs::read_to_string(file)?;
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, "customer_id,t,amount")) => {}
        other => return Err(format!("{file}: unexpected header {other:?}").into()),
    }
    let mut log = Vec::with_capacity(text.len() / 24);
    for (n, line) in lines {
        let bad = || format!("{file}:{}: malformed row {line:?}", n + 1);
        let mut fields = line.split(',');
        let mut next = || fields.next().ok_or_else(bad);
        let (customer, time, amount) = (next()?, next()?, next()?);
        log.push(Transaction {
            customer: customer.parse().map_err(|_| bad())?,
            time: decimal(time).ok_or_else(bad)?,
            amount: decimal(amount).ok_or_else(bad)?,
        });
    }
    Ok(log)
}

/// Parses a plain decimal such as `12.345678`. With at most 15 digits the digits as an integer
/// and the power of ten are both exact doubles, so their quotient is the correctly rounded
/// value, the same as `str::parse` returns, in a fraction of its time. Anything else (signs,
/// exponents, long numbers) goes to `str::parse`.
fn decimal(s: &str) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let (mut mantissa, mut digits, mut decimals, mut seen_point) = (0u64, 0usize, 0usize, false);
    for &c in s.as_bytes() {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(c - b'0');
                digits += 1;
                decimals += usize::from(seen_point);
            }
            b'.' if !seen_point => seen_point = true,
            _ => return s.parse().ok(),
        }
    }
    if digits == 0 || digits > 15 {
        return s.parse().ok();
    }
    Some(mantissa as f64 / POW10[decimals])
}

struct Stages(Vec<(&'static str, f64)>, Instant);

impl Stages {
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.0.push((name, (now - self.1).as_secs_f64()));
        self.1 = now;
    }
    fn total(&self) -> f64 {
        self.0.iter().map(|(_, s)| s).sum()
    }
}

fn run(file: &str, report: Option<&str>) -> AnyResult<()> {
    let mut stages = Stages(Vec::new(), Instant::now());
    let log = read_log(file)?;
    stages.lap("read csv");
    // Day resolution (7 periods per week) to match lifetimes' freq="D", freq_multiplier=7.
    let summarised = summarise(&log, WINDOW_WEEKS, Resolution::PeriodsPerUnit(7.0))?;
    let summaries: Vec<Summary> = summarised.iter().map(|(_, s)| *s).collect();
    stages.lap("summarise");
    let patterns = Patterns::from_summaries(&summaries)?;
    stages.lap("compress");
    let bg = BgNbd::fit(&patterns, TimeUnit::Weeks)?;
    stages.lap("fit BG/NBD");
    let gg = GammaGamma::fit_summaries(&summaries)?;
    stages.lap("fit Gamma-Gamma");
    // lifetimes' month for weekly data, so the CLV figures are comparable.
    let horizon = ClvHorizon::new(12, 0.01)?.with_month_days(LIFETIMES_WEEKS_PER_MONTH * 7.0)?;
    let per_pattern = predict_patterns(&bg, &patterns, WINDOW_WEEKS, &horizon)?;
    let (mut sum_alive, mut sum_expected, mut sum_clv) = (0.0, 0.0, 0.0);
    let mut clv = Vec::with_capacity(summaries.len());
    for (s, &k) in summaries.iter().zip(patterns.customer_patterns()) {
        let p = per_pattern[k as usize];
        let value = p.discounted_purchases * gg.expected_average_spend(s.frequency, s.monetary)?;
        sum_alive += p.p_alive;
        sum_expected += p.expected_purchases;
        sum_clv += value;
        clv.push(value);
    }
    stages.lap("predict (P(alive), E[X(39)], CLV)");

    let n = summaries.len() as f64;
    let (b, g) = (bg.params(), gg.params());
    println!(
        "rapport: {} transactions, {} customers, {} patterns",
        log.len(),
        summaries.len(),
        patterns.len()
    );
    for (name, secs) in &stages.0 {
        println!("  {name:<36} {secs:>8.3}s");
    }
    println!("  {:<36} {:>8.3}s", "total", stages.total());
    println!(
        "  BG/NBD r={:.6} alpha={:.6} a={:.6} b={:.6} LL={:.4} ({} iterations)",
        b.r, b.alpha, b.a, b.b, bg.log_likelihood, bg.iterations
    );
    println!(
        "  Gamma-Gamma p={:.6} q={:.6} gamma={:.6} ({} iterations)",
        g.p, g.q, g.gamma, gg.iterations
    );
    println!(
        "  mean P(alive)={:.6} mean E[X(39)]={:.6} mean CLV={:.4}",
        sum_alive / n,
        sum_expected / n,
        sum_clv / n
    );
    if let Some(path) = report {
        let mut w = BufWriter::new(File::create(path)?);
        for (name, secs) in &stages.0 {
            writeln!(w, "stage.{name}={secs}")?;
        }
        writeln!(w, "total={}", stages.total())?;
        let fit = stages.0.iter().filter(|(s, _)| s.starts_with("fit BG"));
        writeln!(w, "fit_bgnbd={}", fit.map(|(_, t)| t).sum::<f64>())?;
        writeln!(
            w,
            "customers={}\npatterns={}",
            summaries.len(),
            patterns.len()
        )?;
        writeln!(w, "r={}\nalpha={}\na={}\nb={}", b.r, b.alpha, b.a, b.b)?;
        writeln!(w, "p={}\nq={}\ngamma={}", g.p, g.q, g.gamma)?;
        writeln!(w, "mean_p_alive={}", sum_alive / n)?;
        writeln!(w, "mean_expected_39={}", sum_expected / n)?;
        writeln!(w, "mean_clv={}", sum_clv / n)?;
        w.flush()?;
    }
    Ok(())
}
