//! Clustering matched pairs into persons: union-find, strongest pairs first, never joining two
//! clusters that hold different valid resident IDs (a guard against chaining unrelated people
//! through one bad link).
use crate::model::PairScore;
use crate::standardise::{IdNumber, Standardised};

struct Sets {
    parent: Vec<usize>,
    ids: Vec<Vec<String>>,
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
}

/// For each record, the smallest record index of its cluster. Independent of the order of
/// `pairs`: they are processed by descending probability, ties by index.
pub fn cluster(records: &[Standardised], pairs: &[&PairScore]) -> Vec<usize> {
    let mut sets = Sets {
        parent: (0..records.len()).collect(),
        ids: records
            .iter()
            .map(|r| match &r.id {
                Some(IdNumber::Valid(id)) => vec![id.as_str().to_owned()],
                _ => Vec::new(),
            })
            .collect(),
    };
    let mut order: Vec<&&PairScore> = pairs.iter().collect();
    order.sort_by(|x, y| {
        y.probability
            .total_cmp(&x.probability)
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    for p in order {
        let (ra, rb) = (sets.find(p.a), sets.find(p.b));
        if ra == rb {
            continue;
        }
        let mut ids = sets.ids.get(ra).cloned().unwrap_or_default();
        for id in sets.ids.get(rb).into_iter().flatten() {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        if ids.len() > 1 {
            continue;
        }
        // The smaller index becomes the root, so labels do not depend on processing order.
        let (root, child) = if ra < rb { (ra, rb) } else { (rb, ra) };
        if let Some(slot) = sets.parent.get_mut(child) {
            *slot = root;
        }
        if let Some(slot) = sets.ids.get_mut(root) {
            *slot = ids;
        }
    }
    (0..records.len()).map(|i| sets.find(i)).collect()
}
