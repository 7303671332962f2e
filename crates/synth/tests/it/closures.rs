//! Closed accounts: every one has its closing day; half of the churners close all they can in
//! their churn month; a few customers who stay closed one product.
use std::collections::HashMap;

use chrono::{Duration, Months, NaiveDate};
use rapport_domain::records::AccountRecord;
use rapport_domain::{AccountStatus, PartyId, ProductFamily};
use rapport_synth::{CHURNER_CLOSES_ALL, CLOSED_ONE_ACCOUNT, MIN_DAYS_HELD, SynthConfig};

use crate::{assert_rate, bank};

fn is_loan(a: &AccountRecord) -> bool {
    matches!(
        a.family,
        ProductFamily::Mortgage | ProductFamily::ConsumerLoan | ProductFamily::BusinessLoan
    )
}

/// Each party's accounts, in the order generated.
fn accounts_by_party() -> HashMap<PartyId, Vec<&'static AccountRecord>> {
    let mut out: HashMap<PartyId, Vec<&AccountRecord>> = HashMap::new();
    for a in bank().batches.iter().flat_map(|b| &b.customers.accounts) {
        out.entry(a.party_id).or_default().push(a);
    }
    out
}

#[test]
fn a_closed_account_has_its_closing_day_and_nothing_left() {
    let as_of = SynthConfig::default_as_of();
    let mut closed = 0;
    for a in bank().batches.iter().flat_map(|b| &b.customers.accounts) {
        assert_eq!(
            a.status == AccountStatus::Closed,
            a.closed_on.is_some(),
            "{} is {} with closed_on {:?}",
            a.account_number,
            a.status.as_str(),
            a.closed_on
        );
        if let Some(c) = a.closed_on {
            closed += 1;
            assert!(a.opened_on <= c && c <= as_of, "{a:?}");
            assert!(a.balance.amount.is_zero(), "{a:?}");
            if let Some(m) = a.matures_on {
                assert!(m > a.opened_on);
            }
        }
    }
    println!("{closed} closed accounts");
    assert!(closed > 100, "{closed}");
}

/// A churner either closed every account but the loans it owes on one day of its churn month
/// and holds nothing from then, or closed none; about half closed everything.
#[test]
fn half_of_the_churners_close_everything_in_their_churn_month() {
    let by_party = accounts_by_party();
    let mut aum: HashMap<PartyId, Vec<(NaiveDate, i64)>> = HashMap::new();
    for m in bank().batches.iter().flat_map(|b| &b.customers.monthly_aum) {
        aum.entry(m.party_id)
            .or_default()
            .push((m.month, m.aum.to_minor_units().unwrap()));
    }
    let (mut churners, mut closers) = (0usize, 0usize);
    for t in bank().batches.iter().flat_map(|b| &b.truth) {
        let Some(month) = t.churned_in else {
            continue;
        };
        churners += 1;
        let accounts = &by_party[&t.party_id];
        let closed: Vec<_> = accounts.iter().filter(|a| a.closed_on.is_some()).collect();
        if closed.is_empty() {
            continue;
        }
        closers += 1;
        let day = closed[0].closed_on.unwrap();
        assert!(
            day >= month && day < month + Months::new(1),
            "{day} not in {month}"
        );
        for a in accounts {
            if is_loan(a) {
                assert!(a.closed_on.is_none(), "a loan still owed stays open: {a:?}");
                assert!(a.balance.amount > rust_decimal::Decimal::ZERO);
            } else {
                assert_eq!(a.closed_on, Some(day), "{a:?}");
            }
        }
        for (m, fen) in &aum[&t.party_id] {
            if *m >= month {
                assert_eq!(*fen, 0, "{:?} holds {fen} in {m} after closing", t.party_id);
            }
        }
    }
    let share = closers as f64 / churners as f64;
    println!("{closers} of {churners} churners closed everything ({share:.3})");
    assert!(churners >= 200, "{churners}");
    assert_rate(
        "churners closing everything",
        share,
        CHURNER_CLOSES_ALL,
        0.07,
    );
}

/// A few customers who did not churn closed one product they held long enough, never their
/// first account nor a loan.
#[test]
fn some_customers_who_stay_closed_one_account() {
    let by_party = accounts_by_party();
    let (mut stayers, mut closed_one) = (0usize, 0usize);
    for t in bank().batches.iter().flat_map(|b| &b.truth) {
        if t.churned_in.is_some() || t.hazard.is_none() {
            continue;
        }
        stayers += 1;
        let accounts = &by_party[&t.party_id];
        let closed: Vec<_> = accounts.iter().filter(|a| a.closed_on.is_some()).collect();
        assert!(
            closed.len() <= 1,
            "{:?} closed {}",
            t.party_id,
            closed.len()
        );
        let Some(a) = closed.first() else {
            continue;
        };
        closed_one += 1;
        assert!(!is_loan(a) && a.family != ProductFamily::Payroll, "{a:?}");
        assert_ne!(a.account_number, accounts[0].account_number);
        assert!(a.closed_on.unwrap() >= a.opened_on + Duration::days(MIN_DAYS_HELD));
        assert!(accounts[0].closed_on.is_none());
    }
    let share = closed_one as f64 / stayers as f64;
    println!("{closed_one} of {stayers} customers who stay closed one account ({share:.4})");
    // About two in five customers hold a product they could give up.
    assert_rate(
        "customers who stay closing one account",
        share,
        0.4 * CLOSED_ONE_ACCOUNT,
        0.01,
    );
}
