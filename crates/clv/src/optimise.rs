//! Maximum likelihood through argmin's L-BFGS with a Moré–Thuente line search.
//!
//! Models hand over the negative *mean* log-likelihood as a function of log-parameters: the log
//! keeps every parameter positive without constraints, and the mean (rather than the sum) keeps
//! the gradient tolerance meaningful whether there are 2,000 customers or 2,000,000.

use std::cell::RefCell;

use argmin::core::{CostFunction, Executor, Gradient, State, TerminationReason};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;

use crate::error::{ClvError, Result};

/// A smooth objective over log-parameters with an analytic gradient.
pub(crate) trait Objective {
    /// Value at `theta`; when `grad` is given it receives ∂value/∂theta.
    fn eval(&self, theta: &[f64], grad: Option<&mut [f64]>) -> f64;
}

/// A model's [`Objective`] from its weighted log-likelihood: the negative mean over
/// `total_weight`, with the gradient taken to log-parameters by the chain rule
/// (∂/∂ln θ = θ ∂/∂θ). `values` are the parameters in natural space; `total` is the
/// log-likelihood there and fills ∂/∂θ when given somewhere to put it.
pub(crate) fn negative_mean_in_log_space<const N: usize>(
    values: [f64; N],
    total_weight: f64,
    grad: Option<&mut [f64]>,
    total: impl FnOnce(Option<&mut [f64; N]>) -> f64,
) -> f64 {
    let scale = -1.0 / total_weight;
    let Some(out) = grad else {
        return scale * total(None);
    };
    let mut g = [0.0; N];
    let v = total(Some(&mut g));
    for ((o, gi), value) in out.iter_mut().zip(g).zip(values) {
        *o = scale * gi * value;
    }
    scale * v
}

/// The objective plus its last evaluation: argmin asks for the cost and then the gradient at
/// the same point, and one pass computes both, so caching the pair halves the work.
struct Problem<'a, O> {
    objective: &'a O,
    last: RefCell<Option<Evaluation>>,
}

struct Evaluation {
    theta: Vec<f64>,
    value: f64,
    gradient: Vec<f64>,
}

impl<O: Objective> Problem<'_, O> {
    fn evaluate<T>(&self, theta: &[f64], pick: impl Fn(&Evaluation) -> T) -> T {
        let mut last = self.last.borrow_mut();
        match last.as_ref() {
            Some(e) if e.theta == theta => pick(e),
            _ => {
                let mut gradient = vec![0.0; theta.len()];
                let value = self.objective.eval(theta, Some(&mut gradient));
                let e = Evaluation {
                    theta: theta.to_vec(),
                    value,
                    gradient,
                };
                let out = pick(&e);
                *last = Some(e);
                out
            }
        }
    }
}

impl<O: Objective> CostFunction for Problem<'_, O> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, theta: &Self::Param) -> std::result::Result<f64, argmin::core::Error> {
        Ok(finite_or_inf(self.evaluate(theta, |e| e.value)))
    }
}

impl<O: Objective> Gradient for Problem<'_, O> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;

    fn gradient(&self, theta: &Self::Param) -> std::result::Result<Vec<f64>, argmin::core::Error> {
        let g = self.evaluate(theta, |e| e.gradient.clone());
        if g.iter().any(|v| !v.is_finite()) {
            return Err(argmin::core::Error::msg(format!(
                "non-finite gradient at log-parameters {theta:?}"
            )));
        }
        Ok(g)
    }
}

// The line search may probe far-off points where the likelihood underflows; +∞ tells it to
// step back instead of propagating NaN.
fn finite_or_inf(v: f64) -> f64 {
    if v.is_finite() { v } else { f64::INFINITY }
}

/// Where the optimiser stopped.
pub(crate) struct Optimum {
    pub theta: Vec<f64>,
    pub cost: f64,
    pub iterations: u64,
}

const MAX_ITERS: u64 = 2_000;

pub(crate) fn minimise<O: Objective>(
    objective: &O,
    theta0: Vec<f64>,
    model: &'static str,
) -> Result<Optimum> {
    let failed = |reason: String| ClvError::FitFailed { model, reason };
    let line_search = MoreThuenteLineSearch::new();
    let solver = LBFGS::new(line_search, 10)
        .with_tolerance_grad(1e-10)
        .and_then(|s| s.with_tolerance_cost(1e-15))
        .map_err(|e| failed(e.to_string()))?;
    let problem = Problem {
        objective,
        last: RefCell::new(None),
    };
    let result = Executor::new(problem, solver)
        .configure(|state| state.param(theta0).max_iters(MAX_ITERS))
        .run()
        .map_err(|e| failed(e.to_string()))?;
    let state = result.state();
    if let Some(TerminationReason::MaxItersReached) = state.get_termination_reason() {
        return Err(failed(format!(
            "no convergence after {MAX_ITERS} iterations"
        )));
    }
    let theta = state
        .get_best_param()
        .cloned()
        .ok_or_else(|| failed("optimiser returned no parameters".into()))?;
    let cost = state.get_best_cost();
    if !cost.is_finite() || theta.iter().any(|t| !t.is_finite()) {
        return Err(failed(format!("non-finite optimum {theta:?}, cost {cost}")));
    }
    Ok(Optimum {
        theta,
        cost,
        iterations: state.get_iter(),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Requires the analytic gradient of `objective` at `theta` to match central finite differences.
    pub(crate) fn assert_gradient_is_exact<const N: usize>(
        objective: &impl Objective,
        theta: [f64; N],
    ) {
        let mut g = [0.0; N];
        objective.eval(&theta, Some(&mut g));
        for (i, &analytic) in g.iter().enumerate() {
            let h = 1e-6;
            let (mut up, mut down) = (theta, theta);
            up[i] += h;
            down[i] -= h;
            let fd = (objective.eval(&up, None) - objective.eval(&down, None)) / (2.0 * h);
            assert!(
                (fd - analytic).abs() < 1e-7,
                "component {i}: {fd} vs {analytic}"
            );
        }
    }

    struct Bowl;
    impl Objective for Bowl {
        fn eval(&self, t: &[f64], grad: Option<&mut [f64]>) -> f64 {
            if let Some(g) = grad {
                g[0] = 2.0 * (t[0] - 1.0);
                g[1] = 20.0 * (t[1] + 2.0);
            }
            (t[0] - 1.0).powi(2) + 10.0 * (t[1] + 2.0).powi(2)
        }
    }

    #[test]
    fn finds_a_quadratic_minimum() {
        let o = minimise(&Bowl, vec![0.0, 0.0], "bowl").unwrap();
        assert!((o.theta[0] - 1.0).abs() < 1e-8 && (o.theta[1] + 2.0).abs() < 1e-8);
    }
}
