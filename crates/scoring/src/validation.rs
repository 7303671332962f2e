//! What a model validation team asks of a churn score (issue 23): not one AUC but ranking with
//! its uncertainty (ROC AUC with a bootstrap interval), the rare class (PR AUC, lift and recall
//! in the top 5% and 10%), calibration, a simple baseline scored on the same rows, the oracle
//! where the truth is known (the synthetic bank's hazard), and a sanity check that treats a
//! perfect score as a bug until proven otherwise. Pure functions over scores and labels.
use crate::metrics::{auc, mix};

/// Area under the precision–recall curve as average precision: the mean, over the positives,
/// of the precision among the rows scored at or above each positive (ties taken together).
/// `None` when there is no positive, the lengths differ or a score is NaN.
pub fn pr_auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    if scores.len() != labels.len() || scores.iter().any(|s| s.is_nan()) {
        return None;
    }
    let positives = labels.iter().filter(|l| **l).count();
    if positives == 0 {
        return None;
    }
    let mut order: Vec<(f64, bool)> = scores.iter().copied().zip(labels.iter().copied()).collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut seen, mut hits, mut sum) = (0usize, 0usize, 0.0);
    for tied in order.chunk_by(|a, b| a.0 == b.0) {
        seen += tied.len();
        let tied_hits = tied.iter().filter(|(_, l)| *l).count();
        hits += tied_hits;
        sum += tied_hits as f64 * hits as f64 / seen as f64;
    }
    Some(sum / positives as f64)
}

/// Lift and recall of the top `share` of rows by score: the positive rate among them over the
/// overall rate, and the share of all positives they hold. `None` without positives or rows.
pub fn lift_and_recall(scores: &[f64], labels: &[bool], share: f64) -> Option<(f64, f64)> {
    let positives = labels.iter().filter(|l| **l).count();
    if scores.len() != labels.len() || positives == 0 || !(share > 0.0 && share <= 1.0) {
        return None;
    }
    let top = ((scores.len() as f64 * share).ceil() as usize).clamp(1, scores.len());
    let mut order: Vec<(usize, f64, bool)> = (scores.iter().zip(labels).enumerate())
        .map(|(i, (s, l))| (i, *s, *l))
        .collect();
    // Highest first; a tie is broken by row order, so the answer is deterministic.
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let hits = order.iter().take(top).filter(|(_, _, l)| *l).count();
    let base_rate = positives as f64 / labels.len() as f64;
    let top_rate = hits as f64 / top as f64;
    Some((top_rate / base_rate, hits as f64 / positives as f64))
}

/// A bootstrap interval of the ROC AUC: `rounds` resamples of the rows with replacement (a
/// deterministic stream from `seed`), the `(1 − level) / 2` and `(1 + level) / 2` quantiles of
/// their AUCs. Resamples without both classes are skipped. `None` when the AUC is undefined.
pub fn auc_interval(
    scores: &[f64],
    labels: &[bool],
    rounds: usize,
    level: f64,
    seed: u64,
) -> Option<(f64, f64)> {
    auc(scores, labels)?;
    let n = scores.len() as u64;
    let mut aucs = Vec::with_capacity(rounds);
    let (mut s, mut l) = (
        Vec::with_capacity(scores.len()),
        Vec::with_capacity(labels.len()),
    );
    for round in 0..rounds as u64 {
        s.clear();
        l.clear();
        for i in 0..n {
            let row = (mix(seed ^ mix(round.wrapping_mul(n).wrapping_add(i))) % n) as usize;
            if let (Some(score), Some(label)) = (scores.get(row), labels.get(row)) {
                s.push(*score);
                l.push(*label);
            }
        }
        aucs.extend(auc(&s, &l));
    }
    if aucs.is_empty() {
        return None;
    }
    aucs.sort_by(f64::total_cmp);
    let at = |q: f64| {
        aucs.get(((aucs.len() - 1) as f64 * q).round() as usize)
            .copied()
    };
    Some((at((1.0 - level) / 2.0)?, at((1.0 + level) / 2.0)?))
}

/// One bin of a calibration table: rows whose predicted probability falls in it, their mean
/// prediction and the share of them that were positive.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CalibrationBin {
    pub rows: usize,
    pub mean_predicted: f64,
    pub observed: f64,
}

/// Calibration in `bins` equal-count bins of predicted probability (lowest first); empty bins
/// are left out.
pub fn calibration(predicted: &[f64], labels: &[bool], bins: usize) -> Vec<CalibrationBin> {
    let mut order: Vec<(f64, bool)> = predicted
        .iter()
        .copied()
        .zip(labels.iter().copied())
        .collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    let size = order.len().div_ceil(bins.max(1)).max(1);
    order
        .chunks(size)
        .map(|bin| CalibrationBin {
            rows: bin.len(),
            mean_predicted: bin.iter().map(|(p, _)| p).sum::<f64>() / bin.len() as f64,
            observed: bin.iter().filter(|(_, l)| *l).count() as f64 / bin.len() as f64,
        })
        .collect()
}

