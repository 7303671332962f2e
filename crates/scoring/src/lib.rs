//! Customer differentiation (客户区分, R3.2–R3.9): everything Rapport knows about a customer's
//! value and risk, computed from one row of warehouse features per party.
//!
//! Pure: the warehouse computes [`Features`] by SQL, this crate turns them into scores with
//! their explanations, the CLI writes the scores to the operational store.
//!
//! - value (R3.2): [`value_scores`] — financial, loyalty, credit and risk components and
//!   their composite, each an [`Explained`]; [`profit_estimate`] for the 80/20 analysis;
//! - tiers (R3.3): [`decide_tier`] with its upgrade and downgrade rules; RFM: [`rfm_scores`];
//! - CLV classes (R3.5): [`ClvClassConfig::classify`], [`assign_clv_classes`];
//! - lifecycle (R3.6): [`lifecycle`];
//! - churn (R3.7): [`churn_warnings`] and the trained [`ChurnModel`] (its held-out AUC in
//!   [`TrainReport`]);
//! - next best product (R3.8): [`NbpModel`];
//! - credit (R3.9): [`credit_view`];
//! - all of it per party: [`score_all`] → [`PartyScore`], stamped with [`MODEL_VERSION`] and
//!   the configuration's version (R3.10).
//!
//! Deterministic: the same rows, configuration and seed give the same scores. Everything
//! is a function of the party's own row except RFM quintiles and the value and CLV
//! percentiles, which are taken over the rows scored together, and the models, which are
//! trained on a population.
//!
//! ```
//! use rapport_scoring::{Labelled, MONTHS, ScoringConfig, Tier, decide_tier};
//!
//! let cfg = ScoringConfig::from_toml_str("version = \"pilot\"\n[tiers]\nupgrade_months = 6\n")?;
//! // Six month-ends at 2.5 million yuan (in fen), the as-of month first.
//! let mut aum = [40_000 * 100; MONTHS];
//! aum[..6].fill(2_500_000 * 100);
//! let decision = decide_tier(Some(Tier::Gold), &aum, &cfg.tiers);
//! assert_eq!(decision.tier, Tier::Diamond);
//! assert_eq!(decision.tier.label_zh(), "钻石");
//! assert!(decision.propose_dedicated_rm);
//! # Ok::<(), rapport_scoring::ConfigError>(())
//! ```

mod booster;
pub mod churn;
mod clv_class;
mod config;
mod credit;
mod error;
mod explain;
mod features;
mod input;
mod lifecycle;
mod metrics;
mod nbp;
mod rfm;
mod score;
mod tier;
pub mod validation;
mod value;

pub use churn::{
    CHURN_INPUT_NAMES, ChurnAssessment, ChurnModel, ChurnRule, ChurnWarning, REASONS, TrainReport,
    churn_inputs, churn_warnings,
};
pub use clv_class::{ClvDecision, assign_clv_classes};
pub use config::{
    ChurnRuleConfig, ClvClassConfig, CreditConfig, FinancialConfig, LifecycleConfig, LoyaltyConfig,
    MINOR_PER_MAJOR, MODEL_VERSION, ModelConfig, NbpConfig, Rates, RfmConfig, RfmSplit, RiskConfig,
    ScoringConfig, TierConfig, ValueConfig,
};
pub use credit::{CreditView, credit_score, credit_view, grade_of, leverage};
pub use error::{ConfigError, InvalidFeatures, ScoringError};
pub use explain::{BOUND_PART, Explained, Part, describe_input};
pub use features::{Features, MONTHS};
pub use input::yuan;
pub use lifecycle::{LifecycleDecision, lifecycle};
pub use metrics::{auc, held_out, sample_parties};
pub use nbp::{FamilyReport, NbpModel, Recommendation, nbp_input_names};
pub use rapport_domain::{ClvClass, CreditGrade, Labelled, LifecycleStage, RfmSegment, Tier};
pub use rfm::{NO_TRANSACTION_DAYS, Rfm, mid_rank_percentiles, quintiles, rfm_scores};
pub use score::{PartyScore, score_all};
pub use tier::{TierChange, TierDecision, decide_tier};
pub use value::{
    ProfitEstimate, ServiceSignals, ValueScores, composite, financial_score, loyalty_score,
    profit_estimate, risk_score, value_scores,
};
