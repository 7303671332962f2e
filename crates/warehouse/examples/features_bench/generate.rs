//! A deterministic synthetic warehouse written straight in the warehouse's Parquet layout
//! (month partitions of transactions and balances, the two dimensions), at a size the CSV
//! path would take too long to reach.
//!
//! Per party: a current account and, at random, payroll (30%), time deposit (25%), wealth
//! (15%), fund (10%), insurance (8%), credit card (35%), mortgage (10%), consumer (8%) and
//! business loans (3%); 90% of accounts active, 5% dormant, 3% closed, 2% frozen. Balances:
//! every account's month-end balance for the 13 months up to as-of, plus a mid-month one for
//! current accounts. Transactions: a monthly repayment on each loan (3% of parties skip some),
//! a salary on payroll accounts, and everyday transactions (a party's count drawn around the
//! mean the total asks for) on the current, payroll and card accounts, in mixed channels.
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::sync::Arc;

use chrono::{Datelike, Months, NaiveDate};
use datafusion::arrow::array::{
    ArrayRef, Date32Builder, Decimal128Builder, RecordBatch, StringBuilder,
    TimestampMicrosecondBuilder,
};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::{Compression, ZstdLevel};
use datafusion::parquet::file::properties::WriterProperties;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rapport_warehouse::{AccountDim, PartyDim, Warehouse, balances_schema, transactions_schema};

pub struct Size {
    pub customers: u64,
    pub transactions: u64,
    pub seed: u64,
    pub as_of: NaiveDate,
}

const FAMILIES: [(&str, f64); 9] = [
    ("payroll", 0.30),
    ("time_deposit", 0.25),
    ("wealth_management", 0.15),
    ("fund", 0.10),
    ("insurance", 0.08),
    ("credit_card", 0.35),
    ("mortgage", 0.10),
    ("consumer_loan", 0.08),
    ("business_loan", 0.03),
];
const MONTHS: u32 = 12;
const FLUSH_ROWS: usize = 64 * 1024;

fn epoch_days(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days() as i32
}

fn props() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(1).unwrap()))
        .set_max_row_group_row_count(Some(1 << 20))
        .build()
}

/// Rows of one table for one month, flushed to that month's part file.
struct Month {
    writer: ArrowWriter<BufWriter<File>>,
    schema: datafusion::arrow::datatypes::SchemaRef,
    cols: Vec<Col>,
    rows: usize,
}

enum Col {
    Text(StringBuilder),
    Date(Date32Builder),
    Money(Decimal128Builder),
    Time(TimestampMicrosecondBuilder),
}

impl Month {
    fn open(root: &Path, table: &str, month: NaiveDate, part: usize) -> Month {
        let schema = if table == "transactions" {
            transactions_schema()
        } else {
            balances_schema()
        };
        let dir = root.join(format!(
            "{table}/month={:04}-{:02}",
            month.year(),
            month.month()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let file = File::create(dir.join(format!("part-bench-{part}.parquet"))).unwrap();
        let cols = schema
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                datafusion::arrow::datatypes::DataType::Date32 => Col::Date(Date32Builder::new()),
                datafusion::arrow::datatypes::DataType::Decimal128(..) => {
                    Col::Money(Decimal128Builder::new())
                }
                datafusion::arrow::datatypes::DataType::Timestamp(..) => {
                    Col::Time(TimestampMicrosecondBuilder::new())
                }
                _ => Col::Text(StringBuilder::new()),
            })
            .collect();
        let writer =
            ArrowWriter::try_new(BufWriter::new(file), schema.clone(), Some(props())).unwrap();
        Month {
            writer,
            schema,
            cols,
            rows: 0,
        }
    }

    fn text(&mut self, i: usize, v: Option<&str>) {
        if let Col::Text(b) = &mut self.cols[i] {
            b.append_option(v);
        }
    }
    fn date(&mut self, i: usize, v: i32) {
        if let Col::Date(b) = &mut self.cols[i] {
            b.append_value(v);
        }
    }
    fn money(&mut self, i: usize, v: i128) {
        if let Col::Money(b) = &mut self.cols[i] {
            b.append_value(v);
        }
    }
    fn time(&mut self, i: usize, v: i64) {
        if let Col::Time(b) = &mut self.cols[i] {
            b.append_value(v);
        }
    }