/// Population stability index of `actual` against `expected` over `bins` quantile bins of
/// `expected`: Σ (a − e) · ln(a / e), each share floored at 0.0001 so an empty bin counts
/// without dividing by zero. Below 0.1 is stable by the usual rule.
pub fn population_stability(expected: &[f64], actual: &[f64], bins: usize) -> Option<f64> {
    if expected.is_empty() || actual.is_empty() || bins < 2 {
        return None;
    }
    let mut sorted = expected.to_vec();
    sorted.sort_by(f64::total_cmp);
    let edges: Vec<f64> = (1..bins)
        .filter_map(|b| sorted.get((sorted.len() - 1) * b / bins).copied())
        .collect();
    let shares = |values: &[f64]| {
        let mut counts = vec![0usize; bins];
        for v in values {
            // At most `bins - 1` edges lie below a value: its bin always exists.
            if let Some(c) = counts.get_mut(edges.partition_point(|e| e < v)) {
                *c += 1;
            }
        }
        counts
            .into_iter()
            .map(|c| (c as f64 / values.len() as f64).max(0.0001))
            .collect::<Vec<f64>>()
    };
    let (e, a) = (shares(expected), shares(actual));
    Some(e.iter().zip(&a).map(|(e, a)| (a - e) * (a / e).ln()).sum())
}

/// A logistic regression fitted by Newton's method (iteratively reweighted least squares) on
/// standardised inputs: the simple baseline a churn model must beat on the same rows.
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticBaseline {
    means: Vec<f64>,
    scales: Vec<f64>,
    /// Intercept first, then one weight per input.
    weights: Vec<f64>,
}

impl LogisticBaseline {
    /// Fits `rows` (each the same number of inputs) to `labels`. A small ridge term keeps a
    /// separable set from diverging. `None` without rows, with ragged rows or one class only.
    pub fn fit(rows: &[Vec<f64>], labels: &[bool]) -> Option<Self> {
        let width = rows.first()?.len();
        let positives = labels.iter().filter(|l| **l).count();
        if rows.len() != labels.len()
            || rows
                .iter()
                .any(|r| r.len() != width || r.iter().any(|v| !v.is_finite()))
            || positives == 0
            || positives == labels.len()
        {
            return None;
        }
        let (means, scales) = standardisation(rows, width);
        let x: Vec<Vec<f64>> = rows
            .iter()
            .map(|r| design_row(r, &means, &scales))
            .collect();
        let mut weights = vec![0.0; width + 1];
        for _ in 0..25 {
            let step = newton_step(&x, labels, &weights)?;
            let change: f64 = step.iter().map(|d| d.abs()).sum();
            weights.iter_mut().zip(&step).for_each(|(w, d)| *w += d);
            if change < 1e-9 {
                break;
            }
        }
        Some(Self {
            means,
            scales,
            weights,
        })
    }

    /// The fitted probability of a positive for `row`.
    pub fn predict(&self, row: &[f64]) -> f64 {
        let x = design_row(row, &self.means, &self.scales);
        sigmoid(dot(&self.weights, &x))
    }
}

/// Each input's mean and standard deviation (1 for a constant input).
fn standardisation(rows: &[Vec<f64>], width: usize) -> (Vec<f64>, Vec<f64>) {
    let n = rows.len() as f64;
    let mut means = vec![0.0; width];
    for r in rows {
        means.iter_mut().zip(r).for_each(|(m, v)| *m += v / n);
    }
    let mut variances = vec![0.0; width];
    for r in rows {
        (variances.iter_mut().zip(r).zip(&means))
            .for_each(|((var, v), m)| *var += (v - m).powi(2) / n);
    }
    let scales = (variances.into_iter())
        .map(|var| if var > 0.0 { var.sqrt() } else { 1.0 })
        .collect();
    (means, scales)
}

