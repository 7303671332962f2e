//! Source-system extracts as UTF-8 CSV files, written batch by batch.
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use chrono::NaiveDate;
use rapport_domain::{
    CustomerNumber, InvalidValue, Money, PartyId, PartyKind, SourceSystem, StaffId,
};

use crate::churn::RATE_SHOCK_MONTHS;
use crate::{
    Archetype, GeneratedBatch, Generator, Hazard, SourceAccount, SourceRecord, SynthError,
    TruthCustomer,
};

pub const CORE_BANKING_CSV: &str = "core_banking.csv";
pub const CARD_CSV: &str = "card.csv";
pub const INTERNET_BANKING_CSV: &str = "internet_banking.csv";
pub const CALL_CENTER_CSV: &str = "call_center.csv";
pub const CORE_BANKING_ACCOUNTS_CSV: &str = "core_banking_accounts.csv";
pub const CARD_ACCOUNTS_CSV: &str = "card_accounts.csv";
pub const TRANSACTIONS_CSV: &str = "transactions.csv";
pub const BALANCES_CSV: &str = "balances.csv";
pub const TRUTH_RECORDS_CSV: &str = "truth_records.csv";
pub const TRUTH_CUSTOMERS_CSV: &str = "truth_customers.csv";

pub const RECORD_HEADER: &[&str] = &[
    "source_key",
    "name",
    "gender",
    "birth_date",
    "resident_id",
    "uscc",
    "mobile",
    "address",
    "email",
    "branch_code",
    "rm",
    "updated_at",
];
pub use rapport_domain::records::ACCOUNT_FIELDS as ACCOUNT_HEADER;
/// The columns of `truth_customers.csv`; months are written `YYYY-MM`.
pub const TRUTH_CUSTOMER_HEADER: &[&str] = &[
    "party_id",
    "customer_number",
    "kind",
    "archetype",
    "churned_in",
    "decided_in",
    "wind_down_months",
    "monthly_hazard",
    "hazard_from",
    "service_shock_in",
    "rate_sensitive",
    "rate_shocks_in",
    "dip_in",
];
pub const TRANSACTION_HEADER: &[&str] = &[
    "id",
    "account_number",
    "booked_at",
    "direction",
    "amount",
    "currency",
    "channel",
    "description",
];

/// Rows written per file (headers excluded).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtractSummary {
    pub rows: BTreeMap<String, u64>,
    pub batches: usize,
}

impl ExtractSummary {
    pub fn rows_in(&self, file: &str) -> u64 {
        self.rows.get(file).copied().unwrap_or(0)
    }
}

struct Out {
    path: String,
    writer: csv::Writer<BufWriter<File>>,
    rows: u64,
}

impl Out {
    fn create(dir: &Path, name: &str, header: &[&str]) -> Result<Self, SynthError> {
        let path = dir.join(name);
        let shown = path.display().to_string();
        let file = File::create(&path).map_err(|source| SynthError::Io {
            path: shown.clone(),
            source,
        })?;
        let mut writer = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, file));
        writer
            .write_record(header)
            .map_err(|source| SynthError::Csv {
                path: shown.clone(),
                source,
            })?;
        Ok(Self {
            path: shown,
            writer,
            rows: 0,
        })
    }

    fn row<'a>(&mut self, fields: impl IntoIterator<Item = &'a str>) -> Result<(), SynthError> {
        self.rows += 1;
        self.writer
            .write_record(fields)
            .map_err(|source| SynthError::Csv {
                path: self.path.clone(),
                source,
            })
    }

    fn finish(mut self) -> Result<u64, SynthError> {
        self.writer.flush().map_err(|source| SynthError::Io {
            path: self.path.clone(),
            source,
        })?;
        Ok(self.rows)
    }
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

