use std::collections::{HashMap, HashSet};

use chrono::Datelike;
use rapport_domain::{Mobile, PartyId, PartyKind, ResidentId, SourceSystem};
use rapport_synth::SourceRecord;
use rapport_synth::noise::*;

use crate::{assert_rate, bank};

fn records() -> impl Iterator<Item = &'static SourceRecord> {
    bank().batches.iter().flat_map(|b| &b.source_records)
}

fn rate(hits: usize, total: usize) -> f64 {
    assert!(total > 200, "too few samples ({total})");
    hits as f64 / total as f64
}

#[test]
fn names_have_homophones_and_pinyin_at_the_documented_rates() {
    let parties = bank().party_index();
    let (mut hanzi, mut changed, mut ib, mut ib_pinyin) = (0, 0, 0, 0);
    for r in records() {
        let p = parties[&r.party_id];
        if p.kind == PartyKind::Organisation {
            assert_eq!(r.name, p.name);
            continue;
        }
        let ascii = r.name.is_ascii();
        if r.source_system == SourceSystem::InternetBanking {
            ib += 1;
            ib_pinyin += usize::from(ascii);
        }
        if ascii {
            assert_ne!(r.source_system.as_str(), "core_banking");
            let squashed: String = r
                .name
                .to_lowercase()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            assert!(
                squashed.chars().all(|c| c.is_ascii_lowercase()),
                "{}",
                r.name
            );
        } else {
            hanzi += 1;
            if r.name != p.name {
                changed += 1;
                assert_eq!(
                    r.name.chars().filter(|c| !c.is_whitespace()).count(),
                    p.name.chars().count()
                );
            }
        }
    }
    assert_rate(
        "homophone names",
        rate(changed, hanzi),
        NAME_HOMOPHONE_RATE,
        0.015,
    );
    assert_rate(
        "pinyin internet-banking names",
        rate(ib_pinyin, ib),
        INTERNET_BANKING_PINYIN_RATE,
        0.03,
    );
}

#[test]
fn phones_are_missing_or_outdated_at_the_documented_rates() {
    let parties = bank().party_index();
    let (mut total, mut missing, mut outdated) = (0, 0, 0);
    for r in records() {
        let Some(truth) = parties[&r.party_id].mobile.as_ref() else {
            continue;
        };
        total += 1;
        match &r.mobile {
            None => missing += 1,
            Some(m) => {
                let parsed = Mobile::parse(m).expect("outdated numbers are still valid");
                if &parsed != truth {
                    outdated += 1;
                }
            }
        }
    }
    assert_rate(
        "missing phones",
        rate(missing, total),
        PHONE_MISSING_RATE,
        0.015,
    );
    assert_rate(
        "outdated phones",
        rate(outdated, total),
        PHONE_OUTDATED_RATE,
        0.015,
    );
}

#[test]
fn resident_ids_are_missing_legacy_or_mistyped_at_the_documented_rates() {
    let parties = bank().party_index();
    let (mut cc, mut cc_missing) = (0, 0);
    let (mut eligible, mut legacy) = (0, 0);
    let (mut full, mut typo) = (0, 0);
    for r in records() {
        let p = parties[&r.party_id];
        let Some(truth) = p.resident_id.as_ref() else {
            assert!(r.resident_id.is_none());
            continue;
        };
        if r.source_system == SourceSystem::CallCenter {
            cc += 1;
            cc_missing += usize::from(r.resident_id.is_none());
        }
        let Some(given) = r.resident_id.as_deref() else {
            continue;
        };
        if truth.birth_date().year() < 2000 {
            eligible += 1;
            if given.len() == 15 {
                legacy += 1;
                assert_eq!(ResidentId::parse(given).unwrap(), *truth);
                continue;
            }
        }
        assert_eq!(given.len(), 18);
        full += 1;
        if given != truth.as_str() {
            typo += 1;
            assert!(
                ResidentId::parse(given).is_err(),
                "a mistyped digit breaks the checksum or date"
            );
            let diffs = given
                .bytes()
                .zip(truth.as_str().bytes())
                .filter(|(a, b)| a != b)
                .count();
            assert_eq!(diffs, 1);
        }
    }
    assert_rate(
        "call-center IDs missing",
        rate(cc_missing, cc),
        CALL_CENTER_ID_MISSING_RATE,
        0.04,
    );
    assert_rate(
        "15-digit IDs",
        rate(legacy, eligible),
        ID_LEGACY_15_RATE,
        0.012,
    );
    assert_rate("mistyped IDs", rate(typo, full), ID_TYPO_RATE, 0.007);
}

