//! Next best product (交叉销售, R3.8): one boosted-tree propensity model per product family,
//! trained on who holds the family against who does not, from the customer's other
//! holdings and behaviour. A customer's propensity for a family they lack is the model's
//! probability that someone like them holds it; the input that raised it most is the reason.
use rapport_domain::ProductFamily;
use serde::{Deserialize, Serialize};

use crate::booster::Classifier;
use crate::churn::top_reasons;
use crate::config::NbpConfig;
use crate::error::ScoringError;
use crate::explain::{Part, describe_input};
use crate::features::{Features, MONTHS};
use crate::metrics::{auc, held_out, sample_parties};
use crate::score::check_rows;

/// Behavioural inputs after the ten `holds_<family>` flags (which come first, in the order
/// of [`ProductFamily::ALL`]).
const BEHAVIOUR_NAMES: [&str; 15] = [
    "log_aum",
    "log_current_deposits",
    "log_time_deposits",
    "log_wealth",
    "log_funds",
    "log_insurance",
    "log_loans",
    "log_card_balance",
    "tx_per_month",
    "log_debits_12m",
    "log_credits_12m",
    "payroll_months",
    "digital_share",
    "tenure_months",
    "is_organisation",
];

fn log_yuan(minor: i64) -> f64 {
    (minor.max(0) as f64 / 100.0).ln_1p()
}

/// The names of all inputs: `holds_<family>` for each family, then the behaviour.
pub fn nbp_input_names() -> Vec<String> {
    ProductFamily::ALL
        .iter()
        .map(|f| format!("holds_{}", f.as_str()))
        .chain(BEHAVIOUR_NAMES.iter().map(|n| (*n).to_owned()))
        .collect()
}

fn all_inputs(f: &Features) -> Vec<f64> {
    let mut x: Vec<f64> = ProductFamily::ALL
        .iter()
        .map(|fam| f64::from(u8::from(f.holds(*fam))))
        .collect();
    x.extend([
        log_yuan(f.aum[0]),
        log_yuan(f.current_deposits),
        log_yuan(f.time_deposits),
        log_yuan(f.wealth),
        log_yuan(f.funds),
        log_yuan(f.insurance),
        log_yuan(f.loans),
        log_yuan(f.card_balance),
        f64::from(f.tx_in(0..MONTHS)) / MONTHS as f64,
        log_yuan(f.debits_in(0..MONTHS)),
        log_yuan(f.credits_in(0..MONTHS)),
        f64::from(f.payroll_months),
        f.digital_share,
        f64::from(f.tenure_months),
        f64::from(u8::from(f.is_organisation)),
    ]);
    x
}

/// The inputs a family's model must not see because they give its label away: its own flag
/// and its own balance.
fn revealing(family: ProductFamily) -> Vec<&'static str> {
    let balance = match family {
        ProductFamily::CurrentDeposit => Some("log_current_deposits"),
        ProductFamily::TimeDeposit => Some("log_time_deposits"),
        ProductFamily::WealthManagement => Some("log_wealth"),
        ProductFamily::Fund => Some("log_funds"),
        ProductFamily::Insurance => Some("log_insurance"),
        ProductFamily::Mortgage | ProductFamily::ConsumerLoan | ProductFamily::BusinessLoan => {
            Some("log_loans")
        }
        ProductFamily::CreditCard => Some("log_card_balance"),
        ProductFamily::Payroll => Some("payroll_months"),
    };
    balance.into_iter().collect()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct FamilyModel {
    family: ProductFamily,
    /// Indices into [`nbp_input_names`] this model uses.
    used: Vec<usize>,
    classifier: Classifier,
}

