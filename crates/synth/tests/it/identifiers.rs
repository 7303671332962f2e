use std::collections::{HashMap, HashSet};

use rapport_domain::{CustomerNumber, Mobile, PartyKind, RelationshipKind, ResidentId, Uscc};

use crate::{CUSTOMERS, assert_rate, bank};

#[test]
fn party_ids_are_dense_with_customer_numbers() {
    let ids: Vec<i64> = bank().parties().map(|p| p.id.0).collect();
    assert_eq!(ids, (1..=CUSTOMERS as i64).collect::<Vec<_>>());
    for p in bank().parties() {
        assert_eq!(
            p.customer_number,
            CustomerNumber::from_sequence(p.id.0 as u64)
        );
    }
}

#[test]
fn kinds_follow_the_mix() {
    let n = CUSTOMERS as f64;
    let count = |k| bank().parties().filter(|p| p.kind == k).count() as f64 / n;
    assert_rate("individuals", count(PartyKind::Individual), 0.94, 0.01);
    assert_rate("organisations", count(PartyKind::Organisation), 0.05, 0.01);
    assert_rate("prospects", count(PartyKind::Prospect), 0.01, 0.005);
}

#[test]
fn resident_ids_are_valid_unique_and_consistent() {
    let mut seen = HashSet::new();
    let mut regions = HashSet::new();
    for p in bank().parties().filter(|p| p.kind == PartyKind::Individual) {
        let id = p
            .resident_id
            .as_ref()
            .expect("every individual has a resident ID");
        let reparsed = ResidentId::parse(id.as_str()).unwrap();
        reparsed.check_consistent(p.birth_date, p.gender).unwrap();
        let age = rapport_synth_age(p.birth_date.unwrap());
        assert!((18..=85).contains(&age), "age {age}");
        assert!(seen.insert(id.as_str().to_owned()), "duplicate resident ID");
        regions.insert(id.region_code().to_owned());
    }
    assert!(
        regions.len() >= 60,
        "only {} registration districts",
        regions.len()
    );
}

fn rapport_synth_age(birth: chrono::NaiveDate) -> i32 {
    use chrono::Datelike;
    let as_of = rapport_synth::SynthConfig::default_as_of();
    let mut a = as_of.year() - birth.year();
    if (as_of.month(), as_of.day()) < (birth.month(), birth.day()) {
        a -= 1;
    }
    a
}

#[test]
fn ages_are_skewed_to_working_age() {
    let ages: Vec<i32> = bank()
        .parties()
        .filter(|p| p.kind == PartyKind::Individual)
        .map(|p| rapport_synth_age(p.birth_date.unwrap()))
        .collect();
    let share =
        |lo, hi| ages.iter().filter(|a| (lo..=hi).contains(*a)).count() as f64 / ages.len() as f64;
    assert!(share(26, 55) > 0.55, "{}", share(26, 55));
    assert!(share(76, 85) < 0.06);
    assert!(share(18, 25) > 0.03);
    let days: HashSet<_> = bank().parties().filter_map(|p| p.birth_date).collect();
    assert!(
        days.len() as f64 > 0.7 * ages.len() as f64,
        "birth dates cluster: {} distinct",
        days.len()
    );
}

#[test]
fn usccs_are_valid_and_unique() {
    let mut seen = HashSet::new();
    for p in bank()
        .parties()
        .filter(|p| p.kind == PartyKind::Organisation)
    {
        let u = p.uscc.as_ref().expect("organisations have a USCC");
        Uscc::parse(u.as_str()).unwrap();
        assert!(seen.insert(u.as_str().to_owned()));
        assert!(p.name.ends_with("公司"), "{}", p.name);
        assert!(p.mobile.is_some());
    }
}

#[test]
fn mobiles_are_valid_and_unique_except_within_households() {
    let b = bank();
    let mut head_of = HashMap::new();
    for batch in &b.batches {
        for r in &batch.customers.relationships {
            if r.kind == RelationshipKind::HouseholdMember {
                head_of.insert(r.from, r.to);
            }
        }
    }
    let mut owners: HashMap<String, Vec<_>> = HashMap::new();
    let mut prefixes = HashSet::new();
    for p in b.parties() {
        let m = p.mobile.as_ref().expect("everyone has a mobile");
        Mobile::parse(m.as_str()).unwrap();
        prefixes.insert(m.as_str()[..2].to_owned());
        owners.entry(m.as_str().to_owned()).or_default().push(p.id);
    }
    for ids in owners.values().filter(|v| v.len() > 1) {
        let head = |id| head_of.get(id).copied().unwrap_or(*id);
        let h = head(&ids[0]);
        assert!(
            ids.iter().all(|id| head(id) == h),
            "mobile shared outside a household: {ids:?}"
        );
    }
    for p in ["13", "15", "17", "18", "19"] {
        assert!(prefixes.contains(p), "no {p}x mobiles");
    }
}

#[test]
fn addresses_follow_the_format() {
    for p in bank()
        .parties()
        .filter(|p| p.kind == PartyKind::Individual)
        .take(2000)
    {
        let a = p.address.as_ref().unwrap();
        assert!(
            a.contains('号') && a.contains('栋') && a.ends_with('室'),
            "{a}"
        );
        assert!(
            a.contains('区') || a.contains("昆山市") || a.contains("义乌市"),
            "{a}"
        );
        assert!(!a.starts_with("北京市北京市"), "{a}");
    }
    let some_province = bank()
        .parties()
        .filter_map(|p| p.address.as_deref())
        .any(|a| a.contains('省'));
    assert!(some_province);
}

#[test]
fn emails_and_occupations() {
    let indiv: Vec<_> = bank()
        .parties()
        .filter(|p| p.kind == PartyKind::Individual)
        .collect();
    let with_email = indiv.iter().filter(|p| p.email.is_some()).count() as f64 / indiv.len() as f64;
    assert!((0.15..0.5).contains(&with_email), "{with_email}");
    assert!(
        indiv
            .iter()
            .all(|p| p.occupation.is_some() && p.income_band.is_some())
    );
    assert!(
        indiv
            .iter()
            .filter_map(|p| p.email.as_deref())
            .all(|e| e.contains("@example."))
    );
}

#[test]
fn onboarding_dates_span_fifteen_years() {
    let as_of = rapport_synth::SynthConfig::default_as_of();
    let days: Vec<i64> = bank()
        .parties()
        .map(|p| as_of.signed_duration_since(p.onboarded_on).num_days())
        .collect();
    assert!(days.iter().all(|d| (0..=15 * 366).contains(d)));
    assert!(days.iter().any(|d| *d > 14 * 365));
    assert!(days.iter().filter(|d| **d < 92).count() > 500);
}
