//! The interface of the engine that checks and evaluates saved segments' definitions (the
//! warehouse implements it; the web server and the command line use it).
use chrono::NaiveDate;

/// Checks and evaluates segment definitions over the warehouse's features table.
pub trait SegmentEngine: Send + Sync {
    /// The columns a definition may use (for help texts).
    fn columns(&self) -> Vec<String>;
    /// The definition as accepted (canonical), or a message naming what is wrong with it.
    fn check(&self, text: &str) -> Result<String, String>;
    /// The parties a checked definition selects in the latest features table, with that
    /// table's as-of date; `None` when no features have been computed yet. May block for as
    /// long as the query runs: called off the async workers.
    fn evaluate(&self, canonical: &str) -> Result<Option<(NaiveDate, Vec<i64>)>, EvaluationError>;
}

/// Why an accepted definition could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvaluationError {
    /// The query over the features failed on this definition (e.g. an integer division by
    /// zero): the author's to fix, reported as a bad `expression`.
    Definition(String),
    /// The warehouse could not be read.
    Warehouse(String),
}
