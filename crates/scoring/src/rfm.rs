//! RFM (R3.3): recency (days since the last transaction), frequency (transactions over 12
//! months) and monetary (money in and out over 12 months), each scored 1–5 by quintile of
//! the population, and the eight classic segments by high/low of R, F and M.
//!
//! Population-dependent by design: a score says where a customer stands among the rows
//! passed together, so [`rfm_scores`] takes the whole batch.
use rapport_domain::RfmSegment;
use serde::{Deserialize, Serialize};

use crate::config::{RfmConfig, RfmSplit};
use crate::explain::{Explained, Part};
use crate::features::{Features, MONTHS};

/// The recency, in days, of a party with no transaction in the warehouse's window: one day
/// past the window, so it is worse than any party that transacted.
pub const NO_TRANSACTION_DAYS: u32 = 366;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rfm {
    pub recency_days: u32,
    pub frequency: u32,
    pub monetary_minor: i64,
    pub r: u8,
    pub f: u8,
    pub m: u8,
    pub segment: RfmSegment,
    /// Score = r + f + m (3–15); one part each, the input being the raw value.
    pub explained: Explained,
}

/// RFM of every row, in the order given.
pub fn rfm_scores(rows: &[Features], cfg: &RfmConfig) -> Vec<Rfm> {
    let recency: Vec<f64> = rows
        .iter()
        .map(|f| f64::from(f.days_since_last_tx.unwrap_or(NO_TRANSACTION_DAYS)))
        .collect();
    let frequency: Vec<f64> = rows.iter().map(|f| f64::from(f.tx_in(0..MONTHS))).collect();
    let monetary: Vec<f64> = rows
        .iter()
        .map(|f| (f.credits_in(0..MONTHS) + f.debits_in(0..MONTHS)) as f64)
        .collect();
    // Fewer days is better: score the negated recency.
    let negated: Vec<f64> = recency.iter().map(|d| -d).collect();
    let r = quintiles(&negated);
    let f = quintiles(&frequency);
    let m = quintiles(&monetary);
    let centre = |xs: &[f64]| match cfg.split {
        RfmSplit::Median => median(xs),
        RfmSplit::Mean => mean(xs),
    };
    let (rc, fc, mc) = (centre(&recency), centre(&frequency), centre(&monetary));
    // All six vectors have one entry per row.
    recency
        .iter()
        .zip(&frequency)
        .zip(&monetary)
        .zip(r.iter().zip(&f).zip(&m))
        .map(|(((&recency, &frequency), &monetary), ((&r, &f), &m))| {
            let segment = RfmSegment::of(recency < rc, frequency > fc, monetary > mc);
            let explained = Explained {
                score: f64::from(r + f + m),
                parts: vec![
                    Part::new("recency_days", recency, f64::from(r)),
                    Part::new("tx_12m", frequency, f64::from(f)),
                    Part::new("amount_12m_yuan", monetary / 100.0, f64::from(m)),
                ],
            };
            Rfm {
                recency_days: recency as u32,
                frequency: frequency as u32,
                monetary_minor: monetary as i64,
                r,
                f,
                m,
                segment,
                explained,
            }
        })
        .collect()
}

/// Quintile scores 1–5 (5 = highest values). Ties share a score: each value is placed at
/// its mid-rank percentile (share below + half the share equal), so the score does not
/// depend on the order of the rows.
pub fn quintiles(values: &[f64]) -> Vec<u8> {
    let p = mid_rank_percentiles(values);
    p.iter()
        .map(|p| ((p * 5.0).floor() as u8 + 1).min(5))
        .collect()
}

/// Each value's mid-rank percentile in `values`, 0–1: the share of values below it plus
/// half the share equal to it. NaN ranks lowest.
pub fn mid_rank_percentiles(values: &[f64]) -> Vec<f64> {
    let n = values.len();
    // (index, key) in ascending key; the sort is stable, as the index sort it replaces.
    let mut order: Vec<(usize, f64)> = values.iter().map(|v| key(*v)).enumerate().collect();
    order.sort_by(|a, b| a.1.total_cmp(&b.1));
    let mut out = vec![0.0; n];
    let mut start = 0;
    // Keys are never NaN, so equal neighbours are exactly the runs of equal keys.
    for tied in order.chunk_by(|a, b| a.1 == b.1) {
        let end = start + tied.len();
        let p = (start as f64 + (end - start) as f64 / 2.0) / n as f64;
        for &(i, _) in tied {
            if let Some(slot) = out.get_mut(i) {
                *slot = p;
            }
        }
        start = end;
    }
    out
}

fn key(x: f64) -> f64 {
    if x.is_nan() { f64::NEG_INFINITY } else { x }
}

fn median(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    // `v` is not empty, so `mid` is in it, and so is `mid - 1` when the length is even.
    let Some(&upper) = v.get(mid) else {
        return 0.0;
    };
    match mid.checked_sub(1).and_then(|i| v.get(i)) {
        Some(&lower) if v.len().is_multiple_of(2) => (lower + upper) / 2.0,
        _ => upper,
    }
}

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    xs.iter().sum::<f64>() / xs.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quintiles_split_a_population_evenly_and_ties_share() {
        let values: Vec<f64> = (0..100).map(f64::from).collect();
        let q = quintiles(&values);
        for score in 1..=5u8 {
            assert_eq!(q.iter().filter(|s| **s == score).count(), 20);
        }
        assert_eq!(quintiles(&[3.0, 3.0, 3.0]), vec![3, 3, 3]);
    }
}