    fn end_row(&mut self) {
        self.rows += 1;
        if self.rows >= FLUSH_ROWS {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.rows == 0 {
            return;
        }
        let arrays: Vec<ArrayRef> = self
            .cols
            .iter_mut()
            .map(|c| -> ArrayRef {
                match c {
                    Col::Text(b) => Arc::new(b.finish()),
                    Col::Date(b) => Arc::new(b.finish()),
                    Col::Money(b) => Arc::new(b.finish().with_precision_and_scale(18, 2).unwrap()),
                    Col::Time(b) => Arc::new(b.finish().with_timezone("UTC")),
                }
            })
            .collect();
        let batch = RecordBatch::try_new(self.schema.clone(), arrays).unwrap();
        self.writer.write(&batch).unwrap();
        self.rows = 0;
    }

    fn close(mut self) {
        self.flush();
        self.writer.close().unwrap();
    }
}

/// Accounts and parties of parties `from..to`.
fn accounts_of(size: &Size, from: u64, to: u64) -> (Vec<AccountDim>, Vec<PartyDim>) {
    let mut accounts = Vec::new();
    let mut parties = Vec::new();
    for p in from..to {
        let mut rng = ChaCha8Rng::seed_from_u64(size.seed ^ p.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let onboarded = size.as_of - chrono::Duration::days(rng.random_range(30..7000));
        parties.push(PartyDim {
            party_id: p as i64,
            branch_id: Some(rng.random_range(1..200)),
            is_organisation: rng.random_bool(0.05),
            onboarded_on: rng.random_bool(0.8).then_some(onboarded),
        });
        let mut fams = vec!["current_deposit"];
        fams.extend(
            FAMILIES
                .iter()
                .filter(|(_, p)| rng.random_bool(*p))
                .map(|(f, _)| *f),
        );
        for (i, fam) in fams.into_iter().enumerate() {
            let status = match rng.random_range(0..100) {
                0..90 => "active",
                90..95 => "dormant",
                95..98 => "closed",
                _ => "frozen",
            };
            let opened = onboarded + chrono::Duration::days(rng.random_range(0..400));
            let opened = opened.min(size.as_of);
            let matures = matches!(
                fam,
                "time_deposit"
                    | "wealth_management"
                    | "mortgage"
                    | "consumer_loan"
                    | "business_loan"
            )
            .then(|| size.as_of + chrono::Duration::days(rng.random_range(1..1500)));
            let balance = (rng.random::<f64>().powi(3) * 2e8) as i64;
            accounts.push(AccountDim {
                account_key: format!(
                    "{:032x}",
                    (u128::from(p) << 8 | i as u128).wrapping_mul(0x2545_F491_4F6C_DD1D_9E37_79B9)
                ),
                party_id: p as i64,
                family: fam.into(),
                opened_on: opened,
                matures_on: matures,
                status: status.into(),
                closed_on: None,
                balance_minor: balance,
            });
        }
    }
    (accounts, parties)
}

fn month_start(size: &Size, m: u32) -> NaiveDate {
    size.as_of
        .with_day(1)
        .unwrap()
        .checked_sub_months(Months::new(m))
        .unwrap()
}

/// Writes transactions and balances of the parties `from..to` as part `part` of each month.
fn write_facts(root: &Path, size: &Size, accounts: &[AccountDim], part: usize) -> u64 {
    let per_party_mean = size.transactions as f64 / size.customers as f64;
    let mut tx: Vec<Month> = (0..MONTHS)
        .map(|m| Month::open(root, "transactions", month_start(size, m), part))
        .collect();
    let mut bal: Vec<Month> = (0..=MONTHS)
        .map(|m| Month::open(root, "balances", month_start(size, m), part))
        .collect();
    let mut written = 0u64;
    let mut next_id = (part as u64) << 40;
    // The accounts come party by party.
    for mine in accounts.chunk_by(|a, b| a.party_id == b.party_id) {
        let p = mine[0].party_id;
        let mut rng = ChaCha8Rng::seed_from_u64(
            size.seed ^ 0xB5 ^ (p as u64).wrapping_mul(0xD1B5_4A32_D192_ED03),
        );
        let misses = rng.random_bool(0.03);
        for a in mine {
            write_balances(size, &mut rng, a, &mut bal);
        }
        for e in party_events(size, &mut rng, mine, misses, per_party_mean) {
            next_id += 1;
            write_transaction(size, &mut tx[e.m as usize], next_id, &e);
            written += 1;
        }
    }
    tx.into_iter().chain(bal).for_each(Month::close);
    written
}

/// The account's month-end balances (and a mid-month one for a current account), drifting
/// down 2% a month into the past.
fn write_balances(size: &Size, rng: &mut ChaCha8Rng, a: &AccountDim, bal: &mut [Month]) {
    let base = a.balance_minor as f64;
    for m in 0..=MONTHS {
        let start = month_start(size, m);
        let end = (start + Months::new(1)).pred_opt().unwrap().min(size.as_of);
        if end < a.opened_on {
            continue;
        }
        let v = (base * (1.0 - 0.02 * f64::from(m)) * rng.random_range(0.9..1.1)) as i128;
        let mut days = vec![end];
        if a.family == "current_deposit" {
            days.push(start + chrono::Duration::days(14));
        }
        for d in days {
            let b = &mut bal[m as usize];
            b.text(0, Some(&a.account_key));
            b.date(1, epoch_days(d));
            b.money(2, v);
            b.text(3, Some("CNY"));
            b.text(4, Some("bench"));
            b.text(5, Some("bench"));
            b.end_row();
        }
    }
}

/// A transaction to write: month index `m` (0 = as-of month) and day of the month.
struct Event<'a> {
    m: u32,
    day: u32,
    account: &'a AccountDim,
    direction: &'static str,
    amount: i128,
    channel: &'static str,
    description: &'static str,
}

/// A party's transactions: loan repayments and salaries, everyday transactions up to the
/// party's share of the total, and card repayments.
fn party_events<'a>(
    size: &Size,
    rng: &mut ChaCha8Rng,
    mine: &'a [AccountDim],
    misses: bool,
    per_party_mean: f64,
) -> Vec<Event<'a>> {
    let live: Vec<&AccountDim> = mine
        .iter()
        .filter(|a| a.status != "closed" && a.status != "frozen")
        .collect();
    let everyday: Vec<&AccountDim> = live
        .iter()
        .copied()
        .filter(|a| {
            matches!(
                a.family.as_str(),
                "current_deposit" | "payroll" | "credit_card"
            )
        })
        .collect();
    let mut events = scheduled_events(size, rng, &live, misses);
    let budget = (per_party_mean - events.len() as f64 / 1.0).max(0.0);
    let n = if everyday.is_empty() {
        0
    } else {
        (budget * rng.random_range(0.2..1.8)).round() as u32
    };
    for _ in 0..n {
        events.push(everyday_event(rng, &everyday));
    }
    card_repayments(rng, misses, &mut events);
    events
}

