//! The Gamma-Gamma spend model (Fader & Hardie, "The Gamma-Gamma model of monetary value",
//! 2013): a customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ) across
//! customers, independent of the purchase process. It is fitted on repeat customers only, with
//! the mean of their repeat spends.

use crate::error::{ClvError, Result, arg_err, positive_arg, row_err};
use crate::optimise::{Objective, minimise, negative_mean_in_log_space};
use crate::special::{digamma, ln_gamma};
use crate::summary::Summary;

/// Gamma-Gamma parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GammaGammaParams {
    /// Shape of a transaction's value.
    pub p: f64,
    /// Shape of the across-customer gamma.
    pub q: f64,
    /// Rate of the across-customer gamma (in money units).
    pub gamma: f64,
}

/// A Gamma-Gamma model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GammaGamma {
    params: GammaGammaParams,
}

/// A fitted model with its diagnostics; dereferences to [`GammaGamma`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FittedGammaGamma {
    /// The fitted model.
    pub model: GammaGamma,
    /// Total (weighted) log-likelihood at the optimum.
    pub log_likelihood: f64,
    /// Optimiser iterations.
    pub iterations: u64,
}

impl std::ops::Deref for FittedGammaGamma {
    type Target = GammaGamma;
    fn deref(&self) -> &GammaGamma {
        &self.model
    }
}

/// One repeat customer's input to the spend model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spend {
    /// Repeat purchases (x ≥ 1).
    pub frequency: u32,
    /// Mean value of those repeat purchases (> 0).
    pub mean_spend: f64,
}

impl GammaGamma {
    /// A model from known parameters, all finite and positive.
    pub fn new(params: GammaGammaParams) -> Result<Self> {
        positive_arg("p", params.p)?;
        positive_arg("q", params.q)?;
        positive_arg("gamma", params.gamma)?;
        Ok(GammaGamma { params })
    }

    /// The parameters.
    pub fn params(&self) -> GammaGammaParams {
        self.params
    }

    /// Fits p, q, γ on repeat customers, optionally weighted (one weight per customer).
    pub fn fit(customers: &[Spend], weights: Option<&[f64]>) -> Result<FittedGammaGamma> {
        let lik = Likelihood::new(customers, weights)?;
        let mean = lik.mean_spend();
        // p = 1, q = 2, γ = mean spend makes the prior mean spend pγ/(q−1) the sample mean.
        let theta0 = vec![0.0, 2f64.ln(), mean.ln()];
        let opt = minimise(&lik, theta0, "Gamma-Gamma")?;
        let model = GammaGamma::new(params_of(&opt.theta))?;
        Ok(FittedGammaGamma {
            model,
            log_likelihood: -opt.cost * lik.total_weight,
            iterations: opt.iterations,
        })
    }

    /// Fits on the repeat customers among `summaries` (those with x = 0 are skipped); each
    /// repeat customer must have a monetary value.
    pub fn fit_summaries(summaries: &[Summary]) -> Result<FittedGammaGamma> {
        let mut spends = Vec::new();
        for (row, s) in summaries.iter().enumerate() {
            if s.frequency == 0 {
                continue;
            }
            let m = s.monetary.ok_or_else(|| {
                row_err(row, "monetary", "is missing for a repeat customer".into())
            })?;
            spends.push(Spend {
                frequency: s.frequency,
                mean_spend: m,
            });
        }
        if spends.is_empty() {
            return Err(ClvError::NoRepeatCustomers);
        }
        Self::fit(&spends, None)
    }

    /// E[mean transaction value | x, mean spend]: the posterior mean, a weighted average of the
    /// population mean pγ/(q−1) and the customer's own mean with weight px/(px+q−1). For x = 0
    /// `mean_spend` is ignored and the population mean is returned (which needs q > 1).
    pub fn expected_average_spend(&self, x: u32, mean_spend: Option<f64>) -> Result<f64> {
        let GammaGammaParams { p, q, gamma } = self.params;
        let xf = f64::from(x);
        let own = if x == 0 {
            0.0
        } else {
            let m = mean_spend
                .ok_or_else(|| arg_err("mean_spend", "is missing for a repeat customer".into()))?;
            if !(m.is_finite() && m >= 0.0) {
                return Err(arg_err(
                    "mean_spend",
                    format!("is {m}, must be finite and >= 0"),
                ));
            }
            xf * m
        };
        let denominator = p * xf + q - 1.0;
        if denominator <= 0.0 {
            return Err(arg_err(
                "q",
                format!("is {q}: p·x + q − 1 = {denominator} leaves the expected spend undefined"),
            ));
        }
        Ok(p * (gamma + own) / denominator)
    }
}

fn params_of(theta: &[f64]) -> GammaGammaParams {
    // The optimiser passes the 3 log-parameters; a missing one would be NaN, never a panic.
    let at = |i: usize| theta.get(i).map_or(f64::NAN, |t| t.exp());
    GammaGammaParams {
        p: at(0),
        q: at(1),
        gamma: at(2),
    }
}

struct Row {
    ln_m: f64,
    x_m: f64,
    weight: f64,
}

struct Group {
    x: f64,
    weight: f64,
    rows: Vec<Row>,
}

struct Likelihood {
    groups: Vec<Group>,
    total_weight: f64,
}