/// The core-banking system keeps each customer's primary RM (客户经理号); the others do not.
fn record_row(out: &mut Out, r: &SourceRecord, rm: Option<&str>) -> Result<(), SynthError> {
    let updated = r.updated_at.to_string();
    let rm = if r.source_system == SourceSystem::CoreBanking {
        rm.unwrap_or("")
    } else {
        ""
    };
    out.row([
        r.source_key.as_str(),
        r.name.as_str(),
        opt(&r.gender),
        opt(&r.birth_date),
        opt(&r.resident_id),
        opt(&r.uscc),
        opt(&r.mobile),
        opt(&r.address),
        opt(&r.email),
        opt(&r.branch_code),
        rm,
        updated.as_str(),
    ])
}

fn money(m: &Money) -> String {
    m.amount.to_string()
}

/// Writes `minor` units with `digits` decimals into `buf`, as [`money`] writes the amount.
fn write_minor(buf: &mut String, minor: i64, digits: u32) {
    use std::fmt::Write;
    let sign = if minor < 0 { "-" } else { "" };
    let v = minor.unsigned_abs();
    let scale = 10u64.pow(digits);
    // Writing into a String cannot fail.
    let _ = if digits == 0 {
        write!(buf, "{sign}{v}")
    } else {
        write!(
            buf,
            "{sign}{}.{:0width$}",
            v / scale,
            v % scale,
            width = digits as usize
        )
    };
}

fn account_row(out: &mut Out, a: &SourceAccount) -> Result<(), SynthError> {
    let balance = money(&a.balance);
    let limit = a.limit.as_ref().map(money).unwrap_or_default();
    let opened = a.opened_on.to_string();
    let matures = a.matures_on.map(|d| d.to_string()).unwrap_or_default();
    let closed = a.closed_on.map(|d| d.to_string()).unwrap_or_default();
    out.row([
        a.source_key.as_str(),
        a.account_number.as_str(),
        a.product_code.as_str(),
        a.family.as_str(),
        a.balance.currency.code(),
        balance.as_str(),
        limit.as_str(),
        opened.as_str(),
        matures.as_str(),
        a.status.as_str(),
        a.branch_code.as_str(),
        closed.as_str(),
    ])
}

struct Files {
    usernames: HashMap<StaffId, String>,
    /// The generated months (first days), as-of and the seed, for the balances.
    months: Vec<NaiveDate>,
    as_of: NaiveDate,
    seed: u64,
    /// The days balances are taken on, in order, with their text.
    balance_days: Vec<(NaiveDate, String)>,
    balances: Out,
    core: Out,
    card: Out,
    ib: Out,
    cc: Out,
    core_accounts: Out,
    card_accounts: Out,
    transactions: Option<Out>,
    truth_records: Out,
    truth_customers: Out,
}

impl Files {
    /// Creates every extract file in `dir` with its header.
    fn create(generator: &Generator, dir: &Path) -> Result<Files, SynthError> {
        let config = generator.config();
        let months = crate::batch::aum_months(config.as_of);
        Ok(Files {
            balance_days: months
                .iter()
                .map(|m| {
                    let day = crate::balances::month_end(*m, config.as_of);
                    (day, day.to_string())
                })
                .collect(),
            months,
            as_of: config.as_of,
            seed: config.seed,
            balances: Out::create(
                dir,
                BALANCES_CSV,
                &["account_number", "as_of", "balance", "currency"],
            )?,
            usernames: generator
                .reference()
                .staff
                .iter()
                .map(|s| (s.id, s.username.as_str().to_owned()))
                .collect(),
            core: Out::create(dir, CORE_BANKING_CSV, RECORD_HEADER)?,
            card: Out::create(dir, CARD_CSV, RECORD_HEADER)?,
            ib: Out::create(dir, INTERNET_BANKING_CSV, RECORD_HEADER)?,
            cc: Out::create(dir, CALL_CENTER_CSV, RECORD_HEADER)?,
            core_accounts: Out::create(dir, CORE_BANKING_ACCOUNTS_CSV, ACCOUNT_HEADER)?,
            card_accounts: Out::create(dir, CARD_ACCOUNTS_CSV, ACCOUNT_HEADER)?,
            transactions: if generator.config().transactions {
                Some(Out::create(dir, TRANSACTIONS_CSV, TRANSACTION_HEADER)?)
            } else {
                None
            },
            truth_records: Out::create(
                dir,
                TRUTH_RECORDS_CSV,
                &["source_system", "source_key", "party_id"],
            )?,
            truth_customers: Out::create(dir, TRUTH_CUSTOMERS_CSV, TRUTH_CUSTOMER_HEADER)?,
        })
    }

