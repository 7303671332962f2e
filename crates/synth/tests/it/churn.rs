//! Churn from a monthly hazard: churners of every archetype, wind-downs, floors, dips that
//! recover, noisy curves, and the oracle against what the generator did.
use std::collections::{BTreeMap, HashMap};

use chrono::{Months, NaiveDate};
use rapport_domain::{PartyId, PartyKind};
use rapport_synth::{Archetype, TruthCustomer, churn_probability};
use rust_decimal::Decimal;

use crate::bank;

fn truth() -> Vec<&'static TruthCustomer> {
    bank().batches.iter().flat_map(|b| &b.truth).collect()
}

/// Each party's AUM (yuan) by month.
fn curves() -> HashMap<PartyId, BTreeMap<NaiveDate, Decimal>> {
    let mut out: HashMap<PartyId, BTreeMap<NaiveDate, Decimal>> = HashMap::new();
    for m in bank().batches.iter().flat_map(|b| &b.customers.monthly_aum) {
        out.entry(m.party_id)
            .or_default()
            .insert(m.month, m.aum.amount);
    }
    out
}

fn month_end(first_day: NaiveDate) -> NaiveDate {
    (first_day + Months::new(1)).pred_opt().unwrap()
}

#[test]
fn customers_of_every_archetype_churn_and_prospects_never() {
    let truth = truth();
    let mut by_archetype: BTreeMap<Archetype, (usize, usize)> = BTreeMap::new();
    for t in &truth {
        let Some(a) = t.archetype else {
            assert_eq!(t.kind, PartyKind::Prospect);
            assert!(t.hazard.is_none() && t.decided_in.is_none() && t.churned_in.is_none());
            continue;
        };
        let e = by_archetype.entry(a).or_default();
        e.0 += 1;
        e.1 += usize::from(t.churned_in.is_some());
    }
    println!("customers, churners by archetype: {by_archetype:?}");
    let churning = by_archetype.values().filter(|(_, c)| *c > 0).count();
    assert!(churning >= 5, "churners from {churning} archetypes");
    let (n, c) = by_archetype
        .values()
        .fold((0, 0), |(n, c), (a, b)| (n + a, c + b));
    let share = c as f64 / n as f64;
    // Attrition of a few percent a year over the two years generated.
    assert!((0.03..0.3).contains(&share), "{share} churned");
    // Dormant customers leave more than high-net-worth ones.
    let rate = |a| {
        let (n, c) = by_archetype[&a];
        c as f64 / n as f64
    };
    assert!(rate(Archetype::Dormant) > rate(Archetype::HighNetWorth));
}

#[test]
fn churners_wind_down_to_a_floor_under_a_thousand_yuan() {
    let curves = curves();
    let mut lengths = [0usize; 4];
    for t in truth() {
        let Some(churned) = t.churned_in else {
            continue;
        };
        let decided = t.decided_in.unwrap();
        let d = t.wind_down_months.unwrap();
        assert_eq!(decided + Months::new(d), churned);
        lengths[d as usize] += 1;
        let hazard = t.hazard.unwrap();
        assert!(decided >= hazard.from, "decided before it was a customer");
        let curve = &curves[&t.party_id];
        let after: Vec<Decimal> = curve.range(churned..).map(|(_, v)| *v).collect();
        assert!(!after.is_empty());
        assert!(
            after.iter().all(|v| *v < Decimal::from(1_000)),
            "{:?} from {churned}: {after:?}",
            t.party_id
        );
    }
    println!("churners by wind-down months: {lengths:?}");
    assert!(lengths.iter().all(|n| *n >= 10), "{lengths:?}");
    // A decision may still be winding down at as-of.
    assert!(
        truth()
            .iter()
            .any(|t| t.decided_in.is_some() && t.churned_in.is_none())
    );
}

#[test]
fn some_customers_dip_and_recover() {
    let curves = curves();
    let mut recovered = 0;
    let dips: Vec<_> = truth().into_iter().filter(|t| t.dip_in.is_some()).collect();
    for t in &dips {
        let start = t.dip_in.unwrap();
        assert!(t.decided_in.is_none_or(|d| d > start));
        let curve = &curves[&t.party_id];
        let (Some((_, before)), Some(low)) =
            (curve.range(..start).next_back(), curve.get(&start).copied())
        else {
            continue;
        };
        let later = curve
            .range(start + Months::new(4)..)
            .next()
            .map(|(_, v)| *v);
        if low < *before * Decimal::new(65, 2) && later.is_some_and(|v| v > low * Decimal::TWO) {
            recovered += 1;
        }
    }
    let customers = truth().iter().filter(|t| t.hazard.is_some()).count();
    println!("{} dips, {recovered} seen to recover", dips.len());
    assert!(dips.len() * 100 > customers, "{} dips", dips.len());
    assert!(recovered * 2 > dips.len(), "{recovered} of {}", dips.len());
}

/// No segment of any curve is flat: three months in a row never hold the same AUM, until a
/// churner closes all its accounts (it then holds nothing).
#[test]
fn every_curve_is_noisy() {
    let truth: HashMap<PartyId, &TruthCustomer> =
        truth().into_iter().map(|t| (t.party_id, t)).collect();
    let mut emptied: HashMap<PartyId, NaiveDate> = HashMap::new();
    for a in bank().batches.iter().flat_map(|b| &b.customers.accounts) {
        if let (Some(c), Some(churned)) = (a.closed_on, truth[&a.party_id].churned_in)
            && c >= churned
        {
            emptied.insert(a.party_id, churned);
        }
    }
    for (party, curve) in curves() {
        let from = truth[&party].hazard.unwrap().from;
        let until = emptied.get(&party).copied().unwrap_or(NaiveDate::MAX);
        let values: Vec<Decimal> = curve.range(from..until).map(|(_, v)| *v).collect();
        for w in values.windows(3) {
            assert!(
                !(w[0] == w[1] && w[1] == w[2]),
                "{party:?} is flat: {values:?}"
            );
        }
    }
}

/// Over many customers, the oracle's mean probability of churning in a window is the share
/// that did (within four standard deviations of the sum of Bernoulli draws).
#[test]
fn the_oracle_matches_what_the_generator_did() {
    let truth = truth();
    let first = truth.iter().find_map(|t| t.hazard).unwrap().from;
    let first = truth
        .iter()
        .filter_map(|t| t.hazard.map(|h| h.from))
        .fold(first, NaiveDate::min);
    for (start, horizon) in [(3, 3), (6, 6), (10, 12), (17, 6), (0, 23)] {
        let snapshot = month_end(first + Months::new(start));
        let window = (snapshot, month_end(first + Months::new(start + horizon)));
        let (mut expected, mut variance, mut observed) = (0.0, 0.0, 0usize);
        for t in &truth {
            let p = churn_probability(t, snapshot, horizon);
            assert!((0.0..=1.0).contains(&p));
            expected += p;
            variance += p * (1.0 - p);
            observed += usize::from(t.churned_in.is_some_and(|m| m > window.0 && m <= window.1));
        }
        let tolerance = 4.0 * variance.sqrt() + 1.0;
        println!(
            "churn in ({}, {}]: oracle {expected:.1}, observed {observed} (± {tolerance:.1})",
            window.0, window.1
        );
        assert!(observed > 0);
        assert!(
            (expected - observed as f64).abs() <= tolerance,
            "oracle {expected:.1} vs observed {observed}"
        );
    }
}
