//! Transactions: per account and month, following the party's archetype.
use chrono::{Datelike, Months, NaiveDate, NaiveTime, TimeZone, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rapport_domain::records::AccountRecord;
use rapport_domain::{AccountStatus, Currency, Money, ProductFamily};

use crate::batch::{AccountInfo, Entity};
use crate::rng::{lognormal, pick, rng_for, stream};
use crate::{Archetype, Channel, Direction, Transaction, TruthCustomer};

/// Months of transaction history ending at as_of.
pub const TRANSACTION_MONTHS: u32 = 12;

/// Share of parties with a loan or credit card who miss some monthly repayments: 1–3 of the
/// months before the as-of month on each of their loan and card accounts (a card misses a
/// month by having no repayment in it nor in the month after, when its statement was due).
pub const MISSED_REPAYMENT_RATE: f64 = 0.03;

fn is_debt(family: ProductFamily) -> bool {
    matches!(
        family,
        ProductFamily::Mortgage
            | ProductFamily::ConsumerLoan
            | ProductFamily::BusinessLoan
            | ProductFamily::CreditCard
    )
}

/// Per account, a bit per month `k` whose repayment is skipped. Drawn from a stream of its own,
/// so every other transaction stays what it was without missed repayments.
fn missed_months(seed: u64, party: u64, accounts: &[AccountInfo]) -> Vec<u16> {
    let mut rng = rng_for(seed, stream::MISSED_REPAYMENTS, party);
    let misses =
        accounts.iter().any(|a| is_debt(a.record.family)) && rng.random_bool(MISSED_REPAYMENT_RATE);
    accounts
        .iter()
        .map(|a| {
            if !misses || !is_debt(a.record.family) {
                return 0;
            }
            // A card's statement falls due the month after: missing month k means no
            // repayment in k nor in k + 1 (still before the as-of month).
            let card = a.record.family == ProductFamily::CreditCard;
            let months = TRANSACTION_MONTHS - if card { 2 } else { 1 };
            let mut mask = 0u16;
            let n = rng.random_range(1..=3u32);
            while mask.count_ones() < n {
                mask |= 1 << rng.random_range(0..months);
            }
            if card { mask | mask << 1 } else { mask }
        })
        .collect()
}

#[derive(Clone, Copy)]
enum Kind {
    Salary,
    Atm,
    Pos,
    QuickPay,
    TransferIn,
    TransferOut,
    Deposit,
    Interest,
    CardPurchase,
    CardRepayment,
    LoanRepayment,
}

impl Kind {
    fn direction(self) -> Direction {
        match self {
            Self::Salary
            | Self::TransferIn
            | Self::Deposit
            | Self::Interest
            | Self::CardRepayment
            | Self::LoanRepayment => Direction::Credit,
            _ => Direction::Debit,
        }
    }

    fn description(self, rng: &mut ChaCha8Rng) -> &'static str {
        match self {
            Self::Salary => "代发工资",
            Self::Atm => "ATM取款",
            Self::Pos => pick(
                rng,
                &[
                    "POS消费-超市",
                    "POS消费-餐饮",
                    "POS消费-加油",
                    "POS消费-商场",
                ],
            ),
            Self::QuickPay => pick(
                rng,
                &["快捷支付-网购", "快捷支付-生活缴费", "快捷支付-出行"],
            ),
            Self::TransferIn => "转账汇入",
            Self::TransferOut => "转账支出",
            Self::Deposit => "现金存入",
            Self::Interest => "结息",
            Self::CardPurchase => pick(rng, &["消费-网购", "消费-餐饮", "消费-超市", "消费-差旅"]),
            Self::CardRepayment => "信用卡还款",
            Self::LoanRepayment => "贷款还款",
        }
    }

    fn channel(self, rng: &mut ChaCha8Rng) -> Channel {
        match self {
            Self::Salary | Self::Interest | Self::LoanRepayment => Channel::Counter,
            Self::Atm => Channel::Atm,
            Self::Pos | Self::CardPurchase => {
                if rng.random_bool(0.7) {
                    Channel::Pos
                } else {
                    Channel::Internet
                }
            }
            Self::QuickPay => Channel::Mobile,
            Self::Deposit => {
                if rng.random_bool(0.7) {
                    Channel::Counter
                } else {
                    Channel::Atm
                }
            }
            Self::TransferIn | Self::TransferOut | Self::CardRepayment => {
                match rng.random_range(0..10) {
                    0..=5 => Channel::Mobile,
                    6..=7 => Channel::Internet,
                    8 => Channel::Phone,
                    _ => Channel::Counter,
                }
            }
        }
    }

    /// A typical amount in CNY.
    fn amount(self, rng: &mut ChaCha8Rng, salary: f64) -> f64 {
        match self {
            Self::Salary => salary * rng.random_range(0.9..1.1),
            Self::Atm => f64::from(rng.random_range(1..=30u32)) * 100.0,
            Self::Pos | Self::CardPurchase => lognormal(rng, 150.0, 1.0),
            Self::QuickPay => lognormal(rng, 80.0, 1.0),
            Self::TransferIn | Self::TransferOut => lognormal(rng, 2_000.0, 1.2),
            Self::Deposit => f64::from(rng.random_range(1..=50u32)) * 100.0,
            Self::Interest => rng.random_range(0.5..200.0),
            Self::CardRepayment => lognormal(rng, 3_000.0, 0.8),
            Self::LoanRepayment => lognormal(rng, 4_000.0, 0.6),
        }
    }
}

