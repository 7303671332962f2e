//! Special functions the models need beyond `libm`.

use crate::error::{ClvError, Result};

/// ln Γ(x) for x > 0.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// ln B(a, b).
pub(crate) fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// ψ(x), the derivative of ln Γ, for x > 0. `libm` has no digamma and the analytic likelihood
/// gradients need it: recurrence ψ(x) = ψ(x+1) − 1/x lifts the argument to ≥ 6, where the
/// asymptotic (Bernoulli) series is accurate to ~1e-15 with the terms kept here.
pub(crate) fn digamma(mut x: f64) -> f64 {
    let mut shift = 0.0;
    while x < 10.0 {
        shift -= 1.0 / x;
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    // B₂ₖ/(2k) for k = 1..6, summed by Horner in x⁻².
    const COEF: [f64; 6] = [
        1.0 / 12.0,
        -1.0 / 120.0,
        1.0 / 252.0,
        -1.0 / 240.0,
        1.0 / 132.0,
        -691.0 / 32760.0,
    ];
    let tail = COEF.iter().rev().fold(0.0, |acc, c| (acc + c) * inv2);
    shift + x.ln() - 0.5 * inv - tail
}

/// Largest number of series terms before giving up. At z = 0.999 the terms shrink like
/// 0.999ⁿ, so ~40,000 terms reach double precision; this leaves ample room.
const MAX_TERMS: usize = 1_000_000;

/// Gauss hypergeometric ₂F₁(a, b; c; z) for 0 ≤ z < 1 by its power series.
///
/// Written here rather than taken from a crate because the models only ever need 0 ≤ z < 1
/// (z = t/(α+T+t)), where the series Σ (a)ₙ(b)ₙ/((c)ₙ n!) zⁿ converges for any a, b and any c
/// that is not 0 or a negative integer; callers pass the Euler-transformed parameters so the
/// terms decay quickly and nothing overflows. Once the term ratio has dropped below 1 it stays
/// there, so stopping when a term no longer moves the sum is safe.
pub(crate) fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Result<f64> {
    let diverged = || ClvError::SeriesDiverged { a, b, c, z };
    if !((0.0..1.0).contains(&z) && a.is_finite() && b.is_finite() && c.is_finite()) {
        return Err(diverged());
    }
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 0..MAX_TERMS {
        let k = n as f64;
        let denom = (c + k) * (k + 1.0);
        if denom == 0.0 {
            return Err(diverged());
        }
        let ratio = (a + k) * (b + k) / denom * z;
        term *= ratio;
        sum += term;
        if term == 0.0 || (ratio.abs() < 1.0 && term.abs() <= 1e-17 * sum.abs()) {
            return if sum.is_finite() {
                Ok(sum)
            } else {
                Err(diverged())
            };
        }
        if !term.is_finite() {
            return Err(diverged());
        }
    }
    Err(diverged())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digamma_known_values() {
        // ψ(1) = −γ (Euler–Mascheroni), ψ(0.5) = −γ − 2 ln 2.
        let euler = 0.577_215_664_901_532_9;
        assert!((digamma(1.0) + euler).abs() < 1e-14);
        assert!((digamma(0.5) + euler + 2.0 * 2f64.ln()).abs() < 1e-14);
        assert!((digamma(10.0) - 2.251_752_589_066_721).abs() < 1e-14);
    }

    #[test]
    fn digamma_is_derivative_of_ln_gamma() {
        for x in [0.05, 0.3, 1.7, 4.2, 25.0] {
            let h = 1e-6 * x;
            let fd = (ln_gamma(x + h) - ln_gamma(x - h)) / (2.0 * h);
            assert!(
                (fd - digamma(x)).abs() < 1e-6 * (1.0 + digamma(x).abs()),
                "{x}"
            );
        }
    }

    #[test]
    fn hyp2f1_closed_forms() {
        // ₂F₁(1, 1; 2; z) = −ln(1−z)/z and ₂F₁(a, b; b; z) = (1−z)^−a.
        for z in [0.0f64, 0.1, 0.5, 0.9, 0.99] {
            let want = if z == 0.0 { 1.0 } else { -(1.0 - z).ln() / z };
            let got = hyp2f1(1.0, 1.0, 2.0, z).unwrap();
            assert!((got - want).abs() < 1e-12 * want, "{z}");
            let got = hyp2f1(0.7, 1.3, 1.3, z).unwrap();
            assert!((got - (1.0 - z).powf(-0.7)).abs() < 1e-12 * got, "{z}");
        }
        assert!(hyp2f1(1.0, 1.0, 2.0, 1.0).is_err());
        assert!(hyp2f1(1.0, 1.0, -1.0, 0.5).is_err());
    }
}
