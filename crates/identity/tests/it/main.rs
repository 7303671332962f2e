//! The engine on the synthetic bank's real extracts, and its properties.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

mod index;

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;
use rapport_identity::*;

#[path = "../../examples/common/synthetic.rs"]
mod synthetic;

fn extracts(customers: u64) -> (Vec<SourceCustomer>, Vec<i64>) {
    synthetic::labelled_records(&synthetic::bank(customers)).unzip()
}

/// Pairwise precision, recall and F1 of a clustering against the truth.
fn pairwise(cluster_of: &[usize], truth: &[i64]) -> (f64, f64, f64) {
    let count_pairs = |labels: Vec<(usize, i64)>, by_first: bool| -> HashSet<(usize, usize)> {
        let mut groups: HashMap<i64, Vec<usize>> = HashMap::new();
        for (i, (c, t)) in labels.iter().enumerate() {
            groups
                .entry(if by_first { *c as i64 } else { *t })
                .or_default()
                .push(i);
        }
        let mut pairs = HashSet::new();
        for members in groups.values() {
            for (x, &a) in members.iter().enumerate() {
                for &b in &members[x + 1..] {
                    pairs.insert((a, b));
                }
            }
        }
        pairs
    };
    let labels: Vec<(usize, i64)> = cluster_of
        .iter()
        .copied()
        .zip(truth.iter().copied())
        .collect();
    let found = count_pairs(labels.clone(), true);
    let real = count_pairs(labels, false);
    let tp = found.intersection(&real).count() as f64;
    let (p, r) = (
        tp / found.len().max(1) as f64,
        tp / real.len().max(1) as f64,
    );
    (p, r, 2.0 * p * r / (p + r).max(f64::MIN_POSITIVE))
}

#[test]
fn resolves_the_synthetic_bank_s_extracts() {
    let (records, truth) = extracts(3_000);
    let result = resolve(&records, &Settings::default());
    let (p, r, f1) = pairwise(&result.cluster_of, &truth);
    eprintln!(
        "{} source records: precision {p:.4}, recall {r:.4}, F1 {f1:.4}",
        records.len()
    );
    assert!(f1 > 0.95, "precision {p:.4}, recall {r:.4}, F1 {f1:.4}");
    assert!(p > 0.97, "false merges: precision {p:.4}");
    // m was estimated, not set: agreeing on a resident ID weighs more than agreeing on gender.
    let (id, gender) = (&result.model.m[1], &result.model.m[5]);
    assert!(id[2] / result.model.u[1][2] > gender[1] / result.model.u[5][1]);
    // Every scored pair explains itself, field by field.
    assert!(
        result
            .pairs
            .iter()
            .all(|p| p.explanation.len() == FIELDS.len())
    );
}

fn record_strategy() -> impl Strategy<Value = SourceCustomer> {
    (
        prop::sample::select(vec![
            "张伟",
            "張偉",
            "ZHANG WEI",
            "王芳",
            "wang fang",
            "李娜",
            "",
        ]),
        prop::option::of(prop::sample::select(vec![
            "11010519491231002X",
            "110105491231002",
            "11010519491231002Y",
            "330106198507091236",
        ])),
        prop::option::of(prop::sample::select(vec![
            "13812345678",
            "１３８１２３４５６７８",
            "13900001111",
        ])),
        prop::option::of(prop::sample::select(vec![
            "1949-12-31",
            "1949/12/31",
            "1949年12月31日",
            "1949-31-12",
        ])),
        prop::option::of(prop::sample::select(vec![
            "浙江省杭州市西湖区文三路90号",
            "浙江杭州西湖区文三路９０#",
            "北京市朝阳区建国路1号",
        ])),
        prop::option::of(prop::sample::select(vec!["M", "女", "2"])),
    )
        .prop_map(
            |(name, id, mobile, birth, address, gender)| SourceCustomer {
                name: name.into(),
                resident_id: id.map(Into::into),
                mobile: mobile.map(Into::into),
                birth_date: birth.map(Into::into),
                address: address.map(Into::into),
                gender: gender.map(Into::into),
                ..Default::default()
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn pair_comparisons_are_symmetric(a in record_strategy(), b in record_strategy()) {
        let (x, y) = (standardise(&a), standardise(&b));
        prop_assert_eq!(compare(&x, &y), compare(&y, &x));
    }

    #[test]
    fn standardisation_is_idempotent(a in record_strategy()) {
        let s = standardise(&a);
        // Feeding the canonical forms back in changes nothing.
        let again = standardise(&SourceCustomer {
            name: s.hanzi.clone().unwrap_or_else(|| a.name.clone()),
            resident_id: s.id.as_ref().map(|i| i.digits().to_owned()),
            mobile: s.mobile.clone(),
            birth_date: s.birth.map(|b| b.to_string()),
            address: s.address.clone(),
            gender: s.gender.map(|g| g.as_str().to_owned()),
            email: s.email.clone(),
            ..Default::default()
        });
        prop_assert_eq!(&again.id, &s.id);
        prop_assert_eq!(&again.mobile, &s.mobile);
        prop_assert_eq!(&again.birth, &s.birth);
        prop_assert_eq!(&again.address, &s.address);
        prop_assert_eq!(&again.hanzi, &s.hanzi);
        prop_assert_eq!(again.gender, s.gender);
        prop_assert_eq!(to_simplified(&to_simplified(&a.name)), to_simplified(&a.name));
    }

    #[test]
    fn clustering_does_not_depend_on_input_order(
        records in prop::collection::vec(record_strategy(), 2..12),
        seed in any::<u64>(),
    ) {
        let std: Vec<Standardised> = records.iter().map(standardise).collect();
        let pairs = candidate_pairs(&std, 100);
        let settings = Settings { u_samples: 500, ..Settings::default() };
        let model = Model::train(&std, &pairs.iter().map(|&(a, b)| compare(&std[a], &std[b])).collect::<Vec<_>>(), &settings);
        let scored: Vec<PairScore> = pairs.iter().map(|&(a, b)| model.score(a, b, &compare(&std[a], &std[b]), &std[a], &std[b])).collect();
        let forward: Vec<&PairScore> = scored.iter().filter(|p| p.probability >= 0.5).collect();
        let mut shuffled = forward.clone();
        let n = shuffled.len();
        for i in 0..n {
            shuffled.swap(i, (seed as usize).wrapping_mul(i + 7) % n.max(1));
        }
        prop_assert_eq!(cluster(&std, &forward), cluster(&std, &shuffled));
        // And never two different valid resident IDs in one cluster.
        let labels = cluster(&std, &forward);
        for (i, a) in std.iter().enumerate() {
            for (j, b) in std.iter().enumerate() {
                if labels[i] == labels[j]
                    && let (Some(IdNumber::Valid(x)), Some(IdNumber::Valid(y))) = (&a.id, &b.id)
                {
                    prop_assert_eq!(x, y);
                }
            }
        }
    }
}