    fn write(&mut self, batch: &GeneratedBatch) -> Result<(), SynthError> {
        let primary_rm: HashMap<PartyId, &str> = batch
            .customers
            .rm_assignments
            .iter()
            .filter(|a| a.primary && a.effective_to.is_none())
            .filter_map(|a| {
                self.usernames
                    .get(&a.staff_id)
                    .map(|u| (a.party_id, u.as_str()))
            })
            .collect();
        for r in &batch.source_records {
            let out = match r.source_system {
                SourceSystem::CoreBanking => &mut self.core,
                SourceSystem::Card => &mut self.card,
                SourceSystem::InternetBanking => &mut self.ib,
                _ => &mut self.cc,
            };
            record_row(out, r, primary_rm.get(&r.party_id).copied())?;
            let party = r.party_id.0.to_string();
            self.truth_records.row([
                r.source_system.as_str(),
                r.source_key.as_str(),
                party.as_str(),
            ])?;
        }
        for a in &batch.source_accounts {
            let out = match a.source_system {
                SourceSystem::Card => &mut self.card_accounts,
                _ => &mut self.core_accounts,
            };
            account_row(out, a)?;
        }
        if let Some(out) = self.transactions.as_mut() {
            for t in &batch.transactions {
                let id = t.id.to_string();
                let at = t
                    .booked_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                let amount = money(&t.amount);
                out.row([
                    id.as_str(),
                    t.account_number.as_str(),
                    at.as_str(),
                    t.direction.as_str(),
                    amount.as_str(),
                    t.amount.currency.code(),
                    t.channel.as_str(),
                    t.description.as_str(),
                ])?;
            }
        }
        self.write_balances(batch)?;
        for c in &batch.truth {
            let row = truth_customer_row(c);
            self.truth_customers.row(row.iter().map(String::as_str))?;
        }
        Ok(())
    }

    /// Month-end balances of every account over the generated months (see `balances.rs`),
    /// formatted without allocating: the days are formatted once, amounts into one buffer.
    fn write_balances(&mut self, batch: &GeneratedBatch) -> Result<(), SynthError> {
        let calendar = crate::balances::Calendar {
            months: &self.months,
            as_of: self.as_of,
            seed: self.seed,
        };
        let (out, days) = (&mut self.balances, &self.balance_days);
        let mut amount = String::with_capacity(24);
        let mut other_day = String::new();
        crate::balances::for_batch(
            &calendar,
            &batch.customers.accounts,
            &batch.customers.monthly_aum,
            &mut |a, day, minor| {
                let date = match days.binary_search_by_key(&day, |(d, _)| *d) {
                    Ok(i) => days.get(i).map_or("", |(_, text)| text.as_str()),
                    Err(_) => {
                        other_day = day.to_string();
                        other_day.as_str()
                    }
                };
                amount.clear();
                write_minor(&mut amount, minor, a.balance.currency.minor_digits());
                out.row([
                    a.account_number.as_str(),
                    date,
                    amount.as_str(),
                    a.balance.currency.code(),
                ])
            },
        )
    }

