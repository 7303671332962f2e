use std::collections::HashMap;

use rapport_domain::{PartyKind, RelationshipKind};

use crate::{assert_rate, bank};

#[test]
fn a_third_of_individuals_live_in_households_of_two_to_four() {
    let b = bank();
    let parties = b.party_index();
    let mut members: HashMap<_, Vec<_>> = HashMap::new();
    let mut spouses = 0;
    for batch in &b.batches {
        for r in &batch.customers.relationships {
            match r.kind {
                RelationshipKind::HouseholdMember => members.entry(r.to).or_default().push(r.from),
                RelationshipKind::Spouse => {
                    spouses += 1;
                    let (a, c) = (parties[&r.from], parties[&r.to]);
                    assert_ne!(a.gender, c.gender, "spouses of the same gender");
                    assert_eq!(a.address, c.address);
                }
                _ => {}
            }
        }
    }
    let individuals = b
        .parties()
        .filter(|p| p.kind == PartyKind::Individual)
        .count();
    let in_households: usize = members.values().map(|m| m.len() + 1).sum();
    assert_rate(
        "household share",
        in_households as f64 / individuals as f64,
        1.0 / 3.0,
        0.03,
    );
    let mut shared = 0;
    for (head, ms) in &members {
        assert!((1..=3).contains(&ms.len()), "household of {}", ms.len() + 1);
        let h = parties[head];
        assert_eq!(h.kind, PartyKind::Individual);
        for m in ms {
            let m = parties[m];
            assert_eq!(m.address, h.address, "members share the head's address");
            assert_eq!(m.home_branch, h.home_branch);
        }
        if ms.iter().all(|m| parties[m].mobile == h.mobile) {
            shared += 1;
        }
    }
    assert_rate(
        "households sharing the head's mobile",
        shared as f64 / members.len() as f64,
        0.5,
        0.08,
    );
    assert!(
        spouses as f64 > members.len() as f64 * 0.7,
        "{spouses} couples in {} households",
        members.len()
    );
}