impl FamilyModel {
    fn project(&self, all: &[f64]) -> Vec<f64> {
        // NaN is the booster's missing value: an index a saved model has but the inputs lack.
        self.used
            .iter()
            .map(|i| all.get(*i).copied().unwrap_or(f64::NAN))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyReport {
    pub family: ProductFamily,
    pub holders: usize,
    pub rows: usize,
    /// AUC of holding the family, on held-out parties; `None` when no model was trained.
    pub auc_holdout: Option<f64>,
    /// Why there is no model, when there is none.
    pub skipped: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NbpModel {
    models: Vec<FamilyModel>,
    top_n: usize,
    pub report: Vec<FamilyReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub family: ProductFamily,
    pub propensity: f64,
    /// The inputs that raised the propensity most (name, value, log-odds points).
    pub reasons: Vec<Part>,
    /// The first reason in words.
    pub reason: String,
}

impl NbpModel {
    /// One model per family that enough rows hold (and enough do not), over the rows that
    /// hold at least one family; each is trained on the parties not held out and its
    /// held-out AUC reported.
    pub fn train(rows: &[Features], seed: u64, cfg: &NbpConfig) -> Result<Self, ScoringError> {
        check_rows(rows)?;
        // Customers who hold nothing (prospects, churned) say nothing of who buys what.
        let rows: Vec<&Features> = rows
            .iter()
            .filter(|f| !f.families_held.is_empty())
            .collect();
        let all: Vec<i64> = rows.iter().map(|f| f.party_id).collect();
        let rows: Vec<&Features> = rows
            .into_iter()
            .zip(sample_parties(&all, cfg.model.max_rows, seed))
            .filter(|(_, keep)| *keep)
            .map(|(f, _)| f)
            .collect();
        let names = nbp_input_names();
        let inputs: Vec<Vec<f64>> = rows.iter().map(|f| all_inputs(f)).collect();
        let ids: Vec<i64> = rows.iter().map(|f| f.party_id).collect();
        let mut models = Vec::new();
        let mut report = Vec::new();
        for (k, family) in ProductFamily::ALL.iter().copied().enumerate() {
            let labels: Vec<bool> = rows.iter().map(|f| f.holds(family)).collect();
            let holders = labels.iter().filter(|l| **l).count();
            let mut entry = FamilyReport {
                family,
                holders,
                rows: rows.len(),
                auc_holdout: None,
                skipped: None,
            };
            if holders < cfg.min_holders || rows.len() - holders < cfg.min_holders {
                entry.skipped = Some(format!(
                    "{holders} of {} rows hold it; a model needs {} holders and as many \
                     non-holders",
                    rows.len(),
                    cfg.min_holders
                ));
                report.push(entry);
                continue;
            }
            let hidden = revealing(family);
            let used: Vec<usize> = names
                .iter()
                .enumerate()
                .filter(|(i, name)| *i != k && !hidden.contains(&name.as_str()))
                .map(|(i, _)| i)
                .collect();
            // Every row has one input per name, so the fallback (missing) is never taken.
            let project = |x: &Vec<f64>| {
                used.iter()
                    .map(|i| x.get(*i).copied().unwrap_or(f64::NAN))
                    .collect::<Vec<f64>>()
            };
            let test = held_out(&ids, &labels, cfg.model.test_share, seed);
            let (mut train_x, mut train_y, mut test_x, mut test_y) =
                (vec![], vec![], vec![], vec![]);
            for ((x, y), t) in inputs.iter().zip(&labels).zip(&test) {
                if *t {
                    test_x.push(project(x));
                    test_y.push(*y);
                } else {
                    train_x.push(project(x));
                    train_y.push(*y);
                }
            }
            let name = format!("nbp:{}", family.as_str());
            let mut classifier = Classifier::fit(&name, &train_x, &train_y, seed, &cfg.model)?;
            // Propensities of different families are compared with each other: each must be
            // on the scale of its own holding rate.
            classifier.calibrate(&test_x, &test_y);
            entry.auc_holdout = auc(&classifier.predict(&test_x), &test_y);
            report.push(entry);
            models.push(FamilyModel {
                family,
                used,
                classifier,
            });
        }
        Ok(Self {
            models,
            top_n: cfg.top_n,
            report,
        })
    }

    /// Per row, the top families the customer does not hold, best first. A family already
    /// held is never proposed.
    pub fn recommend_many(&self, rows: &[Features]) -> Vec<Vec<Recommendation>> {
        let names = nbp_input_names();
        let inputs: Vec<Vec<f64>> = rows.iter().map(all_inputs).collect();
        let mut out: Vec<Vec<Recommendation>> = vec![Vec::new(); rows.len()];
        for m in &self.models {
            let candidates: Vec<usize> = rows
                .iter()
                .enumerate()
                .filter(|(_, f)| !f.holds(m.family))
                .map(|(i, _)| i)
                .collect();
            let x: Vec<Vec<f64>> = candidates
                .iter()
                .map(|i| inputs.get(*i).map_or_else(Vec::new, |all| m.project(all)))
                .collect();
            let p = m.classifier.predict(&x);
            let c = m.classifier.contributions(&x);
            let used_names: Vec<&str> = m
                .used
                .iter()
                .map(|i| names.get(*i).map_or("unknown", String::as_str))
                .collect();
            // One prediction and one row of contributions per candidate.
            for (((row, xj), cj), pj) in candidates.iter().zip(&x).zip(&c).zip(&p) {
                let reasons = top_reasons(&used_names, xj, cj, 2);
                let reason = reasons.first().map_or_else(
                    || "customers like this one hold it".to_owned(),
                    |r| {
                        format!(
                            "{} raised the propensity most",
                            describe_input(&r.name, r.input)
                        )
                    },
                );
                let Some(recs) = out.get_mut(*row) else {
                    continue;
                };
                recs.push(Recommendation {
                    family: m.family,
                    propensity: *pj,
                    reasons,
                    reason,
                });
            }
        }
        for recs in &mut out {
            recs.sort_by(|a, b| {
                b.propensity
                    .total_cmp(&a.propensity)
                    .then(a.family.cmp(&b.family))
            });
            recs.truncate(self.top_n);
        }
        out
    }

    pub fn recommend(&self, f: &Features) -> Vec<Recommendation> {
        self.recommend_many(std::slice::from_ref(f))
            .into_iter()
            .next()
            .unwrap_or_default()
    }
}
