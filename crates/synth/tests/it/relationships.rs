use std::collections::HashMap;

use rapport_domain::{PartyKind, ProductFamily, RelationshipKind};
use rapport_synth::{Generator, SynthConfig};

use crate::bank;

#[test]
fn relationships_never_point_forward_and_have_the_right_kinds() {
    let g = Generator::new(SynthConfig {
        customers: 12_000,
        transactions: false,
        ..SynthConfig::default()
    })
    .unwrap();
    for i in 0..g.batch_count() {
        let b = g.batch(i);
        let hi = *g.batch_party_range(i).end();
        let lo = *g.batch_party_range(i).start();
        for r in &b.customers.relationships {
            assert!(
                r.to.0 <= hi && r.from.0 <= hi,
                "forward reference in batch {i}"
            );
            assert!(
                r.from.0 >= lo,
                "relationships are emitted with their from party"
            );
            assert_ne!(r.from, r.to);
        }
    }
}

#[test]
fn employers_guarantors_and_groups() {
    let b = bank();
    let parties = b.party_index();
    let mut payroll = HashMap::new();
    for a in b.batches.iter().flat_map(|b| &b.customers.accounts) {
        if a.family == ProductFamily::Payroll {
            payroll.insert(a.party_id, ());
        }
    }
    let mut counts: HashMap<RelationshipKind, usize> = HashMap::new();
    for r in b.batches.iter().flat_map(|b| &b.customers.relationships) {
        *counts.entry(r.kind).or_default() += 1;
        let (from, to) = (parties[&r.from], parties[&r.to]);
        match r.kind {
            RelationshipKind::Employer => {
                assert_eq!(from.kind, PartyKind::Individual);
                assert_eq!(to.kind, PartyKind::Organisation);
                assert!(
                    payroll.contains_key(&r.from),
                    "payroll employee without payroll account"
                );
            }
            RelationshipKind::Guarantor => {
                assert_eq!(from.kind, PartyKind::Individual);
                assert_eq!(to.kind, PartyKind::Organisation);
            }
            RelationshipKind::CorporateGroup => {
                assert_eq!(from.kind, PartyKind::Organisation);
                assert_eq!(to.kind, PartyKind::Organisation);
            }
            _ => {
                assert_eq!(from.kind, PartyKind::Individual);
                assert_eq!(to.kind, PartyKind::Individual);
            }
        }
    }
    assert_eq!(
        counts
            .get(&RelationshipKind::Employer)
            .copied()
            .unwrap_or(0),
        payroll.len()
    );
    for k in RelationshipKind::ALL {
        assert!(
            counts.get(k).copied().unwrap_or(0) > 0,
            "no {k} relationships"
        );
    }
}
