//! Explanations (R3.10): every score is the sum of named parts, each with the input it was
//! computed from, so that a customer's score can be shown line by line.
use serde::{Deserialize, Serialize};

/// One line of an explanation: `points` were earned (or lost, when negative) because of
/// `input`. The unit of `input` is in the part's name where it is not obvious (`_yuan`,
/// `_months`, `_share`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    pub name: String,
    pub input: f64,
    pub points: f64,
}

impl Part {
    pub fn new(name: impl Into<String>, input: f64, points: f64) -> Self {
        Self {
            name: name.into(),
            input,
            // No "-0" in explanations.
            points: points + 0.0,
        }
    }
}

/// A score with its parts. Invariant for every score built by [`Explained::bounded`]: the
/// parts add up to the score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explained {
    pub score: f64,
    pub parts: Vec<Part>,
}

/// The name of the part that records the cut when parts add up to more than the maximum or
/// less than the minimum, so that the parts still add up to the score.
pub const BOUND_PART: &str = "bounded_to_0_100";

impl Explained {
    /// The sum of `parts`, held to 0–100; a cut is recorded as a [`BOUND_PART`] part.
    pub fn bounded(mut parts: Vec<Part>) -> Self {
        let sum: f64 = parts.iter().map(|p| p.points).sum();
        let score = sum.clamp(0.0, 100.0);
        if score != sum {
            parts.push(Part::new(BOUND_PART, sum, score - sum));
        }
        Self { score, parts }
    }

    /// The part with this name, if any.
    pub fn part(&self, name: &str) -> Option<&Part> {
        self.parts.iter().find(|p| p.name == name)
    }
}

/// Where `x` lies between `floor` and `full` on a logarithmic scale, 0–1. Money is spread
/// over several orders of magnitude, so a linear scale would give every customer but the
/// richest almost nothing.
pub fn log_share(x: f64, floor: f64, full: f64) -> f64 {
    if x <= floor || floor <= 0.0 || full <= floor {
        return if x >= full && full > 0.0 { 1.0 } else { 0.0 };
    }
    ((x / floor).ln() / (full / floor).ln()).clamp(0.0, 1.0)
}

/// A model input in words (English): `log_*` inputs (ln(1 + yuan)) back in yuan, `holds_*`
/// flags as holds / does not hold, other inputs as name = value.
pub fn describe_input(name: &str, value: f64) -> String {
    rapport_domain::ModelDriver::of_input(name, value)
        .describe(rapport_domain::Language::En, &|code| code.to_owned())
}

/// `x / full` held to 0–1.
pub fn linear_share(x: f64, full: f64) -> f64 {
    if full <= 0.0 {
        return 0.0;
    }
    (x / full).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_parts_add_up_to_the_score() {
        let e = Explained::bounded(vec![Part::new("a", 1.0, 80.0), Part::new("b", 1.0, 50.0)]);
        assert_eq!(e.score, 100.0);
        let sum: f64 = e.parts.iter().map(|p| p.points).sum();
        assert!((sum - e.score).abs() < 1e-9);
        assert_eq!(e.parts.last().map(|p| p.name.as_str()), Some(BOUND_PART));
    }

    #[test]
    fn inputs_are_described_in_their_units() {
        assert_eq!(
            describe_input("log_funds", 1000f64.ln_1p()),
            "funds 1,000 yuan"
        );
        assert_eq!(describe_input("holds_fund", 1.0), "holds fund");
        assert_eq!(
            describe_input("payroll_months", 12.0),
            "payroll_months = 12.00"
        );
    }

    #[test]
    fn log_share_runs_from_floor_to_full() {
        assert_eq!(log_share(500.0, 1_000.0, 1_000_000.0), 0.0);
        assert!((log_share(31_622.776, 1_000.0, 1_000_000.0) - 0.5).abs() < 1e-6);
        assert_eq!(log_share(2e6, 1_000.0, 1_000_000.0), 1.0);
    }
}
