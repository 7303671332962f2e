//! One error type for the crate: every rejection names the field (and the row when the input is a
//! table) so a caller can point a user at the offending record.

/// Result alias used throughout the crate.
pub type Result<T, E = ClvError> = std::result::Result<T, E>;

/// Why a summary, fit or prediction was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClvError {
    /// Nothing to work on.
    #[error("empty input: {what}")]
    Empty {
        /// What was empty.
        what: &'static str,
    },
    /// One row of a table breaks a rule.
    #[error("row {row}: {field} {problem}")]
    InvalidRow {
        /// Zero-based position in the caller's input.
        row: usize,
        /// The column or struct field at fault.
        field: &'static str,
        /// What is wrong with it, including the value.
        problem: String,
    },
    /// A scalar argument (parameter, horizon, rate) breaks a rule.
    #[error("{field} {problem}")]
    InvalidArgument {
        /// The argument at fault.
        field: &'static str,
        /// What is wrong with it, including the value.
        problem: String,
    },
    /// Gamma-Gamma is fitted on repeat customers only and none were given.
    #[error("no repeat customers: Gamma-Gamma needs at least one customer with frequency > 0")]
    NoRepeatCustomers,
    /// The optimiser stopped with an error or produced non-finite parameters.
    #[error("{model} fit failed: {reason}")]
    FitFailed {
        /// Which model.
        model: &'static str,
        /// The optimiser's message.
        reason: String,
    },
    /// A series needed for a prediction did not converge (arguments far outside the model's range).
    #[error("hypergeometric series 2F1({a}, {b}; {c}; {z}) did not converge")]
    SeriesDiverged {
        /// First numerator parameter.
        a: f64,
        /// Second numerator parameter.
        b: f64,
        /// Denominator parameter.
        c: f64,
        /// Argument.
        z: f64,
    },
}

pub(crate) fn row_err(row: usize, field: &'static str, problem: String) -> ClvError {
    ClvError::InvalidRow {
        row,
        field,
        problem,
    }
}

pub(crate) fn arg_err(field: &'static str, problem: String) -> ClvError {
    ClvError::InvalidArgument { field, problem }
}

/// Rejects NaN, infinities and negatives, which would otherwise flow silently into logs and powers.
pub(crate) fn non_negative(row: usize, field: &'static str, value: f64) -> Result<()> {
    if !value.is_finite() {
        return Err(row_err(row, field, format!("is {value}, must be finite")));
    }
    if value < 0.0 {
        return Err(row_err(row, field, format!("is {value}, must be >= 0")));
    }
    Ok(())
}

pub(crate) fn positive_arg(field: &'static str, value: f64) -> Result<()> {
    if !(value.is_finite() && value > 0.0) {
        return Err(arg_err(
            field,
            format!("is {value}, must be finite and > 0"),
        ));
    }
    Ok(())
}

pub(crate) fn non_negative_arg(field: &'static str, value: f64) -> Result<()> {
    if !(value.is_finite() && value >= 0.0) {
        return Err(arg_err(
            field,
            format!("is {value}, must be finite and >= 0"),
        ));
    }
    Ok(())
}
