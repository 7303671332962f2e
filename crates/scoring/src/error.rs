//! Errors of this crate: bad feature rows (named by party and field), bad configuration
//! (named by key) and models that cannot be trained on what they were given.
use thiserror::Error;

/// One feature row that cannot be scored, and why. The warehouse fills [`crate::Features`]
/// by SQL, so a row like this is a bug upstream: it is reported, never silently repaired.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("party {party_id}: {field} {reason}")]
pub struct InvalidFeatures {
    pub party_id: i64,
    /// The field of [`crate::Features`] at fault (with its month index for series).
    pub field: String,
    pub reason: String,
}

/// A configuration value that is not allowed; `key` is its dotted TOML path.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// Not TOML, an unknown key or a value of the wrong type; toml's message names the key.
    #[error("scoring configuration: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("scoring configuration: {key} {reason}")]
    Invalid { key: String, reason: String },
}

#[derive(Debug, Error)]
pub enum ScoringError {
    /// Every invalid row of the batch (the batch is refused whole, so that a partial set of
    /// scores is never stored as if it were the population).
    #[error("{} feature rows are invalid; the first: {}", .0.len(), first_of(.0))]
    InvalidRows(Vec<InvalidFeatures>),
    #[error("{rows} feature rows but {labels} labels")]
    LabelCount { rows: usize, labels: usize },
    /// A model needs both classes in its training and held-out parts.
    #[error("cannot train {model}: {reason}")]
    NotTrainable { model: String, reason: String },
    #[error("{model}: the boosting library failed: {reason}")]
    Booster { model: String, reason: String },
    #[error(transparent)]
    Config(#[from] ConfigError),
}

fn first_of(rows: &[InvalidFeatures]) -> String {
    rows.first().map(ToString::to_string).unwrap_or_default()
}