/// Each month's loan repayment (some skipped by the parties who miss) and salary.
fn scheduled_events<'a>(
    size: &Size,
    rng: &mut ChaCha8Rng,
    live: &[&'a AccountDim],
    misses: bool,
) -> Vec<Event<'a>> {
    let mut events = Vec::new();
    for &a in live {
        let loan = matches!(
            a.family.as_str(),
            "mortgage" | "consumer_loan" | "business_loan"
        );
        for m in 0..MONTHS {
            if month_start(size, m) <= a.opened_on {
                continue;
            }
            if loan && !(misses && rng.random_bool(0.15)) {
                events.push(Event {
                    m,
                    day: 15,
                    account: a,
                    direction: "credit",
                    amount: rng.random_range(100_000..900_000),
                    channel: "counter",
                    description: "贷款还款",
                });
            }
            if a.family == "payroll" {
                events.push(Event {
                    m,
                    day: 10,
                    account: a,
                    direction: "credit",
                    amount: rng.random_range(300_000..3_000_000),
                    channel: "counter",
                    description: "代发工资",
                });
            }
        }
    }
    events
}

/// A card purchase, an incoming transfer or a quick payment on one of `everyday`.
fn everyday_event<'a>(rng: &mut ChaCha8Rng, everyday: &[&'a AccountDim]) -> Event<'a> {
    let a = everyday[rng.random_range(0..everyday.len())];
    let m = rng.random_range(0..MONTHS);
    let (direction, description) = match (a.family.as_str(), rng.random_range(0..10)) {
        ("credit_card", _) => ("debit", "消费-网购"),
        (_, 0..4) => ("credit", "转账汇入"),
        _ => ("debit", "快捷支付"),
    };
    let channel = ["mobile", "internet", "pos", "atm", "counter", "mobile"][rng.random_range(0..6)];
    Event {
        m,
        day: rng.random_range(1..=28),
        account: a,
        direction,
        amount: rng.random_range(100..500_000),
        channel,
        description,
    }
}

