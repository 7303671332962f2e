//! Compression of customers into weighted unique (x, t_x, T) patterns.
//!
//! The BG/NBD likelihood and its predictions depend on a customer only through (x, t_x, T), and
//! with day-resolution data many customers share one: a million customers collapse to about a
//! hundred thousand patterns. Fitting and predicting once per pattern is what makes a full book
//! cheap.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::error::{ClvError, Result, row_err};
use crate::summary::{Summary, validate_rfm};

/// One distinct (x, t_x, T) with how many customers (or how much weight) share it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pattern {
    /// Repeat purchases.
    pub frequency: u32,
    /// Time of the last purchase since the first.
    pub recency: f64,
    /// Time since the first purchase.
    pub age: f64,
    /// Number of customers, or any positive weight.
    pub weight: f64,
}

/// Weighted patterns, plus (when built from customers) which pattern each customer has.
#[derive(Debug, Clone, PartialEq)]
pub struct Patterns {
    patterns: Vec<Pattern>,
    customer_pattern: Vec<u32>,
}

impl Patterns {
    /// Collapses summaries into patterns; customer `i` keeps a link to its pattern.
    pub fn from_summaries(summaries: &[Summary]) -> Result<Self> {
        Self::from_rfm(summaries.iter().map(|s| (s.frequency, s.recency, s.age)))
    }

    /// Collapses (x, t_x, T) triples into patterns.
    pub fn from_rfm<I: IntoIterator<Item = (u32, f64, f64)>>(rows: I) -> Result<Self> {
        let mut index: HashMap<(u32, u64, u64), u32, BuildHasherDefault<KeyHasher>> =
            HashMap::default();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut customer_pattern = Vec::new();
        for (row, (x, t_x, age)) in rows.into_iter().enumerate() {
            validate_rfm(row, x, t_x, age)?;
            // +0.0 folds -0.0 into 0.0 so that the bit patterns used as keys agree.
            let key = (x, (t_x + 0.0).to_bits(), (age + 0.0).to_bits());
            let next = u32::try_from(patterns.len()).map_err(|_| {
                row_err(
                    row,
                    "frequency",
                    "too many distinct patterns (> u32::MAX)".into(),
                )
            })?;
            let id = *index.entry(key).or_insert(next);
            if id == next {
                patterns.push(Pattern {
                    frequency: x,
                    recency: t_x,
                    age,
                    weight: 0.0,
                });
            }
            if let Some(pattern) = patterns.get_mut(id as usize) {
                pattern.weight += 1.0;
            }
            customer_pattern.push(id);
        }
        if patterns.is_empty() {
            return Err(ClvError::Empty { what: "summaries" });
        }
        Ok(Patterns {
            patterns,
            customer_pattern,
        })
    }

    /// Patterns already aggregated elsewhere (e.g. by a SQL `GROUP BY`); there is no customer
    /// link. Equal patterns may repeat; the likelihood simply adds them.
    pub fn from_weighted(patterns: Vec<Pattern>) -> Result<Self> {
        if patterns.is_empty() {
            return Err(ClvError::Empty { what: "patterns" });
        }
        for (row, p) in patterns.iter().enumerate() {
            validate_rfm(row, p.frequency, p.recency, p.age)?;
            if !(p.weight.is_finite() && p.weight > 0.0) {
                return Err(row_err(
                    row,
                    "weight",
                    format!("is {}, must be finite and > 0", p.weight),
                ));
            }
        }
        Ok(Patterns {
            patterns,
            customer_pattern: Vec::new(),
        })
    }

    /// The distinct patterns.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// Number of distinct patterns.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// Always false for a constructed value; present for API symmetry with `len`.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Total weight (number of customers when built from summaries).
    pub fn total_weight(&self) -> f64 {
        self.patterns.iter().map(|p| p.weight).sum()
    }

    /// Index into [`Patterns::patterns`] of each customer, in input order (empty when built
    /// with [`Patterns::from_weighted`]).
    pub fn customer_patterns(&self) -> &[u32] {
        &self.customer_pattern
    }

    /// Spreads one value per pattern back to one value per customer.
    pub fn expand<T: Copy>(&self, per_pattern: &[T]) -> Result<Vec<T>> {
        if per_pattern.len() != self.patterns.len() {
            return Err(crate::error::arg_err(
                "per_pattern",
                format!(
                    "has {} values for {} patterns",
                    per_pattern.len(),
                    self.patterns.len()
                ),
            ));
        }
        self.customer_pattern
            .iter()
            .map(|&i| {
                per_pattern.get(i as usize).copied().ok_or_else(|| {
                    crate::error::arg_err("per_pattern", format!("has no value for pattern {i}"))
                })
            })
            .collect()
    }

    /// Evaluates `f` once per pattern, e.g. a prediction, in pattern order.
    pub fn map<T, F: FnMut(&Pattern) -> Result<T>>(&self, f: F) -> Result<Vec<T>> {
        self.patterns.iter().map(f).collect()
    }
}

/// A multiply-rotate hash for the (x, t_x bits, T bits) keys. The keys come from the bank's own
/// data, so the flooding resistance of the default SipHash buys nothing and costs a third of the
/// compression time on a million customers.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u32(&mut self, v: u32) {
        self.write_u64(u64::from(v));
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        // Fold the well-mixed high bits into the low ones the table indexes by.
        self.0 ^ (self.0 >> 29)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compresses_and_expands() {
        let p = Patterns::from_rfm([(0, 0.0, 5.0), (1, 2.0, 5.0), (0, 0.0, 5.0)]).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p.patterns()[0].weight, 2.0);
        assert_eq!(p.expand(&[10, 20]).unwrap(), vec![10, 20, 10]);
        assert!(p.expand(&[1]).is_err());
    }
}
