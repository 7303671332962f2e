//! Clustering matched pairs into persons: union-find, strongest pairs first, never joining two
//! clusters that hold different valid resident IDs (a guard against chaining unrelated people
//! through one bad link). The resolver adds a data steward's decisions: approved pairs join
//! first (past the ID guard), and records a steward said are different people never join.
use std::collections::HashMap;

use crate::model::PairScore;
use crate::standardise::{IdNumber, Standardised};

/// A data steward's decisions on pairs of record indexes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Decisions<'a> {
    /// Pairs approved as one person: joined first, even where their resident IDs differ.
    pub same: &'a [(usize, usize)],
    /// Pairs rejected as different people: never in one person, not even through others.
    pub different: &'a [(usize, usize)],
}

struct Sets {
    parent: Vec<usize>,
    ids: Vec<Vec<String>>,
    /// Per root: records that may never share its set.
    apart: Vec<Vec<usize>>,
}

impl Sets {
    /// The parent of `x`; an index outside the sets is its own root.
    fn parent(&self, x: usize) -> usize {
        self.parent.get(x).copied().unwrap_or(x)
    }

    fn find(&mut self, x: usize) -> usize {
        let mut r = x;
        while self.parent(r) != r {
            r = self.parent(r);
        }
        let mut y = x;
        while self.parent(y) != r {
            let next = self.parent(y);
            if let Some(slot) = self.parent.get_mut(y) {
                *slot = r;
            }
            y = next;
        }
        r
    }

    /// Whether a steward said some record of `ra`'s set and some of `rb`'s are different people.
    fn kept_apart(&mut self, ra: usize, rb: usize) -> bool {
        let apart_a = self.apart.get(ra).cloned().unwrap_or_default();
        let apart_b = self.apart.get(rb).cloned().unwrap_or_default();
        apart_a.iter().any(|&x| self.find(x) == rb) || apart_b.iter().any(|&x| self.find(x) == ra)
    }

    /// Joins the sets of `a` and `b` unless a guard forbids it; `force` skips the ID guard
    /// (a steward's approval) but never the steward's own "different people".
    fn join(&mut self, a: usize, b: usize, force: bool) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb || self.kept_apart(ra, rb) {
            return;
        }
        let mut ids = self.ids.get(ra).cloned().unwrap_or_default();
        for id in self.ids.get(rb).into_iter().flatten() {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        if ids.len() > 1 && !force {
            return;
        }
        // The smaller index becomes the root, so labels do not depend on processing order.
        let (root, child) = if ra < rb { (ra, rb) } else { (rb, ra) };
        if let Some(slot) = self.parent.get_mut(child) {
            *slot = root;
        }
        if let Some(slot) = self.ids.get_mut(root) {
            *slot = ids;
        }
        let moved = self
            .apart
            .get_mut(child)
            .map(std::mem::take)
            .unwrap_or_default();
        if let Some(slot) = self.apart.get_mut(root) {
            slot.extend(moved);
        }
    }
}

/// For each record, the smallest record index of its cluster. Independent of the order of
/// `pairs`: they are processed by descending probability, ties by index.
pub fn cluster(records: &[Standardised], pairs: &[&PairScore]) -> Vec<usize> {
    let valid_ids: Vec<Option<String>> = records
        .iter()
        .map(|r| match &r.id {
            Some(IdNumber::Valid(id)) => Some(id.as_str().to_owned()),
            _ => None,
        })
        .collect();
    let matched: Vec<(usize, usize, f64)> =
        pairs.iter().map(|p| (p.a, p.b, p.probability)).collect();
    cluster_with_decisions(&valid_ids, &matched, Decisions::default())
}

/// For each record, the smallest record index of its person. `valid_ids[i]` is record i's valid
/// resident ID; `matched` holds (a, b, probability) of pairs at or above the match threshold;
/// pairs naming an index outside the records are ignored.
pub fn cluster_with_decisions(
    valid_ids: &[Option<String>],
    matched: &[(usize, usize, f64)],
    decisions: Decisions<'_>,
) -> Vec<usize> {
    let n = valid_ids.len();
    let mut sets = Sets {
        parent: (0..n).collect(),
        ids: valid_ids
            .iter()
            .map(|i| i.iter().cloned().collect())
            .collect(),
        apart: vec![Vec::new(); n],
    };
    for &(a, b) in decisions.different {
        if a < n && b < n {
            if let Some(list) = sets.apart.get_mut(a) {
                list.push(b);
            }
            if let Some(list) = sets.apart.get_mut(b) {
                list.push(a);
            }
        }
    }
    for &(a, b) in decisions.same {
        if a < n && b < n {
            sets.join(a, b, true);
        }
    }
    let mut order: Vec<&(usize, usize, f64)> = matched.iter().collect();
    order.sort_by(|x, y| y.2.total_cmp(&x.2).then((x.0, x.1).cmp(&(y.0, y.1))));
    for &&(a, b, _) in &order {
        if a < n && b < n {
            sets.join(a, b, false);
        }
    }
    // Indexes ascend, so the first record met in a set is its smallest.
    let mut smallest: HashMap<usize, usize> = HashMap::new();
    (0..n)
        .map(|i| *smallest.entry(sets.find(i)).or_insert(i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    fn decided<'a>(same: &'a [(usize, usize)], different: &'a [(usize, usize)]) -> Decisions<'a> {
        Decisions { same, different }
    }

    #[test]
    fn two_valid_ids_never_join_through_a_third_record() {
        let ids = vec![id("A"), None, id("B")];
        let out = cluster_with_decisions(&ids, &[(0, 1, 0.99), (1, 2, 0.98)], decided(&[], &[]));
        assert_eq!(out, vec![0, 0, 2]);
    }

    #[test]
    fn a_rejected_pair_stays_apart_even_through_others() {
        let ids = vec![None, None, None];
        let out =
            cluster_with_decisions(&ids, &[(0, 1, 0.99), (1, 2, 0.98)], decided(&[], &[(0, 2)]));
        assert_eq!(out, vec![0, 0, 2]);
    }

    #[test]
    fn an_approved_pair_joins_below_the_threshold() {
        let ids = vec![id("A"), None, None];
        let out = cluster_with_decisions(&ids, &[], decided(&[(0, 2)], &[]));
        assert_eq!(out, vec![0, 1, 0]);
    }

    #[test]
    fn labels_do_not_depend_on_the_order_of_pairs() {
        let ids = vec![None, None, None, None];
        let forward = cluster_with_decisions(&ids, &[(2, 3, 0.9), (0, 3, 0.9)], decided(&[], &[]));
        let backward = cluster_with_decisions(&ids, &[(0, 3, 0.9), (2, 3, 0.9)], decided(&[], &[]));
        assert_eq!(forward, vec![0, 1, 0, 0]);
        assert_eq!(forward, backward);
    }
}
