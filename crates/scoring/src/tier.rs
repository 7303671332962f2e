//! Value tiers by month-end AUM (R3.3), with the rule-based upgrades and downgrades: a tier
//! changes only on a sustained run of month-ends, not on one good or bad month.
use rapport_domain::{Language, Reason, Tier};
use serde::{Deserialize, Serialize};

use crate::config::{MINOR_PER_MAJOR, TierConfig};
use crate::features::MONTHS;
use crate::input::{months, yuan};
use rapport_domain::Labelled;

impl TierConfig {
    /// The month-end AUM (minor units) a tier needs.
    pub fn threshold_minor(&self, tier: Tier) -> i64 {
        let major = match tier {
            Tier::Ordinary => 0,
            Tier::Gold => self.gold,
            Tier::Platinum => self.platinum,
            Tier::Diamond => self.diamond,
            Tier::PrivateBanking => self.private_banking,
        };
        major.saturating_mul(MINOR_PER_MAJOR)
    }

    /// The highest tier whose threshold `aum_minor` reaches.
    pub fn tier_for(&self, aum_minor: i64) -> Tier {
        Tier::ALL
            .iter()
            .rev()
            .copied()
            .find(|t| aum_minor >= self.threshold_minor(*t))
            .unwrap_or(Tier::Ordinary)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TierChange {
    Upgrade { from: Tier, to: Tier },
    Downgrade { from: Tier, to: Tier },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierDecision {
    pub tier: Tier,
    pub change: Option<TierChange>,
    /// The rule that decided, with the numbers (English; `rule_key` is stable).
    pub rule: String,
    /// `first_placement`, `upgrade`, `downgrade` or `held`.
    pub rule_key: String,
    /// Propose a dedicated RM: the customer entered a tier that has one.
    pub propose_dedicated_rm: bool,
    /// An upgrade or downgrade as data, for reading out in the viewer's language (the
    /// tier-change alert keeps it). Absent in scores stored before decisions carried it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_reason: Option<Reason>,
}

/// A tier change's reason in English with the tiers' English names: the `rule` text.
fn english(reason: &Reason) -> String {
    reason.describe(Language::En, &|code| {
        code.parse::<Tier>()
            .map_or_else(|_| code.to_owned(), |t| t.label_en().to_owned())
    })
}

/// The tier after this month-end. `aum[0]` is the as-of month-end, `aum[i]` the one `i`
/// months before.
///
/// - No previous tier (first scoring): the tier of the as-of AUM.
/// - Upgrade: `upgrade_months` consecutive month-ends, the latest being as-of, at or above
///   a higher tier's threshold → the highest tier all of them reach (the tier of their
///   minimum). A month below breaks the run.
/// - Downgrade: `downgrade_months` consecutive month-ends below the current threshold → the
///   highest tier any of them reaches (the tier of their maximum), the mildest step the
///   evidence supports.
/// - Otherwise the previous tier is kept.
pub fn decide_tier(previous: Option<Tier>, aum: &[i64; MONTHS], cfg: &TierConfig) -> TierDecision {
    let up = cfg.upgrade_months.clamp(1, MONTHS);
    let down = cfg.downgrade_months.clamp(1, MONTHS);
    let Some(prev) = previous else {
        let tier = cfg.tier_for(aum[0]);
        let rule = if tier == Tier::Ordinary {
            format!(
                "first placement: as-of AUM {:.0} yuan is below the Gold threshold of {:.0}",
                yuan(aum[0]),
                yuan(cfg.threshold_minor(Tier::Gold))
            )
        } else {
            format!(
                "first placement: as-of AUM {:.0} yuan is at or above the {} threshold of {:.0}",
                yuan(aum[0]),
                tier.label_en(),
                yuan(cfg.threshold_minor(tier))
            )
        };
        return TierDecision {
            tier,
            change: None,
            rule,
            rule_key: "first_placement".to_owned(),
            propose_dedicated_rm: tier.has_dedicated_rm(),
            change_reason: None,
        };
    };
    let held_low = aum.iter().take(up).copied().min().unwrap_or(0);
    let held = cfg.tier_for(held_low);
    if held > prev {
        let reason = Reason::TierUpgrade {
            from: prev.as_str().to_owned(),
            to: held.as_str().to_owned(),
            months: months(up),
            threshold_minor: cfg.threshold_minor(held),
            lowest_minor: held_low,
        };
        return TierDecision {
            tier: held,
            change: Some(TierChange::Upgrade {
                from: prev,
                to: held,
            }),
            rule: english(&reason),
            rule_key: "upgrade".to_owned(),
            propose_dedicated_rm: held.has_dedicated_rm(),
            change_reason: Some(reason),
        };
    }
    let floor = cfg.threshold_minor(prev);
    let recent_high = aum.iter().take(down).copied().max().unwrap_or(0);
    if prev != Tier::Ordinary && recent_high < floor {
        let to = cfg.tier_for(recent_high);
        let reason = Reason::TierDowngrade {
            from: prev.as_str().to_owned(),
            to: to.as_str().to_owned(),
            months: months(down),
            threshold_minor: floor,
            highest_minor: recent_high,
        };
        return TierDecision {
            tier: to,
            change: Some(TierChange::Downgrade { from: prev, to }),
            rule: english(&reason),
            rule_key: "downgrade".to_owned(),
            propose_dedicated_rm: false,
            change_reason: Some(reason),
        };
    }
    TierDecision {
        tier: prev,
        change: None,
        rule: held_rule(prev, aum, cfg, up),
        rule_key: "held".to_owned(),
        propose_dedicated_rm: false,
        change_reason: None,
    }
}

/// Why the tier is kept: how far the customer is into the run towards the next tier.
fn held_rule(prev: Tier, aum: &[i64; MONTHS], cfg: &TierConfig, up: usize) -> String {
    let next = Tier::ALL.iter().copied().find(|t| *t > prev);
    match next {
        Some(next) => {
            let threshold = cfg.threshold_minor(next);
            let run = aum.iter().take_while(|a| **a >= threshold).count().min(up);
            format!(
                "held: {run} of {up} consecutive month-ends at or above the {} threshold of \
                 {:.0} yuan",
                next.label_en(),
                yuan(threshold)
            )
        }
        None => "held: the highest tier".to_owned(),
    }
}