    fn finish(self) -> Result<BTreeMap<String, u64>, SynthError> {
        let mut rows = BTreeMap::new();
        let mut put = |name: &str, out: Out| -> Result<(), SynthError> {
            rows.insert(name.to_owned(), out.finish()?);
            Ok(())
        };
        put(CORE_BANKING_CSV, self.core)?;
        put(CARD_CSV, self.card)?;
        put(INTERNET_BANKING_CSV, self.ib)?;
        put(CALL_CENTER_CSV, self.cc)?;
        put(CORE_BANKING_ACCOUNTS_CSV, self.core_accounts)?;
        put(CARD_ACCOUNTS_CSV, self.card_accounts)?;
        if let Some(t) = self.transactions {
            put(TRANSACTIONS_CSV, t)?;
        }
        put(BALANCES_CSV, self.balances)?;
        put(TRUTH_RECORDS_CSV, self.truth_records)?;
        put(TRUTH_CUSTOMERS_CSV, self.truth_customers)?;
        Ok(rows)
    }
}

/// Writes the source-system extracts and the ground truth into `dir` (created if missing),
/// generating batches on all cores but writing them in order, a few at a time.
pub fn write_extracts(
    generator: &Generator,
    dir: &Path,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ExtractSummary, SynthError> {
    std::fs::create_dir_all(dir).map_err(|source| SynthError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let mut files = Files::create(generator, dir)?;
    let total = generator.batch_count();
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let mut done = 0;
    progress(0, total);
    while done < total {
        let end = (done + workers).min(total);
        let batches = generate_batches(generator, done..end)?;
        for b in &batches {
            files.write(b)?;
            done += 1;
            progress(done, total);
        }
    }
    write_mappings(dir)?;
    Ok(ExtractSummary {
        rows: files.finish()?,
        batches: total,
    })
}

/// Generates the batches `range`, one thread each, in order.
fn generate_batches(
    generator: &Generator,
    range: std::ops::Range<usize>,
) -> Result<Vec<GeneratedBatch>, SynthError> {
    if range.len() == 1 {
        return Ok(vec![generator.batch(range.start)]);
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = range.map(|i| s.spawn(move || generator.batch(i))).collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .map_err(|_| SynthError::Internal("a batch generator thread panicked".into()))
            })
            .collect::<Result<Vec<_>, _>>()
    })
}

/// The mapping file of each extract (see `rapport-ingest`), written beside them.
pub const MAPPINGS: &[(&str, &str, &str)] = &[
    (CORE_BANKING_CSV, "core_banking", "customers"),
    (CARD_CSV, "card", "customers"),
    (INTERNET_BANKING_CSV, "internet_banking", "customers"),
    (CALL_CENTER_CSV, "call_center", "customers"),
    (CORE_BANKING_ACCOUNTS_CSV, "core_banking", "accounts"),
    (CARD_ACCOUNTS_CSV, "card", "accounts"),
    (TRANSACTIONS_CSV, "core_banking", "transactions"),
    (BALANCES_CSV, "core_banking", "balances"),
];

/// The mapping file's name for an extract: `core_banking.csv` → `core_banking.mapping.toml`.
pub fn mapping_file_name(extract: &str) -> String {
    format!("{}.mapping.toml", extract.trim_end_matches(".csv"))
}

