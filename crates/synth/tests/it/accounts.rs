use std::collections::{HashMap, HashSet};

use rapport_domain::{AccountStatus, PartyId, PartyKind, ProductFamily, SourceSystem};
use rapport_synth::{Archetype, luhn_valid};

use crate::{assert_rate, bank};

fn archetypes() -> HashMap<PartyId, Option<Archetype>> {
    bank()
        .batches
        .iter()
        .flat_map(|b| &b.truth)
        .map(|t| (t.party_id, t.archetype))
        .collect()
}

#[test]
fn two_to_three_accounts_per_customer() {
    let b = bank();
    let mut per_party: HashMap<PartyId, usize> = HashMap::new();
    for batch in &b.batches {
        for a in &batch.customers.accounts {
            *per_party.entry(a.party_id).or_default() += 1;
        }
    }
    let customers = b
        .parties()
        .filter(|p| p.kind != PartyKind::Prospect)
        .count();
    assert_eq!(
        per_party.len(),
        customers,
        "every non-prospect holds an account"
    );
    let mean = per_party.values().sum::<usize>() as f64 / customers as f64;
    println!("mean accounts per customer: {mean:.3}");
    assert!(
        (2.0..=3.0).contains(&mean),
        "mean accounts per customer {mean}"
    );
    for p in b.parties().filter(|p| p.kind == PartyKind::Prospect) {
        assert!(!per_party.contains_key(&p.id));
    }
}

#[test]
fn accounts_are_well_formed() {
    let b = bank();
    let parties = b.party_index();
    let mut numbers = HashSet::new();
    let mut families = HashSet::new();
    for a in b.batches.iter().flat_map(|b| &b.customers.accounts) {
        assert!(
            numbers.insert(a.account_number.clone()),
            "duplicate {}",
            a.account_number
        );
        assert!(luhn_valid(&a.account_number), "{}", a.account_number);
        families.insert(a.family);
        let p = parties[&a.party_id];
        assert!(
            a.opened_on >= p.onboarded_on,
            "{} opened before onboarding",
            a.account_number
        );
        assert!(a.opened_on <= rapport_synth::SynthConfig::default_as_of());
        assert_eq!(
            a.matures_on.is_some(),
            a.family.has_maturity(),
            "{}",
            a.product_code
        );
        if let Some(m) = a.matures_on {
            assert!(m > a.opened_on);
        }
        if a.family == ProductFamily::CreditCard {
            assert_eq!(a.account_number.len(), 16);
            assert_eq!(a.source_system, SourceSystem::Card);
            assert!(a.limit.is_some());
        } else {
            assert_eq!(a.account_number.len(), 19);
            assert_eq!(a.source_system, SourceSystem::CoreBanking);
        }
        if a.family.is_liability() {
            assert!(a.limit.is_some());
            assert!(a.balance.amount <= a.limit.unwrap().amount);
        }
        assert!(a.balance.amount >= rust_decimal::Decimal::ZERO);
        if a.status == AccountStatus::Closed {
            assert!(a.balance.amount.is_zero());
        }
    }
    assert_eq!(
        families.len(),
        ProductFamily::ALL.len(),
        "every family is held: {families:?}"
    );
}

#[test]
fn archetype_mix() {
    let a = archetypes();
    let with: Vec<Archetype> = a.values().flatten().copied().collect();
    let share = |k| with.iter().filter(|x| **x == k).count() as f64 / with.len() as f64;
    assert_rate("steady", share(Archetype::Steady), 0.45, 0.04);
    assert_rate("new", share(Archetype::New), 0.11, 0.02);
    assert_rate("dormant", share(Archetype::Dormant), 0.11, 0.02);
    assert_rate("hnw", share(Archetype::HighNetWorth), 0.05, 0.015);
}

#[test]
fn monthly_aum_follows_archetypes_and_ends_at_the_asset_balances() {
    let b = bank();
    let arch = archetypes();
    let mut assets: HashMap<PartyId, i64> = HashMap::new();
    for a in b.batches.iter().flat_map(|b| &b.customers.accounts) {
        let e = assets.entry(a.party_id).or_default();
        if a.family.is_asset() {
            *e += a.balance.to_minor_units().unwrap();
        }
    }
    // The month from which a customer's curve may leave its archetype's: a dip or a decision
    // to leave.
    let disturbed: HashMap<PartyId, chrono::NaiveDate> = b
        .batches
        .iter()
        .flat_map(|b| &b.truth)
        .filter_map(|t| {
            let from = match (t.dip_in, t.decided_in) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            from.map(|m| (t.party_id, m))
        })
        .collect();
    let mut series: HashMap<PartyId, Vec<_>> = HashMap::new();
    for m in b.batches.iter().flat_map(|b| &b.customers.monthly_aum) {
        series.entry(m.party_id).or_default().push(*m);
    }
    assert_eq!(
        series.len(),
        assets.len(),
        "AUM for every party with accounts"
    );
    let as_of = rapport_synth::SynthConfig::default_as_of();
    let last_month = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let (mut growing_up, mut growing) = (0, 0);
    for (party, points) in &series {
        let a = arch[party].unwrap();
        if a == Archetype::New {
            assert!((1..=4).contains(&points.len()));
        } else {
            assert_eq!(points.len(), 24, "{a:?}");
            assert_eq!(
                points[0].month,
                chrono::NaiveDate::from_ymd_opt(2024, 7, 1).unwrap()
            );
        }
        let last = points.last().unwrap();
        assert_eq!(last.month, last_month);
        assert!(last.month <= as_of);
        assert_eq!(
            last.aum.to_minor_units().unwrap(),
            assets[party],
            "last AUM point = asset balances"
        );
        assert!(points.windows(2).all(|w| w[0].month < w[1].month));
        match a {
            Archetype::HighNetWorth => {
                let until = disturbed
                    .get(party)
                    .copied()
                    .unwrap_or(chrono::NaiveDate::MAX);
                assert!(
                    points
                        .iter()
                        .filter(|p| p.month < until)
                        .all(|p| p.aum.amount >= rust_decimal::Decimal::from(6_000_000))
                );
            }
            Archetype::Growing if !disturbed.contains_key(party) => {
                growing += 1;
                if points[23].aum.amount > points[0].aum.amount {
                    growing_up += 1;
                }
            }
            _ => {}
        }
    }
    assert!(growing_up as f64 > 0.9 * growing as f64);
}