/// A card used in a month is repaid that month, except by the parties who miss.
fn card_repayments(rng: &mut ChaCha8Rng, misses: bool, events: &mut Vec<Event<'_>>) {
    let mut used: Vec<(u32, &AccountDim)> = events
        .iter()
        .filter(|e| e.account.family == "credit_card" && e.direction == "debit")
        .map(|e| (e.m, e.account))
        .collect();
    used.sort_by_key(|(m, a)| (*m, a.account_key.as_str()));
    used.dedup_by_key(|(m, a)| (*m, a.account_key.as_str()));
    for (m, a) in used {
        if !(misses && rng.random_bool(0.15)) {
            events.push(Event {
                m,
                day: 28,
                account: a,
                direction: "credit",
                amount: rng.random_range(10_000..900_000),
                channel: "mobile",
                description: "信用卡还款",
            });
        }
    }
}

fn write_transaction(size: &Size, t: &mut Month, id: u64, e: &Event<'_>) {
    let date = month_start(size, e.m)
        .with_day(e.day)
        .unwrap()
        .min(size.as_of);
    t.text(0, Some(&format!("T{id}")));
    t.text(1, Some(&e.account.account_key));
    t.time(
        2,
        i64::from(epoch_days(date)) * 86_400_000_000 + 3_600_000_000,
    );
    t.date(3, epoch_days(date));
    t.text(4, Some(e.direction));
    t.money(5, e.amount);
    t.money(
        6,
        if e.direction == "credit" {
            e.amount
        } else {
            -e.amount
        },
    );
    t.text(7, Some("CNY"));
    t.text(8, Some(e.channel));
    t.text(9, Some(e.description));
    t.text(10, Some("bench"));
    t.text(11, Some("bench"));
    t.end_row();
}

/// Generates the whole warehouse under `root` on two threads; returns the transaction count.
pub fn generate(root: &Path, size: &Size) -> u64 {
    let half = size.customers / 2;
    let ranges = [(0, half), (half, size.customers)];
    let results: Vec<(Vec<AccountDim>, Vec<PartyDim>, u64)> = std::thread::scope(|s| {
        let handles: Vec<_> = ranges
            .iter()
            .enumerate()
            .map(|(part, &(from, to))| {
                s.spawn(move || {
                    let (accounts, parties) = accounts_of(size, from, to);
                    let n = write_facts(root, size, &accounts, part);
                    (accounts, parties, n)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut accounts = Vec::new();
    let mut parties = Vec::new();
    let mut n = 0;
    for (a, p, k) in results {
        accounts.extend(a);
        parties.extend(p);
        n += k;
    }
    let w = Warehouse::open(root, chrono_tz::Asia::Shanghai).unwrap();
    w.write_dimensions(size.as_of, &accounts, &parties).unwrap();
    n
}
