use std::collections::HashSet;

use rapport_domain::{BranchLevel, ProductFamily, Role};
use rapport_synth::{Generator, SynthConfig};

use crate::bank;

#[test]
fn branch_tree_is_dense_and_well_formed() {
    let r = bank().generator.reference();
    assert_eq!(r.branches[0].code, "HQ");
    assert_eq!(r.branches[0].id.0, 1);
    for (i, b) in r.branches.iter().enumerate() {
        assert_eq!(b.id.0, i as i64 + 1);
        if let Some(parent) = b.parent {
            let p = &r.branches[parent.0 as usize - 1];
            let expected = match b.level {
                BranchLevel::Region => BranchLevel::Hq,
                BranchLevel::Branch => BranchLevel::Region,
                BranchLevel::SubBranch => BranchLevel::Branch,
                BranchLevel::Hq => unreachable!(),
            };
            assert_eq!(p.level, expected);
            assert!(
                b.code.starts_with(&p.code) || p.code == "HQ",
                "{} under {}",
                b.code,
                p.code
            );
        }
    }
    let subs = r
        .branches
        .iter()
        .filter(|b| b.level == BranchLevel::SubBranch)
        .count();
    assert_eq!(subs, 5);
    assert!(r.branches.iter().any(|b| b.code == "R01B01S01"));
}

#[test]
fn staff_usernames_and_roles() {
    let r = bank().generator.reference();
    let names: HashSet<&str> = r.staff.iter().map(|s| s.username.as_str()).collect();
    for u in [
        "admin",
        "auditor01",
        "steward01",
        "marketing01",
        "agent01",
        "agent02",
        "bm0001",
        "rm0001",
        "rm0004",
    ] {
        assert!(names.contains(u), "{u}");
    }
    for (i, s) in r.staff.iter().enumerate() {
        assert_eq!(s.id.0, i as i64 + 1);
        assert!(s.display_name.chars().count() >= 2);
    }
    let managed = r
        .branches
        .iter()
        .filter(|b| matches!(b.level, BranchLevel::Branch | BranchLevel::SubBranch))
        .count();
    assert_eq!(
        r.staff
            .iter()
            .filter(|s| s.role == Role::BranchManager)
            .count(),
        managed
    );
    let rms = r.staff.iter().filter(|s| s.role == Role::Rm).count();
    assert!((4..=40).contains(&rms), "{rms} RMs");
    for s in r.staff.iter().filter(|s| s.role == Role::Rm) {
        let b = &r.branches[s.branch_id.unwrap().0 as usize - 1];
        assert_eq!(b.level, BranchLevel::SubBranch);
    }
}

#[test]
fn products_cover_every_family() {
    let r = bank().generator.reference();
    for f in ProductFamily::ALL {
        assert!(r.products.iter().any(|p| p.family == *f), "{f}");
    }
    for code in [
        "TD-1Y",
        "WM-R2-180D",
        "CC-GOLD",
        "CC-PLAT",
        "CC-STD",
        "PR-STD",
    ] {
        assert!(r.products.iter().any(|p| p.code == code), "{code}");
    }
}

#[test]
fn branch_count_scales() {
    let g = Generator::new(SynthConfig {
        customers: 200_000,
        ..SynthConfig::default()
    })
    .unwrap();
    let subs = g
        .reference()
        .branches
        .iter()
        .filter(|b| b.level == BranchLevel::SubBranch)
        .count();
    assert_eq!(subs, 100);
    let regions = g
        .reference()
        .branches
        .iter()
        .filter(|b| b.level == BranchLevel::Region)
        .count();
    assert!(regions >= 10);
}
