//! Closed accounts, each with the day it was closed.
//!
//! Half of the customers who churned by as-of ([`CHURNER_CLOSES_ALL`]) close every account they
//! can on one day of their churn month: deposits, payroll, wealth, funds, insurance and cards.
//! A loan still owed stays open (nobody walks away from a mortgage); a loan that had matured by
//! as-of is closed on its maturity date. The other churners keep their accounts open at their
//! floor balance. So that a closure is not only a churn signal, [`CLOSED_ONE_ACCOUNT`] of the
//! customers who did not churn and hold a product they could give up (a second current
//! account, a fund, an insurance policy, a credit card, open for long enough) closed one of
//! them on a day in the past. Drawn from a stream of the party's own, so nothing else the
//! generator draws changes with it.
use chrono::{Months, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rapport_domain::{AccountStatus, Money, ProductFamily};

use crate::batch::AccountInfo;
use crate::people::{date_between, shift};
use crate::reference::product_term_months;
use crate::rng::{rng_for, stream};

/// Share of the customers who churned by as-of who close every account but the loans they
/// still owe, in their churn month.
pub const CHURNER_CLOSES_ALL: f64 = 0.5;
/// Share of the other customers holding a product they could give up who closed one of them.
/// About two in five customers hold one, so this closes one account of about 2 % of the
/// customers who stay.
pub const CLOSED_ONE_ACCOUNT: f64 = 0.05;
/// A customer who stays closes an account it had held at least this many days, at least a day
/// before as-of.
pub const MIN_DAYS_HELD: i64 = 90;

/// What a party closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Closure {
    /// Every account but the loans still owed, on `day` (in the churn month).
    All { day: NaiveDate },
    /// The account at `index` of the party's accounts, on `day`.
    One { index: usize, day: NaiveDate },
}

/// The first day of the month after `month`'s, less a day.
fn month_end(month: NaiveDate) -> NaiveDate {
    month
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(month)
}

/// Draws what party `party` closed and closes it in `accounts` (status closed, a closing day,
/// nothing left at as-of). `churned_in` is the first day of its churn month if it churned by
/// as-of; `onboarded` the day its first account was opened.
pub(crate) fn close_accounts(
    seed: u64,
    party: u64,
    as_of: NaiveDate,
    onboarded: NaiveDate,
    churned_in: Option<NaiveDate>,
    accounts: &mut [AccountInfo],
) -> Option<Closure> {
    let mut rng = rng_for(seed, stream::CLOSURES, party);
    let closure = match churned_in {
        Some(month) => {
            if accounts.is_empty() || !rng.random_bool(CHURNER_CLOSES_ALL) {
                return None;
            }
            let day = date_between(&mut rng, month.max(onboarded), month_end(month).min(as_of));
            Closure::All { day }
        }
        None => one_closure(&mut rng, as_of, accounts)?,
    };
    match closure {
        Closure::All { day } => close_all(&mut rng, as_of, onboarded, day, accounts),
        Closure::One { index, day } => {
            if let Some(a) = accounts.get_mut(index) {
                close(a, day);
            }
        }
    }
    Some(closure)
}

/// Whether a customer who stays may have given the account up: anything but its first
/// account, payroll, terms still running and loans.
fn closable_alone(index: usize, a: &AccountInfo, latest_open: NaiveDate) -> bool {
    index > 0
        && a.record.opened_on <= latest_open
        && matches!(
            a.record.family,
            ProductFamily::CurrentDeposit
                | ProductFamily::Fund
                | ProductFamily::Insurance
                | ProductFamily::CreditCard
        )
}

/// The one account a customer who stays closed, if it did: one of its products it could give
/// up, closed at least [`MIN_DAYS_HELD`] days after opening and before as-of.
fn one_closure(
    rng: &mut ChaCha8Rng,
    as_of: NaiveDate,
    accounts: &[AccountInfo],
) -> Option<Closure> {
    let latest_open = shift(as_of, -MIN_DAYS_HELD - 1);
    let candidates = || {
        accounts
            .iter()
            .enumerate()
            .filter(|(i, a)| closable_alone(*i, a, latest_open))
    };
    let n = candidates().count();
    if n == 0 || !rng.random_bool(CLOSED_ONE_ACCOUNT) {
        return None;
    }
    let (index, a) = candidates().nth(rng.random_range(0..n))?;
    let day = date_between(
        rng,
        shift(a.record.opened_on, MIN_DAYS_HELD),
        shift(as_of, -1),
    );
    Some(Closure::One { index, day })
}

/// A churner closes everything on `day` but the loans it still owes; a loan that matured by
/// as-of is closed on its maturity date. An account opened after `day` is taken to have been
/// opened between onboarding and `day` (its term kept).
fn close_all(
    rng: &mut ChaCha8Rng,
    as_of: NaiveDate,
    onboarded: NaiveDate,
    day: NaiveDate,
    accounts: &mut [AccountInfo],
) {
    for a in accounts.iter_mut() {
        let r = &mut a.record;
        if matches!(
            r.family,
            ProductFamily::Mortgage | ProductFamily::ConsumerLoan | ProductFamily::BusinessLoan
        ) {
            if let Some(matured) = r.matures_on.filter(|m| *m <= as_of && *m >= r.opened_on) {
                close(a, matured);
            }
            continue;
        }
        if r.opened_on > day {
            r.opened_on = date_between(rng, onboarded.min(day), day);
            if let Some(matures) = r.matures_on.as_mut() {
                let term = product_term_months(&r.product_code).max(1);
                *matures = r
                    .opened_on
                    .checked_add_months(Months::new(term))
                    .unwrap_or(*matures);
            }
        }
        close(a, day);
    }
}

fn close(a: &mut AccountInfo, day: NaiveDate) {
    let r = &mut a.record;
    r.status = AccountStatus::Closed;
    r.closed_on = Some(day);
    r.balance = Money::from_minor_units(0, r.balance.currency);
}