fn mapping_text(system: &str, kind: &str) -> String {
    // (field, column) pairs: the warehouse's field names differ from the CSV header in places.
    let columns: Vec<(&str, &str)> = match kind {
        "customers" => RECORD_HEADER.iter().map(|c| (*c, *c)).collect(),
        "accounts" => ACCOUNT_HEADER.iter().map(|c| (*c, *c)).collect(),
        "transactions" => vec![
            ("transaction_id", "id"),
            ("account_number", "account_number"),
            ("booked_at", "booked_at"),
            ("direction", "direction"),
            ("amount", "amount"),
            ("currency", "currency"),
            ("channel", "channel"),
            ("description", "description"),
        ],
        _ => ["account_number", "as_of", "balance", "currency"]
            .iter()
            .map(|c| (*c, *c))
            .collect(),
    };
    let mut text = format!(
        "# Mapping of the synthetic {system} {kind} extract (see rapport-ingest).\n\
         source_system = \"{system}\"\nkind = \"{kind}\"\nformat = \"csv\"\nencoding = \"utf-8\"\n"
    );
    if kind == "customers" {
        // The extracts carry a few resident IDs with one mistyped digit, as real ones do:
        // matching can still use them.
        text.push_str("invalid_identifiers = \"keep_unverified\"\n");
    }
    text.push_str("\n[columns]\n");
    for (field, column) in columns {
        text.push_str(&format!("{field} = \"{column}\"\n"));
    }
    text
}

fn write_mappings(dir: &Path) -> Result<(), SynthError> {
    for (extract, system, kind) in MAPPINGS {
        let path = dir.join(mapping_file_name(extract));
        std::fs::write(&path, mapping_text(system, kind)).map_err(|source| SynthError::Io {
            path: path.display().to_string(),
            source,
        })?;
    }
    Ok(())
}

const MONTH_FORMAT: &str = "%Y-%m";

fn month_text(m: Option<NaiveDate>) -> String {
    m.map(|m| m.format(MONTH_FORMAT).to_string())
        .unwrap_or_default()
}

/// A row of `truth_customers.csv`, in [`TRUTH_CUSTOMER_HEADER`] order.
fn truth_customer_row(c: &TruthCustomer) -> [String; TRUTH_CUSTOMER_HEADER.len()] {
    let h = c.hazard.as_ref();
    [
        c.party_id.0.to_string(),
        c.customer_number.as_str().to_owned(),
        c.kind.as_str().to_owned(),
        c.archetype.map(|a| a.as_str()).unwrap_or("").to_owned(),
        month_text(c.churned_in),
        month_text(c.decided_in),
        c.wind_down_months
            .map(|d| d.to_string())
            .unwrap_or_default(),
        // `f64`'s `Display` is the shortest text that reads back to the same value.
        h.map(|h| h.monthly_rate.to_string()).unwrap_or_default(),
        month_text(h.map(|h| h.from)),
        month_text(h.and_then(|h| h.service_shock_in)),
        h.map(|h| h.rate_sensitive.to_string()).unwrap_or_default(),
        h.map(|h| {
            h.rate_shocks_in
                .iter()
                .map(|m| m.format(MONTH_FORMAT).to_string())
                .collect::<Vec<_>>()
                .join(";")
        })
        .unwrap_or_default(),
        month_text(c.dip_in),
    ]
}

/// Reads `truth_customers.csv` (as [`write_extracts`] writes it) back into the ground truth
/// of each party, in file order.
pub fn read_truth_customers(path: &Path) -> Result<Vec<TruthCustomer>, SynthError> {
    let shown = path.display().to_string();
    let csv_error = |source| SynthError::Csv {
        path: shown.clone(),
        source,
    };
    let mut reader = csv::Reader::from_path(path).map_err(csv_error)?;
    let header = reader.headers().map_err(csv_error)?.clone();
    let columns = TRUTH_CUSTOMER_HEADER
        .iter()
        .map(|name| {
            header
                .iter()
                .position(|h| h == *name)
                .ok_or_else(|| read_error(&shown, 1, &format!("no column {name}")))
        })
        .collect::<Result<Vec<usize>, SynthError>>()?;
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(csv_error)?;
        let fields = TruthFields {
            record: &record,
            columns: &columns,
        };
        out.push(
            fields
                .customer()
                .map_err(|e| read_error(&shown, i + 2, &e))?,
        );
    }
    Ok(out)
}

fn read_error(path: &str, line: usize, message: &str) -> SynthError {
    SynthError::Read {
        path: path.to_owned(),
        message: format!("line {line}: {message}"),
    }
}