fn monthly_salary(band: Option<&str>) -> f64 {
    match band {
        Some("<50k") => 3_500.0,
        Some("50k-100k") => 6_500.0,
        Some("100k-300k") => 15_000.0,
        Some("300k-1m") => 45_000.0,
        Some(">1m") => 120_000.0,
        _ => 8_000.0,
    }
}

/// Mean number of everyday transactions on a current or payroll account in month `k`
/// (0 = the oldest of the [`TRANSACTION_MONTHS`]), by archetype, times the share of its usual
/// activity the customer keeps that month (`activity`: fading over a wind-down to nothing in
/// the month it churns, a little lower in a dip).
fn everyday_rate(arch: Archetype, month: NaiveDate, k: u32, activity: f64) -> f64 {
    let usual = match arch {
        Archetype::Steady => 7.0,
        Archetype::Growing => 5.0 + 6.0 * f64::from(k) / f64::from(TRANSACTION_MONTHS),
        Archetype::Seasonal => {
            if matches!(month.month(), 1 | 2 | 12) {
                12.0
            } else {
                5.0
            }
        }
        Archetype::Dormant => 0.0,
        Archetype::New => 5.0,
        Archetype::HighNetWorth => 10.0,
    };
    usual * activity
}

fn count(rng: &mut ChaCha8Rng, mean: f64) -> u32 {
    if mean <= 0.0 {
        return 0;
    }
    let x = mean * rng.random_range(0.5..1.5);
    let whole = x.floor();
    whole as u32 + u32::from(rng.random_bool((x - whole).clamp(0.0, 1.0)))
}

/// What shapes a party's transactions besides its accounts.
struct Party<'a> {
    arch: Archetype,
    salary: f64,
    truth: &'a TruthCustomer,
    as_of: NaiveDate,
    /// The first day of the history's first month.
    first_month: NaiveDate,
}

/// Month `k` of the history as an account sees it.
struct MonthWindow {
    k: u32,
    /// The month's first day.
    month: NaiveDate,
    /// The first day of the month the account is open.
    from: NaiveDate,
    /// The month's last day, at most as_of.
    end: NaiveDate,
}

impl Party<'_> {
    /// Month `k` for the account `r`; `None` if it was not open that month (it books nothing
    /// before it opened nor after the day it closed).
    fn month(&self, k: u32, r: &AccountRecord) -> Option<MonthWindow> {
        let month = self
            .first_month
            .checked_add_months(Months::new(k))
            .unwrap_or(self.first_month);
        let end = month
            .checked_add_months(Months::new(1))
            .and_then(|m| m.pred_opt())
            .unwrap_or(month)
            .min(self.as_of)
            .min(r.closed_on.unwrap_or(NaiveDate::MAX));
        let from = month.max(r.opened_on);
        (from <= end).then_some(MonthWindow {
            k,
            month,
            from,
            end,
        })
    }
}

pub fn for_party(
    seed: u64,
    as_of: NaiveDate,
    e: &Entity,
    truth: &TruthCustomer,
    accounts: &[AccountInfo],
    out: &mut Vec<Transaction>,
) {
    if accounts.is_empty() {
        return;
    }
    let p = e.record.id.0 as u64;
    let mut rng = rng_for(seed, stream::TRANSACTIONS, p);
    let party = Party {
        arch: e.archetype.unwrap_or(Archetype::Steady),
        salary: monthly_salary(e.record.income_band.as_deref()),
        truth,
        as_of,
        first_month: NaiveDate::from_ymd_opt(as_of.year(), as_of.month(), 1)
            .and_then(|m| m.checked_sub_months(Months::new(TRANSACTION_MONTHS - 1)))
            .unwrap_or(as_of),
    };
    let start = out.len();
    let missed = missed_months(seed, p, accounts);
    for (a, &missed) in accounts.iter().zip(&missed) {
        let r = &a.record;
        // A closed account books until the day it closed.
        if r.status == AccountStatus::Frozen {
            continue;
        }
        account_transactions(&mut rng, &party, r, missed, out);
    }
    // `start` is where this party's transactions begin: `out` only grew since.
    let mine = out.get_mut(start..).unwrap_or_default();
    mine.sort_by(|a, b| {
        a.booked_at
            .cmp(&b.booked_at)
            .then_with(|| a.account_number.cmp(&b.account_number))
    });
    for (n, t) in mine.iter_mut().enumerate() {
        t.id = p * 100_000 + n as u64 + 1;
    }
}

