//! The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"):
//! while alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α), and after each
//! repeat purchase drops out with probability p ~ Beta(a, b).

use crate::error::{ClvError, Result, arg_err, non_negative_arg, positive_arg};
use crate::patterns::Patterns;
use crate::special::{hyp2f1, ln_beta, ln_gamma};
use crate::summary::validate_rfm;
use crate::unit::TimeUnit;

/// BG/NBD parameters; α is a rate per model time unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BgNbdParams {
    /// Shape of the purchase-rate gamma.
    pub r: f64,
    /// Rate (inverse scale) of the purchase-rate gamma, per time unit.
    pub alpha: f64,
    /// First shape of the dropout beta.
    pub a: f64,
    /// Second shape of the dropout beta.
    pub b: f64,
}

/// A BG/NBD model: parameters and the time unit they are expressed in. Every time argument of
/// its predictions is in [`BgNbd::unit`]; convert with [`TimeUnit::convert`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BgNbd {
    params: BgNbdParams,
    unit: TimeUnit,
}

/// A model fitted by maximum likelihood, with its fit diagnostics. Dereferences to [`BgNbd`]
/// for predictions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FittedBgNbd {
    /// The fitted model.
    pub model: BgNbd,
    /// Total (weighted) log-likelihood at the optimum.
    pub log_likelihood: f64,
    /// Optimiser iterations.
    pub iterations: u64,
}

impl std::ops::Deref for FittedBgNbd {
    type Target = BgNbd;
    fn deref(&self) -> &BgNbd {
        &self.model
    }
}

pub(crate) fn as_argument(e: ClvError) -> ClvError {
    match e {
        ClvError::InvalidRow { field, problem, .. } => ClvError::InvalidArgument { field, problem },
        other => other,
    }
}

impl BgNbd {
    /// A model from known parameters, all of which must be finite and positive.
    pub fn new(params: BgNbdParams, unit: TimeUnit) -> Result<Self> {
        positive_arg("r", params.r)?;
        positive_arg("alpha", params.alpha)?;
        positive_arg("a", params.a)?;
        positive_arg("b", params.b)?;
        Ok(BgNbd { params, unit })
    }

    /// Fits r, α, a, b by maximum likelihood on weighted patterns whose times are in `unit`.
    pub fn fit(patterns: &Patterns, unit: TimeUnit) -> Result<FittedBgNbd> {
        crate::bgnbd_fit::fit(patterns, unit)
    }

    /// The parameters.
    pub fn params(&self) -> BgNbdParams {
        self.params
    }

    /// The time unit of α and of every time argument.
    pub fn unit(&self) -> TimeUnit {
        self.unit
    }

    /// Total weighted log-likelihood of `patterns` under this model.
    pub fn log_likelihood(&self, patterns: &Patterns) -> f64 {
        crate::bgnbd_fit::log_likelihood(&self.params, patterns)
    }

    fn check(x: u32, t_x: f64, age: f64) -> Result<()> {
        validate_rfm(0, x, t_x, age).map_err(as_argument)
    }

    /// ln of the odds that a customer with (x, t_x, T) has dropped out versus is still alive.
    fn ln_dead_odds(&self, x: u32, t_x: f64, age: f64) -> f64 {
        let BgNbdParams { r, alpha, a, b } = self.params;
        let x = f64::from(x);
        a.ln() - (b + x - 1.0).ln() + (r + x) * ((alpha + age).ln() - (alpha + t_x).ln())
    }

    /// P(alive at T | x, t_x, T); 1 for a customer without repeat purchases, since BG/NBD lets
    /// customers drop out only right after a repeat purchase.
    pub fn p_alive(&self, x: u32, t_x: f64, age: f64) -> Result<f64> {
        Self::check(x, t_x, age)?;
        if x == 0 {
            return Ok(1.0);
        }
        Ok(logistic(-self.ln_dead_odds(x, t_x, age)))
    }

    /// E[purchases in (T, T+t] | x, t_x, T], equation (10) of Fader, Hardie & Lee (2005).
    pub fn expected_purchases(&self, t: f64, x: u32, t_x: f64, age: f64) -> Result<f64> {
        non_negative_arg("t", t)?;
        Self::check(x, t_x, age)?;
        let numerator = self.expected_if_alive(t, x, age)?;
        if x == 0 {
            return Ok(numerator);
        }
        Ok(numerator * logistic(-self.ln_dead_odds(x, t_x, age)))
    }