/// One row of `truth_customers.csv`, its fields found by [`TRUTH_CUSTOMER_HEADER`] position.
struct TruthFields<'a> {
    record: &'a csv::StringRecord,
    columns: &'a [usize],
}

impl TruthFields<'_> {
    fn get(&self, k: usize) -> &str {
        self.columns
            .get(k)
            .and_then(|&c| self.record.get(c))
            .unwrap_or("")
            .trim()
    }

    fn parse<T: std::str::FromStr>(&self, k: usize) -> Result<Option<T>, String> {
        let text = self.get(k);
        if text.is_empty() {
            return Ok(None);
        }
        text.parse().map(Some).map_err(|_| {
            let name = TRUTH_CUSTOMER_HEADER.get(k).copied().unwrap_or("?");
            format!("{name} '{text}' is not valid")
        })
    }

    fn month(&self, k: usize) -> Result<Option<NaiveDate>, String> {
        parse_month(self.get(k))
    }

    fn customer(&self) -> Result<TruthCustomer, String> {
        let required = |k: usize| {
            let name = TRUTH_CUSTOMER_HEADER.get(k).copied().unwrap_or("?");
            format!("{name} is empty")
        };
        let party_id = self.parse::<i64>(0)?.ok_or_else(|| required(0))?;
        let customer_number = CustomerNumber::parse(self.get(1)).map_err(|e| e.to_string())?;
        let kind: PartyKind = self
            .get(2)
            .parse()
            .map_err(|e: InvalidValue| e.to_string())?;
        let archetype = match self.get(3) {
            "" => None,
            a => Some(a.parse::<Archetype>().map_err(|e| e.to_string())?),
        };
        let hazard = match self.parse::<f64>(7)? {
            None => None,
            Some(monthly_rate) => Some(Hazard {
                monthly_rate,
                from: self.month(8)?.ok_or_else(|| required(8))?,
                service_shock_in: self.month(9)?,
                rate_sensitive: self.parse::<bool>(10)?.unwrap_or(false),
                rate_shocks_in: self.rate_shocks()?,
            }),
        };
        Ok(TruthCustomer {
            party_id: PartyId(party_id),
            customer_number,
            kind,
            archetype,
            churned_in: self.month(4)?,
            decided_in: self.month(5)?,
            wind_down_months: self.parse::<u32>(6)?,
            hazard,
            dip_in: self.month(12)?,
        })
    }

    fn rate_shocks(&self) -> Result<[NaiveDate; RATE_SHOCK_MONTHS.len()], String> {
        let months = self
            .get(11)
            .split(';')
            .map(|m| parse_month(m)?.ok_or_else(|| "rate_shocks_in is empty".to_owned()))
            .collect::<Result<Vec<NaiveDate>, String>>()?;
        <[NaiveDate; RATE_SHOCK_MONTHS.len()]>::try_from(months).map_err(|m| {
            format!(
                "rate_shocks_in has {} months, not {}",
                m.len(),
                RATE_SHOCK_MONTHS.len()
            )
        })
    }
}

/// A `YYYY-MM` month as its first day; empty is `None`.
fn parse_month(text: &str) -> Result<Option<NaiveDate>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d")
        .map(Some)
        .map_err(|_| format!("'{text}' is not a YYYY-MM month"))
}

#[cfg(test)]
mod tests {
    use rapport_domain::Currency;

    use super::*;

    #[test]
    fn balances_are_written_as_money_writes_them() {
        let mut buf = String::new();
        for minor in [0, 1, 5, 10, 99, 100, 123_456, 10_000_000_000, -5, -123_456] {
            for currency in [Currency::Cny, Currency::Usd, Currency::Hkd] {
                buf.clear();
                write_minor(&mut buf, minor, currency.minor_digits());
                assert_eq!(buf, money(&Money::from_minor_units(minor, currency)));
            }
        }
    }
}