fn design_row(row: &[f64], means: &[f64], scales: &[f64]) -> Vec<f64> {
    let inputs = row
        .iter()
        .zip(means.iter().zip(scales))
        .map(|(v, (m, s))| (v - m) / s);
    std::iter::once(1.0).chain(inputs).collect()
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The Newton step (Xᵀ W X + λI)⁻¹ (Xᵀ (y − p) − λw) of the ridge-penalised log-likelihood.
// Indexing: the Hessian is k × k and every design row has k entries (built by `design_row`
// from rows `fit` checked to be of one width), so every index is below k.
#[allow(clippy::indexing_slicing)]
fn newton_step(x: &[Vec<f64>], labels: &[bool], weights: &[f64]) -> Option<Vec<f64>> {
    const RIDGE: f64 = 1e-4;
    let k = weights.len();
    let mut hessian = vec![vec![0.0; k]; k];
    let mut gradient: Vec<f64> = weights.iter().map(|w| -RIDGE * w).collect();
    for (row, label) in x.iter().zip(labels) {
        let p = sigmoid(dot(weights, row));
        let residual = f64::from(u8::from(*label)) - p;
        let w = p * (1.0 - p);
        for i in 0..k {
            gradient[i] += residual * row[i];
            for j in 0..k {
                hessian[i][j] += w * row[i] * row[j];
            }
        }
    }
    for (i, r) in hessian.iter_mut().enumerate() {
        r[i] += RIDGE;
    }
    solve(hessian, gradient)
}

/// Solves `a · x = b` by Gaussian elimination with partial pivoting; `None` when singular.
// Indexing: `a` is n × n and `b` has n entries (from `newton_step`); every index is below n.
#[allow(clippy::indexing_slicing)]
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|i, j| a[*i][col].abs().total_cmp(&a[*j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let (upper, lower) = a.split_at_mut(col + 1);
        let pivot_row = &upper[col];
        for (offset, target) in lower.iter_mut().enumerate() {
            let f = target[col] / pivot_row[col];
            for (t, p) in target.iter_mut().zip(pivot_row).skip(col) {
                *t -= f * p;
            }
            b[col + 1 + offset] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let tail: f64 = (row + 1..n).map(|c| a[row][c] * x[c]).sum();
        x[row] = (b[row] - tail) / a[row][row];
    }
    Some(x)
}

/// What the sanity check says about a model's out-of-time AUC.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SanityWarning {
    /// Above 0.98: too good to be true until a leak is ruled out.
    TooGood { auc: f64 },
    /// The model beats the simple baseline by less than 0.02.
    NoBetterThanBaseline { auc: f64, baseline: f64 },
    /// More than 0.05 below the oracle (the true hazard's ranking of the same rows).
    FarFromOracle { auc: f64, oracle: f64 },
    /// Too few positives among the test rows for the AUC to mean much: one misranked
    /// customer moves it by up to 1 / positives.
    FewPositives { positives: usize },
}

/// Fewer positive test rows than this and the AUC's interval is too wide to rely on.
pub const MIN_TEST_POSITIVES: usize = 30;

impl std::fmt::Display for SanityWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooGood { auc } => write!(
                f,
                "AUC {auc:.4} is above 0.98: look for a leak (a feature dated after its snapshot, \
                 the label in the inputs) before trusting it"
            ),
            Self::NoBetterThanBaseline { auc, baseline } => write!(
                f,
                "AUC {auc:.4} beats the logistic baseline ({baseline:.4}) by less than 0.02"
            ),
            Self::FarFromOracle { auc, oracle } => write!(
                f,
                "AUC {auc:.4} is more than 0.05 below the oracle's {oracle:.4}"
            ),
            Self::FewPositives { positives } => write!(
                f,
                "only {positives} positive test rows (fewer than {MIN_TEST_POSITIVES}): one \
                 misranked customer moves the AUC by up to {:.3}",
                1.0 / (*positives).max(1) as f64
            ),
        }
    }
}