    /// E[X(t)], purchases of a newly acquired customer in their first t time units (after the
    /// first purchase).
    pub fn expected_purchases_unconditional(&self, t: f64) -> Result<f64> {
        non_negative_arg("t", t)?;
        self.expected_if_alive(t, 0, 0.0)
    }

    /// The numerator of equation (10):
    /// (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; z)],
    /// z = t/(α+T+t). Euler's transformation turns the bracket into
    /// 1 − (1−z)^(a−1) · ₂F₁(a+b−1−r, a−1; a+b+x−1; z), whose series cannot overflow for large x
    /// and converges faster the more a customer bought.
    pub(crate) fn expected_if_alive(&self, t: f64, x: u32, age: f64) -> Result<f64> {
        let a = self.params.a;
        // At a = 1 the closed form is 0/0; the expectation is smooth in a, so the mean of the
        // two sides is exact to O(h²) and the cancellation costs only ~1e-10 relative.
        const H: f64 = 1e-6;
        if (a - 1.0).abs() < H {
            let lo = self.expected_if_alive_at(1.0 - H, t, x, age)?;
            let hi = self.expected_if_alive_at(1.0 + H, t, x, age)?;
            return Ok(0.5 * (lo + hi));
        }
        self.expected_if_alive_at(a, t, x, age)
    }

    fn expected_if_alive_at(&self, a: f64, t: f64, x: u32, age: f64) -> Result<f64> {
        let BgNbdParams { r, alpha, b, .. } = self.params;
        if t == 0.0 {
            return Ok(0.0);
        }
        let x = f64::from(x);
        let z = t / (alpha + age + t);
        let one_minus_z = (alpha + age) / (alpha + age + t);
        let f = hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z)?;
        let bracket = 1.0 - one_minus_z.powf(a - 1.0) * f;
        Ok((a + b + x - 1.0) / (a - 1.0) * bracket)
    }

    /// P(X(t) = n) for a newly acquired customer, equation (8) of Fader, Hardie & Lee (2005).
    pub fn probability_of_purchases(&self, n: u32, t: f64) -> Result<f64> {
        non_negative_arg("t", t)?;
        let BgNbdParams { r, alpha, a, b } = self.params;
        let nf = f64::from(n);
        let ln_keep = (alpha / (alpha + t)).ln();
        let q = t / (alpha + t);
        // NBD(r, α/(α+t)) probability of exactly k purchases while alive throughout.
        let ln_nbd = |k: f64| {
            let ln_qk = if k == 0.0 { 0.0 } else { k * q.ln() };
            ln_gamma(r + k) - ln_gamma(r) - ln_gamma(k + 1.0) + r * ln_keep + ln_qk
        };
        let first = (ln_beta(a, b + nf) - ln_beta(a, b) + ln_nbd(nf)).exp();
        if n == 0 {
            return Ok(first);
        }
        let dropout_weight = (ln_beta(a + 1.0, b + nf - 1.0) - ln_beta(a, b)).exp();
        Ok(first + dropout_weight * nbd_at_least(n, r, q, ln_nbd(nf))?)
    }
}

/// P(NBD count ≥ n). Summing the n head terms and subtracting from 1 loses everything when the
/// tail is tiny, so a small tail is summed directly from its first term `exp(ln_first)`.
fn nbd_at_least(n: u32, r: f64, q: f64, ln_first: f64) -> Result<f64> {
    let keep = (1.0 - q).powf(r);
    let mut term = keep;
    let mut head = 0.0;
    for j in 0..n {
        head += term;
        let j = f64::from(j);
        term *= (r + j) / (j + 1.0) * q;
    }
    if head <= 0.5 {
        return Ok((1.0 - head).max(0.0));
    }
    let mut term = ln_first.exp();
    let mut tail = 0.0;
    let mut j = f64::from(n);
    for _ in 0..10_000_000u32 {
        tail += term;
        let ratio = (r + j) / (j + 1.0) * q;
        term *= ratio;
        j += 1.0;
        if term == 0.0 || (ratio < 1.0 && term <= 1e-17 * tail) {
            return Ok(tail);
        }
    }
    Err(arg_err(
        "t",
        format!("too long a horizon for P(X(t) >= {n}): tail series did not converge"),
    ))
}

/// 1/(1+e^(−v)) without overflow for large |v|.
pub(crate) fn logistic(v: f64) -> f64 {
    if v >= 0.0 {
        1.0 / (1.0 + (-v).exp())
    } else {
        let e = v.exp();
        e / (1.0 + e)
    }
}