#[test]
fn addresses_and_birth_dates_are_reformatted() {
    let parties = bank().party_index();
    let (mut total, mut changed) = (0, 0);
    let mut formats = HashSet::new();
    for r in records() {
        let p = parties[&r.party_id];
        if let (Some(a), Some(t)) = (&r.address, &p.address) {
            total += 1;
            if a != t {
                changed += 1;
            }
        }
        if let Some(b) = &r.birth_date {
            assert_eq!(parse_any_date(b), p.birth_date, "{b}");
            let f = if b.contains('年') {
                3
            } else if b.contains('/') {
                2
            } else if b.contains('-') {
                0
            } else {
                1
            };
            formats.insert(f);
        }
    }
    assert_rate(
        "reformatted addresses",
        rate(changed, total),
        ADDRESS_REFORMAT_RATE,
        0.02,
    );
    assert_eq!(formats.len(), 4, "all four birth-date formats appear");
}

#[test]
fn each_party_appears_in_the_right_systems() {
    let b = bank();
    let parties = b.party_index();
    let mut systems: HashMap<PartyId, Vec<SourceSystem>> = HashMap::new();
    let mut keys: HashSet<(SourceSystem, &str)> = HashSet::new();
    for r in records() {
        systems.entry(r.party_id).or_default().push(r.source_system);
        assert!(
            keys.insert((r.source_system, r.source_key.as_str())),
            "duplicate key {}",
            r.source_key
        );
        let prefix = match r.source_system {
            SourceSystem::CoreBanking => "CORE-",
            SourceSystem::Card => "CARD-",
            SourceSystem::InternetBanking => "IB-",
            _ => "CC-",
        };
        assert!(r.source_key.starts_with(prefix), "{}", r.source_key);
        let p = parties[&r.party_id];
        if p.kind == PartyKind::Organisation {
            assert_eq!(r.source_system, SourceSystem::CoreBanking);
            assert_eq!(r.uscc.as_deref(), p.uscc.as_ref().map(|u| u.as_str()));
        }
    }
    let mut holders: HashMap<PartyId, (bool, bool)> = HashMap::new();
    for a in b.batches.iter().flat_map(|b| &b.customers.accounts) {
        let e = holders.entry(a.party_id).or_default();
        if a.source_system == SourceSystem::Card {
            e.1 = true
        } else {
            e.0 = true
        }
    }
    let (mut indiv, mut ib, mut cc, mut core, mut second) = (0, 0, 0, 0, 0);
    for p in b.parties() {
        let s = systems.get(&p.id).cloned().unwrap_or_default();
        let distinct: HashSet<_> = s.iter().collect();
        assert!(
            (1..=4).contains(&distinct.len()),
            "{:?} in {} systems",
            p.kind,
            distinct.len()
        );
        let (has_core, has_card) = holders.get(&p.id).copied().unwrap_or_default();
        assert_eq!(has_core, s.contains(&SourceSystem::CoreBanking));
        assert_eq!(has_card, s.contains(&SourceSystem::Card));
        if p.kind == PartyKind::Individual {
            indiv += 1;
            ib += usize::from(s.contains(&SourceSystem::InternetBanking));
            cc += usize::from(s.contains(&SourceSystem::CallCenter));
            let n_core = s
                .iter()
                .filter(|x| **x == SourceSystem::CoreBanking)
                .count();
            core += usize::from(n_core > 0);
            second += usize::from(n_core == 2);
        }
    }
    assert_rate(
        "internet banking",
        rate(ib, indiv),
        INTERNET_BANKING_SHARE,
        0.02,
    );
    assert_rate("call center", rate(cc, indiv), CALL_CENTER_SHARE, 0.02);
    assert_rate("second core file", rate(second, core), 0.05, 0.012);
}

#[test]
fn source_accounts_mirror_accounts_under_existing_records() {
    let b = bank();
    let keys: HashMap<(SourceSystem, &str), PartyId> = records()
        .map(|r| ((r.source_system, r.source_key.as_str()), r.party_id))
        .collect();
    for batch in &b.batches {
        assert_eq!(batch.source_accounts.len(), batch.customers.accounts.len());
        for (sa, a) in batch.source_accounts.iter().zip(&batch.customers.accounts) {
            assert_eq!(sa.account_number, a.account_number);
            assert_eq!(sa.balance, a.balance);
            assert_eq!(sa.source_system, a.source_system);
            let owner = keys
                .get(&(sa.source_system, sa.source_key.as_str()))
                .expect("owning record exists");
            assert_eq!(*owner, a.party_id);
        }
    }
}
