//! `balances.csv`: month-end balances of every account while it was open; the asset accounts
//! add up to their owner's monthly AUM, loans amortise, cards vary.
use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Months, NaiveDate};
use rapport_domain::records::AccountRecord;
use rapport_domain::{AccountStatus, PartyId, ProductFamily};
use rapport_synth::{Generator, SynthConfig, write_extracts};
use rust_decimal::Decimal;

fn month_end(first_day: NaiveDate) -> NaiveDate {
    (first_day + Months::new(1)).pred_opt().unwrap()
}

fn is_loan(a: &AccountRecord) -> bool {
    matches!(
        a.family,
        ProductFamily::Mortgage | ProductFamily::ConsumerLoan | ProductFamily::BusinessLoan
    )
}

#[test]
fn balances_cover_every_account_while_open() {
    let dir = tempfile::tempdir().unwrap();
    let g = Generator::new(SynthConfig {
        customers: 3_000,
        transactions: false,
        ..SynthConfig::default()
    })
    .unwrap();
    let summary = write_extracts(&g, dir.path(), &mut |_, _| {}).unwrap();
    let as_of = g.config().as_of;
    let first_month = NaiveDate::from_ymd_opt(2024, 7, 1).unwrap();
    let batch = g.batch(0);
    let accounts: HashMap<&str, &AccountRecord> = batch
        .customers
        .accounts
        .iter()
        .map(|a| (a.account_number.as_str(), a))
        .collect();
    // Each account's balances by day.
    let mut rows: HashMap<&str, BTreeMap<NaiveDate, Decimal>> = HashMap::new();
    let mut reader = csv::Reader::from_path(dir.path().join("balances.csv")).unwrap();
    let text: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(text.len() as u64, summary.rows_in("balances.csv"));
    for r in &text {
        let a = accounts[&r[0]];
        let day: NaiveDate = r[1].parse().unwrap();
        let balance: Decimal = r[2].parse().unwrap();
        assert_eq!(&r[3], "CNY");
        assert!(day >= month_end(first_month) && day <= as_of, "{day}");
        assert_eq!(day, month_end(day.with_day(1).unwrap()), "a month-end");
        assert!(
            day >= a.opened_on,
            "{} row {day} before opening {}",
            a.account_number,
            a.opened_on
        );
        assert!(
            a.closed_on.is_none_or(|c| day < c),
            "{} row {day} after closing {:?}",
            a.account_number,
            a.closed_on
        );
        assert!(balance >= Decimal::ZERO, "{r:?}");
        let prev = rows
            .entry(a.account_number.as_str())
            .or_default()
            .insert(day, balance);
        assert!(prev.is_none(), "two rows for {} on {day}", a.account_number);
    }
    check_families(&batch.customers.accounts, &rows, as_of);
    check_assets_add_up_to_aum(&batch, &rows, as_of);
}

/// Loans and cards have rows; loans never grow; open accounts end at their balance at as-of;
/// cards stay within their limit and vary.
fn check_families(
    accounts: &[AccountRecord],
    rows: &HashMap<&str, BTreeMap<NaiveDate, Decimal>>,
    as_of: NaiveDate,
) {
    let (mut loans, mut cards, mut varying_cards) = (0, 0, 0);
    for a in accounts {
        let mine = rows.get(a.account_number.as_str());
        if a.closed_on.is_none() {
            let last = mine.and_then(|m| m.get(&as_of));
            assert_eq!(last, Some(&a.balance.amount), "{a:?} at as-of");
        }
        let Some(mine) = mine else {
            assert!(a.closed_on.is_some(), "{a:?} has no balances");
            continue;
        };
        let values: Vec<Decimal> = mine.values().copied().collect();
        if is_loan(a) {
            loans += 1;
            assert!(values.windows(2).all(|w| w[0] >= w[1]), "{a:?}: {values:?}");
            assert!(values[0] <= a.limit.unwrap().amount);
        } else if a.family == ProductFamily::CreditCard {
            cards += 1;
            assert!(values.iter().all(|v| *v <= a.limit.unwrap().amount));
            if a.status == AccountStatus::Dormant {
                assert!(values.iter().all(|v| v.is_zero()));
            } else if values.windows(2).any(|w| w[0] != w[1]) {
                varying_cards += 1;
            }
            if a.closed_on.is_some() {
                assert!(values.last().unwrap().is_zero(), "paid off before closing");
            }
        }
    }
    println!("{loans} loans, {cards} cards ({varying_cards} varying) with balances");
    assert!(loans > 100 && cards > 100, "{loans} loans, {cards} cards");
    assert!(varying_cards * 10 > cards * 7, "{varying_cards} of {cards}");
}

/// At every month-end the party's open asset accounts hold its monthly AUM, to the fen.
fn check_assets_add_up_to_aum(
    batch: &rapport_synth::GeneratedBatch,
    rows: &HashMap<&str, BTreeMap<NaiveDate, Decimal>>,
    as_of: NaiveDate,
) {
    let mut held: HashMap<(PartyId, NaiveDate), Decimal> = HashMap::new();
    for a in batch
        .customers
        .accounts
        .iter()
        .filter(|a| a.family.is_asset())
    {
        for (day, v) in rows.get(a.account_number.as_str()).into_iter().flatten() {
            *held.entry((a.party_id, *day)).or_default() += *v;
        }
    }
    let mut checked = 0;
    for m in &batch.customers.monthly_aum {
        let day = month_end(m.month).min(as_of);
        let sum = held.remove(&(m.party_id, day)).unwrap_or_default();
        assert_eq!(sum, m.aum.amount, "{:?} on {day}", m.party_id);
        checked += 1;
    }
    assert!(
        held.is_empty(),
        "asset balances without an AUM point: {}",
        held.len()
    );
    println!("{checked} monthly AUM points match their accounts' balances");
}
