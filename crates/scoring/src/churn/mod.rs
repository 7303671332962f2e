//! Churn early warning (流失预警, R3.7): rules with their numbers, and a trained model with
//! its held-out AUC and the inputs behind each prediction.
pub mod event;
mod export;
mod inputs;
mod model;
pub mod out_of_time;
mod rules;

pub use inputs::{CHURN_INPUT_NAMES, churn_inputs};
pub(crate) use model::top_reasons;
pub use model::{ChurnModel, REASONS, TrainReport};
pub use rules::{ChurnRule, ChurnWarning, churn_warnings};

use rapport_domain::reason::ChurnDefinition;
use serde::{Deserialize, Serialize};

use crate::explain::Part;

/// Everything the churn early warning says of one customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnAssessment {
    /// The model's probability of churning; `None` when the bank's history was too short to
    /// train a model, and only the rules speak.
    pub probability: Option<f64>,
    /// The inputs that pushed the probability up most: input value and log-odds points.
    pub model_reasons: Vec<Part>,
    /// Rules that fired, and the model's own warning when its probability is at or above
    /// `churn_rules.model_alert_probability`.
    pub warnings: Vec<ChurnWarning>,
    /// The event `probability` is the probability of; absent without a model, and in scores
    /// stored before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<ChurnDefinition>,
}

impl ChurnAssessment {
    /// A warning means a retention task for the RM or the call center.
    pub fn is_warning(&self) -> bool {
        !self.warnings.is_empty()
    }
}