impl Likelihood {
    fn new(customers: &[Spend], weights: Option<&[f64]>) -> Result<Self> {
        if customers.is_empty() {
            return Err(ClvError::NoRepeatCustomers);
        }
        if let Some(w) = weights
            && w.len() != customers.len()
        {
            return Err(arg_err(
                "weights",
                format!("has {} entries for {} customers", w.len(), customers.len()),
            ));
        }
        let mut by_x: std::collections::BTreeMap<u32, Group> = Default::default();
        for (row, c) in customers.iter().enumerate() {
            if c.frequency == 0 {
                return Err(row_err(
                    row,
                    "frequency",
                    "is 0: Gamma-Gamma is fitted on repeat customers only".into(),
                ));
            }
            if !(c.mean_spend.is_finite() && c.mean_spend > 0.0) {
                return Err(row_err(
                    row,
                    "mean_spend",
                    format!("is {}, must be finite and > 0", c.mean_spend),
                ));
            }
            // The lengths agree (checked above); a missing weight would be NaN and refused.
            let weight = weights.map_or(1.0, |w| w.get(row).copied().unwrap_or(f64::NAN));
            if !(weight.is_finite() && weight > 0.0) {
                return Err(row_err(
                    row,
                    "weight",
                    format!("is {weight}, must be finite and > 0"),
                ));
            }
            let x = f64::from(c.frequency);
            let g = by_x.entry(c.frequency).or_insert_with(|| Group {
                x,
                weight: 0.0,
                rows: Vec::new(),
            });
            g.weight += weight;
            g.rows.push(Row {
                ln_m: c.mean_spend.ln(),
                x_m: x * c.mean_spend,
                weight,
            });
        }
        let mut groups: Vec<Group> = by_x.into_values().collect();
        for g in &mut groups {
            merge_equal_spends(&mut g.rows);
        }
        let total_weight = groups.iter().map(|g| g.weight).sum();
        Ok(Likelihood {
            groups,
            total_weight,
        })
    }

    fn mean_spend(&self) -> f64 {
        let total: f64 = self
            .groups
            .iter()
            .flat_map(|g| g.rows.iter().map(move |r| r.weight * r.x_m / g.x))
            .sum();
        total / self.total_weight
    }

    /// ln L = lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln γ + (px−1) ln m + px ln x − (px+q) ln(xm+γ).
    fn total(&self, params: &GammaGammaParams, mut grad: Option<&mut [f64; 3]>) -> f64 {
        let GammaGammaParams { p, q, gamma } = *params;
        let ln_gamma_rate = gamma.ln();
        let mut ll = self.total_weight * (q * ln_gamma_rate - ln_gamma(q));
        let mut g = [0.0; 3];
        for group in &self.groups {
            let (x, px) = (group.x, p * group.x);
            let ln_x = x.ln();
            ll += group.weight * (ln_gamma(px + q) - ln_gamma(px) + px * ln_x);
            let (mut s_ln_m, mut s_ln_d, mut s_inv_d) = (0.0, 0.0, 0.0);
            for row in &group.rows {
                let d = row.x_m + gamma;
                let ln_d = d.ln();
                ll += row.weight * ((px - 1.0) * row.ln_m - (px + q) * ln_d);
                s_ln_m += row.weight * row.ln_m;
                s_ln_d += row.weight * ln_d;
                s_inv_d += row.weight / d;
            }
            if grad.is_some() {
                let dg_pxq = digamma(px + q);
                g[0] += x * (group.weight * (dg_pxq - digamma(px) + ln_x) + s_ln_m - s_ln_d);
                g[1] += group.weight * dg_pxq - s_ln_d;
                g[2] -= (px + q) * s_inv_d;
            }
        }
        if let Some(out) = grad.as_mut() {
            g[1] += self.total_weight * (ln_gamma_rate - digamma(q));
            g[2] += self.total_weight * q / gamma;
            **out = g;
        }
        ll
    }
}

/// Customers with the same x and mean spend contribute identical terms; with spends in cents
/// many one-repeat customers coincide, so adding their weights shortens every evaluation.
fn merge_equal_spends(rows: &mut Vec<Row>) {
    rows.sort_by(|a, b| a.x_m.total_cmp(&b.x_m));
    let mut merged: Vec<Row> = Vec::with_capacity(rows.len());
    for row in rows.drain(..) {
        match merged.last_mut() {
            Some(last) if last.x_m == row.x_m => last.weight += row.weight,
            _ => merged.push(row),
        }
    }
    *rows = merged;
}

impl Objective for Likelihood {
    fn eval(&self, theta: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let p = params_of(theta);
        negative_mean_in_log_space([p.p, p.q, p.gamma], self.total_weight, grad, |g| {
            self.total(&p, g)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_matches_finite_differences() {
        let spends: Vec<Spend> = [(1, 10.0), (2, 35.5), (2, 12.0), (6, 20.0)]
            .iter()
            .map(|&(frequency, mean_spend)| Spend {
                frequency,
                mean_spend,
            })
            .collect();
        let lik = Likelihood::new(&spends, Some(&[1.0, 2.0, 0.5, 3.0])).unwrap();
        crate::optimise::tests::assert_gradient_is_exact(&lik, [1.1, 0.9, 2.5]);
    }
}
