//! BG/NBD likelihood and its maximisation.
//!
//! Per customer (section 7 of Fader, Hardie & Lee 2005), with A₁..A₄ as in Hardie's note 004:
//! ln L = A₁ + A₂ + ln(e^A₃ + δ(x>0) e^A₄), where A₁ = lnΓ(r+x) − lnΓ(r) + r ln α and
//! A₂ = ln B(a, b+x) − ln B(a, b) depend on x only, A₃ = −(r+x) ln(α+T) and
//! A₄ = ln a − ln(b+x−1) − (r+x) ln(α+t_x). Patterns are grouped by x so that the gamma
//! functions are evaluated once per distinct x rather than once per pattern.

use crate::bgnbd::{BgNbd, BgNbdParams, FittedBgNbd};
use crate::error::{ClvError, Result};
use crate::optimise::{Objective, minimise, negative_mean_in_log_space};
use crate::patterns::Patterns;
use crate::special::{digamma, ln_gamma};
use crate::unit::TimeUnit;

struct Row {
    /// Indices into `Likelihood::times` of t_x and T.
    t_x: u32,
    age: u32,
    weight: f64,
}

struct Group {
    x: f64,
    weight: f64,
    rows: std::ops::Range<usize>,
}

pub(crate) struct Likelihood {
    rows: Vec<Row>,
    groups: Vec<Group>,
    /// The distinct recency and age values. Day-resolution data has only a few hundred, so
    /// ln(α+t) and 1/(α+t) are tabulated once per evaluation instead of per pattern.
    times: Vec<f64>,
    total_weight: f64,
}

impl Likelihood {
    pub(crate) fn new(patterns: &Patterns) -> Self {
        let mut sorted: Vec<_> = patterns.patterns().to_vec();
        sorted.sort_by_key(|p| p.frequency);
        let mut times: Vec<f64> = sorted.iter().flat_map(|p| [p.recency, p.age]).collect();
        times.sort_by(f64::total_cmp);
        times.dedup();
        // Patterns are validated, so every value is present and the search cannot miss.
        let index = |t: f64| times.partition_point(|&v| v < t) as u32;
        let mut rows = Vec::with_capacity(sorted.len());
        let mut groups: Vec<Group> = Vec::new();
        for p in &sorted {
            let x = f64::from(p.frequency);
            match groups.last_mut() {
                Some(g) if g.x == x => {
                    g.weight += p.weight;
                    g.rows.end += 1;
                }
                _ => groups.push(Group {
                    x,
                    weight: p.weight,
                    rows: rows.len()..rows.len() + 1,
                }),
            }
            rows.push(Row {
                t_x: index(p.recency),
                age: index(p.age),
                weight: p.weight,
            });
        }
        let total_weight = groups.iter().map(|g| g.weight).sum();
        Likelihood {
            rows,
            groups,
            times,
            total_weight,
        }
    }

