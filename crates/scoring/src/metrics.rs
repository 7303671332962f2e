//! Model quality and the held-out split.
use std::collections::BTreeMap;

/// Area under the ROC curve, exact: the probability that a random positive scores above a
/// random negative, ties counting one half (Mann–Whitney U with mid-ranks). `None` when a
/// class is missing, the lengths differ or a score is NaN.
pub fn auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    if scores.len() != labels.len() || scores.iter().any(|s| s.is_nan()) {
        return None;
    }
    let positives = labels.iter().filter(|l| **l).count();
    let negatives = labels.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    // (score, label) in ascending score; the sort is stable, as the index sort it replaces.
    let mut order: Vec<(f64, bool)> = scores.iter().copied().zip(labels.iter().copied()).collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Sum of the positives' ranks (1-based), tied scores sharing their mean rank. No score is
    // NaN, so equal neighbours are exactly the runs of equal scores.
    let mut rank_sum = 0.0;
    let mut start = 0;
    for tied in order.chunk_by(|a, b| a.0 == b.0) {
        let end = start + tied.len();
        let mean_rank = (start + end + 1) as f64 / 2.0;
        let tied_positives = tied.iter().filter(|(_, label)| *label).count();
        rank_sum += mean_rank * tied_positives as f64;
        start = end;
    }
    let p = positives as f64;
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * negatives as f64))
}

/// A deterministic 64-bit mix (SplitMix64's finaliser): the same on every platform, so the
/// split is too.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Which rows a model learns from when there are more than `max_rows`: whole parties (all of
/// a party's rows or none) in an order fixed by `seed`, taken while they fit. Uniform over
/// parties, so the share of positive rows stays the population's. All rows when they fit.
pub fn sample_parties(party_ids: &[i64], max_rows: usize, seed: u64) -> Vec<bool> {
    if party_ids.len() <= max_rows {
        return vec![true; party_ids.len()];
    }
    let mut rows_of: BTreeMap<i64, usize> = BTreeMap::new();
    for id in party_ids {
        *rows_of.entry(*id).or_default() += 1;
    }
    // A different stream from `held_out`'s, so the sample does not skew the split.
    let salt = mix(seed ^ 0x5A4D_504C_4520_5041);
    let mut parties: Vec<(i64, usize)> = rows_of.into_iter().collect();
    parties.sort_by_key(|(id, _)| (mix(salt ^ mix(*id as u64)), *id));
    let mut kept = std::collections::HashSet::new();
    let mut total = 0;
    for (id, n) in parties {
        if total + n > max_rows {
            break;
        }
        total += n;
        kept.insert(id);
    }
    party_ids.iter().map(|id| kept.contains(id)).collect()
}

/// Which rows are held out: parties, not rows, are split (so that two as-of dates of one
/// party never sit on both sides), stratified by whether the party has any positive row, in
/// an order fixed by `seed`. About `test_share` of each stratum is held out, at least one
/// party of each stratum that has two.
pub fn held_out(party_ids: &[i64], labels: &[bool], test_share: f64, seed: u64) -> Vec<bool> {
    let mut positive_party: BTreeMap<i64, bool> = BTreeMap::new();
    for (id, label) in party_ids.iter().zip(labels) {
        *positive_party.entry(*id).or_default() |= *label;
    }
    let mut test_parties = BTreeMap::new();
    for stratum in [true, false] {
        let mut parties: Vec<i64> = positive_party
            .iter()
            .filter(|(_, p)| **p == stratum)
            .map(|(id, _)| *id)
            .collect();
        parties.sort_by_key(|id| (mix(seed ^ mix(*id as u64)), *id));
        let mut n_test = (parties.len() as f64 * test_share).round() as usize;
        if parties.len() >= 2 {
            n_test = n_test.clamp(1, parties.len() - 1);
        }
        for id in parties.iter().take(n_test) {
            test_parties.insert(*id, ());
        }
    }
    party_ids
        .iter()
        .map(|id| test_parties.contains_key(id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ties_as_half() {
        assert_eq!(auc(&[0.1, 0.9], &[false, true]), Some(1.0));
        assert_eq!(auc(&[0.9, 0.1], &[false, true]), Some(0.0));
        assert_eq!(auc(&[0.5, 0.5], &[false, true]), Some(0.5));
        // Pairs (p, n): (0.8, 0.2) 1, (0.8, 0.8) ½, (0.4, 0.2) 1, (0.4, 0.8) 0 → 2.5 / 4.
        let s = [0.8, 0.4, 0.2, 0.8];
        let l = [true, true, false, false];
        assert_eq!(auc(&s, &l), Some(0.625));
        assert_eq!(auc(&[0.1], &[true]), None);
    }

    #[test]
    fn split_keeps_a_party_on_one_side_and_stratifies() {
        let ids: Vec<i64> = (0..200).flat_map(|i| [i, i]).collect();
        let labels: Vec<bool> = ids.iter().map(|i| i % 10 == 0).collect();
        let test = held_out(&ids, &labels, 0.25, 7);
        for pair in test.chunks(2) {
            assert_eq!(pair[0], pair[1]);
        }
        let test_pos = (0..ids.len()).filter(|i| test[*i] && labels[*i]).count() / 2;
        assert_eq!(test_pos, 5);
        assert_eq!(test, held_out(&ids, &labels, 0.25, 7));
        assert_ne!(test, held_out(&ids, &labels, 0.25, 8));
    }

    #[test]
    fn a_sample_takes_whole_parties_up_to_the_cap_and_keeps_the_positive_share() {
        // 20,000 parties with three rows each; one party in ten is positive.
        let ids: Vec<i64> = (0..20_000).flat_map(|i| [i, i, i]).collect();
        let positive = |id: i64| id % 10 == 0;
        let keep = sample_parties(&ids, 9_000, 3);
        let kept: Vec<i64> = ids
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(i, _)| *i)
            .collect();
        assert!(kept.len() <= 9_000 && kept.len() > 8_990, "{}", kept.len());
        for party in ids.chunks(3).zip(keep.chunks(3)) {
            assert!(
                party.1.iter().all(|k| *k == party.1[0]),
                "party {} split",
                party.0[0]
            );
        }
        let share = kept.iter().filter(|i| positive(**i)).count() as f64 / kept.len() as f64;
        assert!((share - 0.1).abs() < 0.015, "positive share {share}");
        assert_eq!(keep, sample_parties(&ids, 9_000, 3));
        assert_ne!(keep, sample_parties(&ids, 9_000, 4));
        assert!(sample_parties(&ids, ids.len(), 3).iter().all(|k| *k));
    }
}