/// The account's transactions month by month, without ids; the repayments of the months set
/// in `missed` are left out.
fn account_transactions(
    rng: &mut ChaCha8Rng,
    party: &Party,
    r: &AccountRecord,
    missed: u16,
    out: &mut Vec<Transaction>,
) {
    for k in 0..TRANSACTION_MONTHS {
        let Some(w) = party.month(k, r) else {
            continue;
        };
        let activity = crate::churn::activity(party.truth, w.month);
        let everyday = everyday_rate(party.arch, w.month, k, activity);
        for kind in month_kinds(rng, r, w.month, everyday, activity) {
            let t = draw_transaction(rng, r, kind, &w, party.salary);
            // Drawn in full before being dropped, so the rest of the stream is unchanged.
            let skipped = matches!(kind, Kind::LoanRepayment | Kind::CardRepayment)
                && missed & (1 << w.k) != 0;
            if !skipped {
                out.push(t);
            }
        }
    }
}

/// The kinds of the transactions an account books in `month`, given the party's everyday
/// activity rate that month and the share of its usual activity it keeps (none once it has
/// churned: no salary, no interest on what is left; loans are still repaid).
fn month_kinds(
    rng: &mut ChaCha8Rng,
    r: &AccountRecord,
    month: NaiveDate,
    everyday: f64,
    activity: f64,
) -> Vec<Kind> {
    let mut kinds: Vec<Kind> = Vec::new();
    match r.family {
        ProductFamily::CurrentDeposit | ProductFamily::Payroll => {
            if r.family == ProductFamily::Payroll && everyday > 0.0 {
                kinds.push(Kind::Salary);
            }
            let scale = if r.status == AccountStatus::Dormant {
                0.0
            } else {
                1.0
            };
            for _ in 0..count(rng, everyday * scale) {
                kinds.push(everyday_kind(rng));
            }
            if matches!(month.month(), 3 | 6 | 9 | 12)
                && r.family == ProductFamily::CurrentDeposit
                && activity > 0.0
            {
                kinds.push(Kind::Interest);
            }
        }
        ProductFamily::CreditCard => {
            // A closed card was in use until it closed.
            let scale = if matches!(r.status, AccountStatus::Active | AccountStatus::Closed) {
                0.8
            } else {
                0.0
            };
            let n = count(rng, everyday * scale);
            for _ in 0..n {
                kinds.push(Kind::CardPurchase);
            }
            if n > 0 {
                kinds.push(Kind::CardRepayment);
            }
        }
        ProductFamily::Mortgage | ProductFamily::ConsumerLoan | ProductFamily::BusinessLoan
            if r.status != AccountStatus::Closed || everyday > 0.0 =>
        {
            kinds.push(Kind::LoanRepayment);
        }
        _ => {}
    }
    kinds
}

/// An everyday movement on a current or payroll account.
fn everyday_kind(rng: &mut ChaCha8Rng) -> Kind {
    match rng.random_range(0..20) {
        0..=4 => Kind::QuickPay,
        5..=8 => Kind::Pos,
        9..=11 => Kind::TransferOut,
        12..=14 => Kind::TransferIn,
        15..=17 => Kind::Atm,
        _ => Kind::Deposit,
    }
}

/// A transaction of `kind` on the account in the month `w`: its day, time, amount, channel and
/// description (its id is given once the party's transactions are sorted).
fn draw_transaction(
    rng: &mut ChaCha8Rng,
    r: &AccountRecord,
    kind: Kind,
    w: &MonthWindow,
    salary: f64,
) -> Transaction {
    let day = match kind {
        Kind::Salary => 10,
        Kind::Interest => 21,
        Kind::LoanRepayment => 15,
        _ => rng.random_range(1..=31),
    };
    let date = NaiveDate::from_ymd_opt(w.month.year(), w.month.month(), day)
        .unwrap_or(w.end)
        .clamp(w.from, w.end);
    let secs = rng.random_range(7 * 3600..23 * 3600);
    let time = NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap_or_default();
    let booked_at = Utc.from_utc_datetime(&date.and_time(time));
    let cny = kind.amount(rng, salary).max(0.01);
    let fen = (cny * 100.0).round() as i64;
    let channel = kind.channel(rng);
    let description = kind.description(rng);
    Transaction {
        id: 0,
        account_number: r.account_number.clone(),
        party_id: r.party_id,
        booked_at,
        amount: Money::from_minor_units(fen.max(1), Currency::Cny),
        direction: kind.direction(),
        channel,
        description: description.to_owned(),
    }
}
