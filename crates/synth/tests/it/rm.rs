use std::collections::{HashMap, HashSet};

use rapport_domain::{PartyKind, Role};
use rapport_synth::Archetype;

use crate::bank;

#[test]
fn every_rm_has_a_portfolio_and_coverage_is_realistic() {
    let b = bank();
    let r = b.generator.reference();
    let parties = b.party_index();
    let staff: HashMap<_, _> = r.staff.iter().map(|s| (s.id, s)).collect();
    let mut active_primary: HashMap<_, usize> = HashMap::new();
    let mut portfolios: HashMap<_, usize> = HashMap::new();
    let (mut secondary, mut historical) = (0, 0);
    for a in b.batches.iter().flat_map(|b| &b.customers.rm_assignments) {
        let s = staff[&a.staff_id];
        assert_eq!(s.role, Role::Rm);
        let p = parties[&a.party_id];
        assert!(a.effective_from >= p.onboarded_on);
        if let Some(to) = a.effective_to {
            assert!(to >= a.effective_from);
            historical += 1;
            continue;
        }
        if a.primary {
            *active_primary.entry(a.party_id).or_default() += 1;
            *portfolios.entry(a.staff_id).or_default() += 1;
            assert_eq!(
                s.branch_id,
                Some(p.home_branch),
                "primary RM works at the home branch"
            );
        } else {
            secondary += 1;
        }
    }
    assert!(
        active_primary.values().all(|n| *n == 1),
        "one active primary RM per party"
    );
    for s in r.staff.iter().filter(|s| s.role == Role::Rm) {
        assert!(
            portfolios.get(&s.id).copied().unwrap_or(0) > 0,
            "{} has no customers",
            s.username
        );
    }
    let truth: HashMap<_, _> = b
        .batches
        .iter()
        .flat_map(|b| &b.truth)
        .map(|t| (t.party_id, t.archetype))
        .collect();
    let covered: HashSet<_> = active_primary.keys().copied().collect();
    for p in b.parties() {
        if p.kind == PartyKind::Organisation || truth[&p.id] == Some(Archetype::HighNetWorth) {
            assert!(covered.contains(&p.id), "{:?} without RM", p.kind);
        }
    }
    let indiv: Vec<_> = b
        .parties()
        .filter(|p| p.kind == PartyKind::Individual)
        .collect();
    let share =
        indiv.iter().filter(|p| covered.contains(&p.id)).count() as f64 / indiv.len() as f64;
    assert!(
        (0.4..=0.6).contains(&share),
        "individuals with an RM: {share}"
    );
    let sec = secondary as f64 / covered.len() as f64;
    assert!((0.06..=0.14).contains(&sec), "secondary {sec}");
    assert!(historical > 0);
}
