//! Month-end balances of every account over the generated months, computed party by party while
//! `balances.csv` is written (nothing is stored per account).
//!
//! A balance is dated at the end of its month (at most as-of) and written only if the account
//! was open then: opened by that day and not closed by it, so a closed account's last row is
//! the month before it closed.
//!
//! * Asset accounts share their owner's monthly AUM, so that at every month-end the asset
//!   accounts open then add up to it: each holds the AUM times its weight over the weights of
//!   the asset accounts open that day (the first of them takes the rounding). An account open
//!   at as-of weighs its current balance, so the last month gives each its balance at as-of; a
//!   closed one weighs a share drawn from its number ([`closed_weight`]).
//! * Loans amortise linearly from their amount (the limit) at opening to what is owed at as-of,
//!   or to nothing on the day a repaid loan closed: a loan's balance never grows.
//! * Cards vary from month to month around a level: what is owed at as-of, which is the last
//!   month's balance, or when nothing is owed a share of the limit (nothing on a dormant card).
//!   A closed card was paid off the month before it closed.
use chrono::{Months, NaiveDate};
use rapport_domain::records::{AccountRecord, MonthlyAumRecord};
use rapport_domain::{AccountStatus, ProductFamily};

use crate::rng::{hash3, mix, stream, unit};

/// A card's month-end balance is its level times a factor uniform in `1 ± CARD_NOISE`.
pub const CARD_NOISE: f64 = 0.4;
/// When nothing is owed on a card at as-of, its level is a share of its limit drawn uniformly
/// in this range.
pub const CARD_LEVEL_OF_LIMIT: (f64, f64) = (0.05, 0.35);

/// The day a month's balance is taken: the end of the month of `month`, at most `as_of`.
pub(crate) fn month_end(month: NaiveDate, as_of: NaiveDate) -> NaiveDate {
    month
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(month)
        .min(as_of)
}

/// Whether the account was open at the end of `day`.
fn open_at(a: &AccountRecord, day: NaiveDate) -> bool {
    a.opened_on <= day && a.closed_on.is_none_or(|c| day < c)
}

fn minor(a: &AccountRecord) -> i64 {
    a.balance.to_minor_units().unwrap_or(0).max(0)
}

/// A hash of the account's number (FNV-1a, mixed) under `seed`.
fn account_hash(seed: u64, a: &AccountRecord) -> u64 {
    let fnv = a
        .account_number
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    hash3(seed, stream::BALANCES, mix(fnv))
}

/// The generated months (first days), the as-of date and the seed.
pub(crate) struct Calendar<'a> {
    pub months: &'a [NaiveDate],
    pub as_of: NaiveDate,
    pub seed: u64,
}

/// Calls `emit(account, day, balance in minor units)` for every month-end balance of the batch's
/// accounts, account by account (in the batch's order) and month by month. `accounts` and
/// `monthly_aum` are both in party order, as a batch holds them.
pub(crate) fn for_batch<E>(
    calendar: &Calendar,
    accounts: &[AccountRecord],
    monthly_aum: &[MonthlyAumRecord],
    emit: &mut impl FnMut(&AccountRecord, NaiveDate, i64) -> Result<(), E>,
) -> Result<(), E> {
    let mut curves = monthly_aum;
    for party in accounts.chunk_by(|a, b| a.party_id == b.party_id) {
        let Some(id) = party.first().map(|a| a.party_id) else {
            continue;
        };
        let before = curves.iter().take_while(|m| m.party_id < id).count();
        let mine = curves
            .iter()
            .skip(before)
            .take_while(|m| m.party_id == id)
            .count();
        let (curve, rest) = curves
            .get(before..)
            .and_then(|c| c.split_at_checked(mine))
            .unwrap_or_default();
        curves = rest;
        for_party(calendar, party, curve, emit)?;
    }
    Ok(())
}

