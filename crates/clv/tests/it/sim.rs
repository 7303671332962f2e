//! Draws customers from the BG/NBD and Gamma-Gamma generative stories. Shared by the tests and
//! the benchmark generator so both simulate the same process.

use rand::Rng;
use rand_distr::{Beta, Distribution, Exp, Gamma};

/// One simulated customer, times measured from their first purchase.
pub struct SimCustomer {
    /// Times of the repeat purchases, increasing.
    pub repeats: Vec<f64>,
    /// Spend of the first purchase followed by one per repeat purchase.
    pub spends: Vec<f64>,
}

/// BG/NBD (r, α, a, b) and Gamma-Gamma (p, q, γ) parameters to simulate from.
#[derive(Clone, Copy)]
pub struct SimParams {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
    pub p: f64,
    pub q: f64,
    pub gamma: f64,
}

/// The CDNOW estimates (lifetimes 0.11.3, weeks).
pub const CDNOW: SimParams = SimParams {
    r: 0.242593,
    alpha: 4.413532,
    a: 0.792886,
    b: 2.425752,
    p: 6.248802,
    q: 3.744588,
    gamma: 15.447748,
};

/// Simulates a customer observed for `age` time units after their first purchase: purchases
/// arrive at rate λ ~ Gamma(r, α) while alive, and after each repeat purchase the customer
/// leaves with probability π ~ Beta(a, b). Spends are Gamma(p, ν) with ν ~ Gamma(q, γ).
pub fn simulate<R: Rng>(rng: &mut R, s: &SimParams, age: f64) -> SimCustomer {
    let draw_gamma = |rng: &mut R, shape: f64, rate: f64| match Gamma::new(shape, 1.0 / rate) {
        Ok(g) => g.sample(rng),
        Err(_) => f64::NAN,
    };
    let lambda = draw_gamma(rng, s.r, s.alpha);
    let dropout = Beta::new(s.a, s.b).map_or(f64::NAN, |d| d.sample(rng));
    let nu = draw_gamma(rng, s.q, s.gamma);
    let mut repeats = Vec::new();
    if let Ok(gap) = Exp::new(lambda) {
        let mut t = 0.0;
        loop {
            t += gap.sample(rng);
            if t > age {
                break;
            }
            repeats.push(t);
            if rng.random::<f64>() < dropout {
                break;
            }
        }
    }
    let spends = (0..=repeats.len())
        .map(|_| draw_gamma(rng, s.p, nu))
        .collect();
    SimCustomer { repeats, spends }
}
