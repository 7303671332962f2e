use std::collections::{HashMap, HashSet};

use rapport_domain::{AccountStatus, ProductFamily};
use rapport_synth::{Channel, Generator, SynthConfig};

#[test]
fn transactions_follow_accounts_and_archetypes() {
    let g = Generator::new(SynthConfig {
        customers: 2_000,
        ..SynthConfig::default()
    })
    .unwrap();
    let b = g.batch(0);
    let as_of = g.config().as_of;
    let accounts: HashMap<&str, _> = b
        .customers
        .accounts
        .iter()
        .map(|a| (a.account_number.as_str(), a))
        .collect();
    let mut ids = HashSet::new();
    let mut channels = HashSet::new();
    let mut per_account: HashMap<&str, usize> = HashMap::new();
    for t in &b.transactions {
        assert!(ids.insert(t.id));
        let a = accounts[t.account_number.as_str()];
        assert_eq!(a.party_id, t.party_id);
        assert!(t.amount.amount > rust_decimal::Decimal::ZERO);
        let day = t.booked_at.date_naive();
        assert!(
            day <= as_of && day >= a.opened_on,
            "{day} outside {}..{as_of}",
            a.opened_on
        );
        assert!(!t.description.is_empty());
        channels.insert(t.channel);
        *per_account.entry(t.account_number.as_str()).or_default() += 1;
    }
    assert_eq!(channels.len(), Channel::ALL.len());
    // Everyday accounts: 3–10 per active account per month on average.
    let active: Vec<_> = b
        .customers
        .accounts
        .iter()
        .filter(|a| a.status == AccountStatus::Active)
        .filter(|a| {
            matches!(
                a.family,
                ProductFamily::CurrentDeposit | ProductFamily::Payroll | ProductFamily::CreditCard
            )
        })
        .filter(|a| a.opened_on < as_of - chrono::Duration::days(366))
        .collect();
    let total: usize = active
        .iter()
        .map(|a| {
            per_account
                .get(a.account_number.as_str())
                .copied()
                .unwrap_or(0)
        })
        .sum();
    let per_month = total as f64 / active.len() as f64 / 12.0;
    println!("transactions per active everyday account per month: {per_month:.2}");
    assert!((3.0..=10.0).contains(&per_month), "{per_month}");
    for a in b
        .customers
        .accounts
        .iter()
        .filter(|a| a.status == AccountStatus::Dormant && a.family == ProductFamily::CreditCard)
    {
        assert!(!per_account.contains_key(a.account_number.as_str()));
    }
}

/// From the month it churns, a customer only repays its loans; over its wind-down its
/// everyday banking fades.
#[test]
fn churned_customers_stop_transacting() {
    let g = Generator::new(SynthConfig {
        customers: 2_000,
        ..SynthConfig::default()
    })
    .unwrap();
    let b = g.batch(0);
    let churned: HashMap<_, _> = b
        .truth
        .iter()
        .filter_map(|t| t.churned_in.map(|m| (t.party_id, m)))
        .collect();
    assert!(churned.len() >= 20, "{} churners", churned.len());
    let mut after_churning = 0;
    for t in &b.transactions {
        if churned
            .get(&t.party_id)
            .is_some_and(|m| t.booked_at.date_naive() >= *m)
        {
            after_churning += 1;
            assert_eq!(
                t.description, "贷款还款",
                "churned customers stop transacting"
            );
        }
    }
    println!(
        "{} churned customers, {after_churning} loan repayments after churning",
        churned.len()
    );
}

/// About `MISSED_REPAYMENT_RATE` of loan holders skip 1–3 monthly repayments before as-of.
#[test]
fn some_loan_holders_miss_repayments() {
    let g = Generator::new(SynthConfig {
        customers: 5_000,
        ..SynthConfig::default()
    })
    .unwrap();
    let b = g.batch(0);
    let as_of = g.config().as_of;
    let window_start = as_of - chrono::Duration::days(400);
    let mut repayments: HashMap<&str, usize> = HashMap::new();
    for t in &b.transactions {
        if t.description == "贷款还款" {
            *repayments.entry(t.account_number.as_str()).or_default() += 1;
        }
    }
    let loans: Vec<_> = b
        .customers
        .accounts
        .iter()
        .filter(|a| a.status == AccountStatus::Active && a.opened_on < window_start)
        .filter(|a| {
            matches!(
                a.family,
                ProductFamily::Mortgage | ProductFamily::ConsumerLoan | ProductFamily::BusinessLoan
            )
        })
        .collect();
    let holders: HashSet<_> = loans.iter().map(|a| a.party_id).collect();
    let mut missers = HashSet::new();
    for a in &loans {
        let n = repayments
            .get(a.account_number.as_str())
            .copied()
            .unwrap_or(0);
        let missed = 12usize.saturating_sub(n);
        assert!(missed <= 3, "{missed} repayments missed");
        if missed > 0 {
            missers.insert(a.party_id);
        }
    }
    let share = missers.len() as f64 / holders.len() as f64;
    println!(
        "loan holders missing repayments: {share:.3} of {}",
        holders.len()
    );
    assert!(
        (0.3 * rapport_synth::MISSED_REPAYMENT_RATE..=2.5 * rapport_synth::MISSED_REPAYMENT_RATE)
            .contains(&share),
        "{share}"
    );
}

/// A closed account books nothing after the day it closed; accounts closed within the history
/// were used before.
#[test]
fn no_transaction_on_a_closed_account_after_it_closed() {
    let g = Generator::new(SynthConfig {
        customers: 3_000,
        ..SynthConfig::default()
    })
    .unwrap();
    let b = g.batch(0);
    let closed: HashMap<&str, chrono::NaiveDate> = b
        .customers
        .accounts
        .iter()
        .filter_map(|a| a.closed_on.map(|c| (a.account_number.as_str(), c)))
        .collect();
    assert!(closed.len() > 50, "{} closed accounts", closed.len());
    let mut before = HashSet::new();
    for t in &b.transactions {
        if let Some(c) = closed.get(t.account_number.as_str()) {
            let day = t.booked_at.date_naive();
            assert!(
                day <= *c,
                "{} booked {day} after closing {c}",
                t.account_number
            );
            before.insert(t.account_number.as_str());
        }
    }
    println!(
        "{} closed accounts, {} with transactions before closing",
        closed.len(),
        before.len()
    );
    assert!(!before.is_empty());
}
