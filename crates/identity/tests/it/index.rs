//! The real-time matching index against the batch resolution it is built from.
use std::sync::OnceLock;

use proptest::prelude::*;
use rapport_identity::*;

use crate::{extracts, record_strategy};

fn resolved() -> &'static (Vec<Standardised>, Vec<i64>, Model) {
    static SET: OnceLock<(Vec<Standardised>, Vec<i64>, Model)> = OnceLock::new();
    SET.get_or_init(|| {
        let (records, _) = extracts(2_000);
        let resolution = resolve(&records, &Settings::default());
        let parties = resolution.cluster_of.iter().map(|&c| c as i64).collect();
        (
            records.iter().map(standardise).collect(),
            parties,
            resolution.model,
        )
    })
}

fn index() -> MatchIndex {
    let (records, parties, model) = resolved();
    MatchIndex::build(records.clone(), parties, model.clone(), Settings::default())
}

#[test]
fn every_record_finds_its_own_party() {
    let (records, parties, _) = resolved();
    let index = index();
    assert_eq!(index.len(), records.len());
    let mut found = 0;
    for (i, r) in records.iter().enumerate() {
        // A record with too little to identify it (a name alone) is no match even for
        // itself: it goes to review wherever its name is found.
        let own = index.model().score(0, 0, &compare(r, r), r, r);
        if own.probability < Settings::default().match_threshold {
            continue;
        }
        let m = index.best_match(r).expect("a record matches itself");
        assert_eq!(m.party, parties[i], "record {i} went to another party");
        assert_eq!(m.decision, Decision::Match);
        found += 1;
    }
    assert!(
        found * 100 >= records.len() * 95,
        "{found} of {}",
        records.len()
    );
}

#[test]
fn an_unrelated_record_matches_nobody() {
    let index = index();
    let stranger = SourceCustomer {
        name: "欧阳明月".into(),
        birth_date: Some("1931-02-03".into()),
        mobile: Some("19912345678".into()),
        address: Some("西藏自治区拉萨市城关区北京中路1号".into()),
        ..Default::default()
    };
    assert_eq!(index.best_match_source(&stranger), None);
}

#[test]
fn removed_records_are_no_longer_found_and_inserted_ones_are() {
    let (records, parties, _) = resolved();
    let mut index = index();
    let probe = records
        .iter()
        .position(|r| matches!(r.id, Some(IdNumber::Valid(_))))
        .unwrap();
    // Take out every record of the probe's party: its ID then leads nowhere.
    for (slot, &p) in parties.iter().enumerate() {
        if p == parties[probe] {
            assert!(index.remove(slot));
        }
    }
    assert!(!index.remove(probe), "already removed");
    assert!(
        index
            .best_match(&records[probe])
            .is_none_or(|m| m.decision == Decision::Review || m.party != parties[probe])
    );
    let slot = index.insert(records[probe].clone(), 99_999_999);
    let m = index.best_match(&records[probe]).unwrap();
    assert_eq!((m.record, m.party), (slot, 99_999_999));
}

#[test]
fn a_saved_model_scores_the_same_after_loading() {
    let (records, _, model) = resolved();
    let json = serde_json::to_string(model).unwrap();
    let loaded: Model = serde_json::from_str(&json).unwrap();
    let c = compare(&records[0], &records[1]);
    let (x, y) = (
        model.score(0, 1, &c, &records[0], &records[1]),
        loaded.score(0, 1, &c, &records[0], &records[1]),
    );
    assert!((x.probability - y.probability).abs() < 1e-12);
    assert!((x.weight - y.weight).abs() < 1e-9);
}

#[test]
fn the_index_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<MatchIndex>();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn scores_are_symmetric(a in record_strategy(), b in record_strategy()) {
        let model = &resolved().2;
        let (x, y) = (standardise(&a), standardise(&b));
        let xy = model.score(0, 1, &compare(&x, &y), &x, &y);
        let yx = model.score(1, 0, &compare(&y, &x), &y, &x);
        prop_assert_eq!(xy.probability, yx.probability);
        prop_assert_eq!(xy.weight, yx.weight);
        prop_assert_eq!(xy.rule, yx.rule);
        prop_assert_eq!(xy.explanation, yx.explanation);
    }
}