    /// Total log-likelihood; with `grad`, its derivatives with respect to (r, α, a, b).
    // why: the hot loop of every BG/NBD fit. `group.rows` are ranges of `self.rows` built
    // together in `new`, and each row's `t_x`/`age` is a `partition_point` into `times` of a
    // value that `times` holds, so it is below `times.len()` == `ln_t.len()` == `inv_t.len()`.
    // Checked lookups would add branches to every pattern of every optimiser step.
    #[allow(clippy::indexing_slicing)]
    pub(crate) fn total(&self, p: &BgNbdParams, mut grad: Option<&mut [f64; 4]>) -> f64 {
        let BgNbdParams { r, alpha, a, b } = *p;
        let ln_alpha = alpha.ln();
        let ln_t: Vec<f64> = self.times.iter().map(|t| (alpha + t).ln()).collect();
        let inv_t: Vec<f64> = self.times.iter().map(|t| 1.0 / (alpha + t)).collect();
        let (dg_r, dg_ab, dg_b) = (digamma(r), digamma(a + b), digamma(b));
        let (lg_r, lg_ab, lg_b) = (ln_gamma(r), ln_gamma(a + b), ln_gamma(b));
        let mut ll = 0.0;
        let mut g = [0.0; 4];
        for group in &self.groups {
            let x = group.x;
            let a1 = ln_gamma(r + x) - lg_r + r * ln_alpha;
            let a2 = lg_ab + ln_gamma(b + x) - lg_b - ln_gamma(a + b + x);
            ll += group.weight * (a1 + a2);
            let ln_a_ratio = a.ln() - (b + x.max(1.0) - 1.0).ln();
            let rx = r + x;
            // Σ w·(w₃ ∂A₃ + w₄ ∂A₄) pieces, where w₃, w₄ are the shares of e^A₃, e^A₄ in the sum.
            let (mut s_ln, mut s_inv, mut s_w4) = (0.0, 0.0, 0.0);
            let rows = &self.rows[group.rows.clone()];
            if x == 0.0 {
                for row in rows {
                    let i = row.age as usize;
                    s_ln += row.weight * ln_t[i];
                    s_inv += row.weight * inv_t[i];
                }
                ll -= rx * s_ln;
            } else {
                for row in rows {
                    let (ia, ix) = (row.age as usize, row.t_x as usize);
                    let a3 = -rx * ln_t[ia];
                    let d = ln_a_ratio - rx * (ln_t[ix] - ln_t[ia]);
                    let e = (-d.abs()).exp();
                    ll += row.weight * (a3 + d.max(0.0) + e.ln_1p());
                    let w4 = if d >= 0.0 {
                        1.0 / (1.0 + e)
                    } else {
                        e / (1.0 + e)
                    };
                    s_ln += row.weight * (ln_t[ia] + w4 * (ln_t[ix] - ln_t[ia]));
                    s_inv += row.weight * (inv_t[ia] + w4 * (inv_t[ix] - inv_t[ia]));
                    s_w4 += row.weight * w4;
                }
            }
            if grad.is_some() {
                let w = group.weight;
                g[0] += w * (digamma(r + x) - dg_r + ln_alpha) - s_ln;
                g[1] += w * r / alpha - rx * s_inv;
                let dg_abx = digamma(a + b + x);
                g[2] += w * (dg_ab - dg_abx) + s_w4 / a;
                g[3] += w * (dg_ab + digamma(b + x) - dg_b - dg_abx);
                if x > 0.0 {
                    g[3] -= s_w4 / (b + x - 1.0);
                }
            }
        }
        if let Some(out) = grad.as_mut() {
            **out = g;
        }
        ll
    }
}

fn params_of(theta: &[f64]) -> BgNbdParams {
    // The optimiser passes the 4 log-parameters; a missing one would be NaN, never a panic.
    let at = |i: usize| theta.get(i).map_or(f64::NAN, |t| t.exp());
    BgNbdParams {
        r: at(0),
        alpha: at(1),
        a: at(2),
        b: at(3),
    }
}

impl Objective for Likelihood {
    fn eval(&self, theta: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let p = params_of(theta);
        negative_mean_in_log_space([p.r, p.alpha, p.a, p.b], self.total_weight, grad, |g| {
            self.total(&p, g)
        })
    }
}

pub(crate) fn log_likelihood(params: &BgNbdParams, patterns: &Patterns) -> f64 {
    Likelihood::new(patterns).total(params, None)
}

pub(crate) fn fit(patterns: &Patterns, unit: TimeUnit) -> Result<FittedBgNbd> {
    let lik = Likelihood::new(patterns);
    if !lik.groups.iter().any(|g| g.x > 0.0) {
        return Err(ClvError::FitFailed {
            model: "BG/NBD",
            reason: "no customer has a repeat purchase: the purchase rate is not identifiable"
                .into(),
        });
    }
    let mean_age = patterns
        .patterns()
        .iter()
        .map(|p| p.weight * p.age)
        .sum::<f64>()
        / lik.total_weight;
    // Start from unit shapes and a rate of the order of the observation window, which puts
    // the initial mean purchase rate r/α at about one per window.
    let theta0 = vec![0.0, mean_age.max(1e-3).ln(), 0.0, 0.0];
    let opt = minimise(&lik, theta0, "BG/NBD")?;
    let model = BgNbd::new(params_of(&opt.theta), unit)?;
    Ok(FittedBgNbd {
        model,
        log_likelihood: -opt.cost * lik.total_weight,
        iterations: opt.iterations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_matches_finite_differences() {
        let patterns = Patterns::from_rfm([
            (0, 0.0, 30.0),
            (1, 4.0, 38.0),
            (3, 20.5, 35.0),
            (7, 33.0, 36.0),
            (3, 2.0, 37.0),
        ])
        .unwrap();
        let lik = Likelihood::new(&patterns);
        crate::optimise::tests::assert_gradient_is_exact(&lik, [-0.7, 1.2, 0.3, 0.6]);
    }
}