fn for_party<E>(
    calendar: &Calendar,
    party: &[AccountRecord],
    curve: &[MonthlyAumRecord],
    emit: &mut impl FnMut(&AccountRecord, NaiveDate, i64) -> Result<(), E>,
) -> Result<(), E> {
    let assets = Assets::new(calendar.seed, party);
    for (i, a) in party.iter().enumerate() {
        match a.family {
            f if f.is_asset() => {
                for m in curve {
                    let day = month_end(m.month, calendar.as_of);
                    if !open_at(a, day) {
                        continue;
                    }
                    let aum = m.aum.to_minor_units().unwrap_or(0);
                    emit(a, day, assets.balance(i, day, aum))?;
                }
            }
            ProductFamily::CreditCard => {
                let card = Card::new(calendar, a);
                for (k, month) in calendar.months.iter().enumerate() {
                    let day = month_end(*month, calendar.as_of);
                    if open_at(a, day) {
                        emit(a, day, card.balance(calendar, k, *month))?;
                    }
                }
            }
            _ => {
                for month in calendar.months {
                    let day = month_end(*month, calendar.as_of);
                    if open_at(a, day) {
                        emit(a, day, loan_balance(a, calendar.as_of, day))?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// A party's accounts as shares of its AUM.
struct Assets<'a> {
    seed: u64,
    accounts: &'a [AccountRecord],
    /// What the asset accounts open at as-of hold.
    open_sum: i64,
}

impl<'a> Assets<'a> {
    fn new(seed: u64, accounts: &'a [AccountRecord]) -> Self {
        let open_sum = accounts
            .iter()
            .filter(|a| a.family.is_asset() && a.closed_on.is_none())
            .map(minor)
            .sum();
        Assets {
            seed,
            accounts,
            open_sum,
        }
    }

    fn weight(&self, a: &AccountRecord) -> i128 {
        if a.closed_on.is_none() {
            i128::from(minor(a))
        } else {
            closed_weight(self.seed, a, self.open_sum)
        }
    }

    /// The balance of account `i` at `day`, when the party's AUM is `aum`: its weighted share
    /// of it among the asset accounts open that day; the first of them takes the rounding.
    fn balance(&self, i: usize, day: NaiveDate, aum: i64) -> i64 {
        let open = || {
            self.accounts
                .iter()
                .enumerate()
                .filter(|(_, a)| a.family.is_asset() && open_at(a, day))
        };
        let total: i128 = open().map(|(_, a)| self.weight(a)).sum();
        let first = open().next().map(|(j, _)| j);
        let share = |a: &AccountRecord| {
            if total > 0 {
                i64::try_from(i128::from(aum) * self.weight(a) / total).unwrap_or(0)
            } else {
                0
            }
        };
        if first == Some(i) {
            let others: i64 = open().filter(|(j, _)| *j != i).map(|(_, a)| share(a)).sum();
            aum - others
        } else {
            self.accounts.get(i).map_or(0, share)
        }
    }
}

/// The weight of a closed asset account in its owner's AUM while it was open: by family (as
/// the generator allocates assets) times a factor in 0.5–1.5 drawn from its number, relative to
/// a quarter of what the open asset accounts hold at as-of (or to a fixed unit when all are
/// closed).
fn closed_weight(seed: u64, a: &AccountRecord, open_sum: i64) -> i128 {
    let family: i128 = match a.family {
        ProductFamily::Payroll => 50,
        ProductFamily::TimeDeposit => 200,
        ProductFamily::WealthManagement => 250,
        ProductFamily::Fund => 150,
        _ => 100,
    };
    let jitter = 50 + (unit(account_hash(seed, a)) * 100.0) as i128;
    let unit = if open_sum > 0 {
        i128::from(open_sum) / 4
    } else {
        1_000_000
    };
    (unit * family * jitter / 10_000).max(1)
}

/// A loan's balance at `day`: linear from its amount at opening to what is owed at as-of, or
/// to nothing on the day it closed.
fn loan_balance(a: &AccountRecord, as_of: NaiveDate, day: NaiveDate) -> i64 {
    let (end, owed_then) = match a.closed_on {
        Some(c) => (c, 0),
        None => (as_of, minor(a)),
    };
    let amount = a
        .limit
        .and_then(|l| l.to_minor_units().ok())
        .unwrap_or(owed_then)
        .max(owed_then);
    let span = (end - a.opened_on).num_days().max(1);
    let left = (end - day).num_days().clamp(0, span);
    let repaid_since = i128::from(amount - owed_then) * i128::from(left) / i128::from(span);
    owed_then + i64::try_from(repaid_since).unwrap_or(0)
}

/// A card's level and what bounds it.
struct Card<'a> {
    account: &'a AccountRecord,
    hash: u64,
    level: f64,
    limit: i64,
}

impl<'a> Card<'a> {
    fn new(calendar: &Calendar, a: &'a AccountRecord) -> Self {
        let hash = account_hash(calendar.seed, a);
        let owed = minor(a);
        let limit = a
            .limit
            .and_then(|l| l.to_minor_units().ok())
            .unwrap_or(owed)
            .max(owed);
        let (lo, hi) = CARD_LEVEL_OF_LIMIT;
        let level = if owed > 0 {
            owed as f64
        } else if a.status == AccountStatus::Dormant {
            0.0
        } else {
            limit as f64 * (lo + (hi - lo) * unit(mix(hash)))
        };
        Card {
            account: a,
            hash,
            level,
            limit,
        }
    }

    /// The card's balance at the end of generated month `k` (first day `month`).
    fn balance(&self, calendar: &Calendar, k: usize, month: NaiveDate) -> i64 {
        let last = k + 1 == calendar.months.len();
        match self.account.closed_on {
            None if last => return minor(self.account),
            Some(closed) => {
                let next = month
                    .checked_add_months(Months::new(1))
                    .map_or(closed, |m| month_end(m, calendar.as_of));
                if next >= closed {
                    return 0;
                }
            }
            None => {}
        }
        let u = unit(hash3(self.hash, stream::BALANCES, k as u64));
        let factor = 1.0 - CARD_NOISE + 2.0 * CARD_NOISE * u;
        ((self.level * factor).round() as i64).clamp(0, self.limit)
    }
}