/// The warnings a validator raises for a model's AUC beside its baseline's and, where the
/// truth is known, the oracle's (issue 23's thresholds).
pub fn sanity_check(auc: f64, baseline: Option<f64>, oracle: Option<f64>) -> Vec<SanityWarning> {
    let mut warnings = Vec::new();
    if auc > 0.98 {
        warnings.push(SanityWarning::TooGood { auc });
    }
    if let Some(baseline) = baseline.filter(|b| auc - b < 0.02) {
        warnings.push(SanityWarning::NoBetterThanBaseline { auc, baseline });
    }
    if let Some(oracle) = oracle.filter(|o| o - auc > 0.05) {
        warnings.push(SanityWarning::FarFromOracle { auc, oracle });
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_precision_is_one_for_a_perfect_ranking_and_the_base_rate_for_none() {
        assert_eq!(pr_auc(&[0.9, 0.8, 0.1], &[true, true, false]), Some(1.0));
        // Positives at ranks 2 and 3: (1/2 + 2/3) / 2.
        let ap = pr_auc(&[0.9, 0.8, 0.7], &[false, true, true]).unwrap();
        assert!((ap - (0.5 + 2.0 / 3.0) / 2.0).abs() < 1e-12, "{ap}");
        // All tied: every positive sees the base rate.
        assert_eq!(pr_auc(&[0.5; 4], &[true, false, false, false]), Some(0.25));
        assert_eq!(pr_auc(&[0.5], &[false]), None);
    }

    #[test]
    fn lift_and_recall_count_the_top_share() {
        let scores: Vec<f64> = (0..100).map(f64::from).collect();
        // The 5 highest scores are positive, and 5 more low ones.
        let labels: Vec<bool> = (0..100).map(|i| !(5..95).contains(&i)).collect();
        let (lift, recall) = lift_and_recall(&scores, &labels, 0.05).unwrap();
        assert!((lift - 10.0).abs() < 1e-12, "{lift}");
        assert!((recall - 0.5).abs() < 1e-12, "{recall}");
        let (lift10, recall10) = lift_and_recall(&scores, &labels, 0.10).unwrap();
        assert!((lift10 - 5.0).abs() < 1e-12 && (recall10 - 0.5).abs() < 1e-12);
        assert_eq!(lift_and_recall(&scores, &[false; 100], 0.1), None);
    }

    #[test]
    fn the_bootstrap_interval_holds_the_auc_and_narrows_with_more_rows() {
        let make = |n: usize| {
            let scores: Vec<f64> = (0..n).map(|i| (mix(i as u64) % 1000) as f64).collect();
            let labels: Vec<bool> = (0..n)
                .map(|i| (mix(i as u64) % 1000) as f64 + (mix(i as u64 + 7) % 600) as f64 > 900.0)
                .collect();
            (scores, labels)
        };
        let (s, l) = make(400);
        let point = auc(&s, &l).unwrap();
        let (lo, hi) = auc_interval(&s, &l, 200, 0.95, 1).unwrap();
        assert!(lo < point && point < hi, "{lo} {point} {hi}");
        assert_eq!(auc_interval(&s, &l, 200, 0.95, 1), Some((lo, hi)));
        let (s4, l4) = make(4000);
        let (lo4, hi4) = auc_interval(&s4, &l4, 200, 0.95, 1).unwrap();
        assert!(hi4 - lo4 < (hi - lo) * 0.6, "{} vs {}", hi4 - lo4, hi - lo);
    }

    #[test]
    fn calibration_bins_compare_prediction_and_outcome() {
        let predicted = [0.1, 0.1, 0.9, 0.9];
        let bins = calibration(&predicted, &[false, false, true, false], 2);
        assert_eq!(bins.len(), 2);
        assert_eq!((bins[0].rows, bins[0].observed), (2, 0.0));
        assert!((bins[1].mean_predicted - 0.9).abs() < 1e-12);
        assert_eq!(bins[1].observed, 0.5);
    }

    #[test]
    fn stability_is_near_zero_for_the_same_population_and_large_for_a_shift() {
        let a: Vec<f64> = (0..1000).map(|i| f64::from(i % 97)).collect();
        let b: Vec<f64> = (0..1000).map(|i| f64::from((i * 7) % 97)).collect();
        assert!(population_stability(&a, &b, 10).unwrap() < 0.01);
        let shifted: Vec<f64> = a.iter().map(|v| v + 40.0).collect();
        assert!(population_stability(&a, &shifted, 10).unwrap() > 0.5);
    }

    #[test]
    fn the_baseline_learns_a_signal_and_ranks_by_it() {
        // Churn more likely the lower the first input; the second is noise.
        let rows: Vec<Vec<f64>> = (0..2000)
            .map(|i| vec![(mix(i) % 100) as f64, (mix(i + 99_999) % 100) as f64])
            .collect();
        let labels: Vec<bool> = (0..2000u64)
            .map(|i| ((mix(i) % 100) as f64) + ((mix(i + 5) % 40) as f64) < 50.0)
            .collect();
        let model = LogisticBaseline::fit(&rows, &labels).unwrap();
        assert!(model.weights[1] < -1.0, "{:?}", model.weights);
        assert!(model.weights[2].abs() < 0.3, "{:?}", model.weights);
        let scores: Vec<f64> = rows.iter().map(|r| model.predict(r)).collect();
        assert!(auc(&scores, &labels).unwrap() > 0.9);
        assert_eq!(LogisticBaseline::fit(&rows, &vec![true; 2000]), None);
    }

    #[test]
    fn the_sanity_check_fires_on_each_threshold_and_only_then() {
        assert!(sanity_check(0.85, Some(0.80), Some(0.88)).is_empty());
        assert_eq!(
            sanity_check(0.99, None, None),
            vec![SanityWarning::TooGood { auc: 0.99 }]
        );
        assert_eq!(
            sanity_check(0.81, Some(0.80), None),
            vec![SanityWarning::NoBetterThanBaseline {
                auc: 0.81,
                baseline: 0.80
            }]
        );
        assert_eq!(
            sanity_check(0.80, None, Some(0.90)),
            vec![SanityWarning::FarFromOracle {
                auc: 0.80,
                oracle: 0.90
            }]
        );
    }
}
