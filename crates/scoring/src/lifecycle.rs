//! Lifecycle stage (客户生命周期, R3.6), by rules checked in a fixed order; the first that
//! holds places the customer and is kept with the numbers that made it hold.
use rapport_domain::LifecycleStage;
use serde::{Deserialize, Serialize};

use crate::config::{LifecycleConfig, MINOR_PER_MAJOR};
use crate::features::Features;
use crate::input::yuan;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LifecycleDecision {
    pub stage: LifecycleStage,
    /// Stable name of the rule that placed the customer.
    pub rule_key: String,
    /// The rule with its numbers, in English.
    pub rule: String,
}

fn decided(stage: LifecycleStage, key: &str, rule: String) -> LifecycleDecision {
    LifecycleDecision {
        stage,
        rule_key: key.to_owned(),
        rule,
    }
}

/// Relative change from `before` to `now`; `None` when there was nothing before.
fn change(now: f64, before: f64) -> Option<f64> {
    (before > 0.0).then(|| (now - before) / before)
}

/// The rules, in order:
/// 1. prospect: no account and no history in the window;
/// 2. churned: no open account after having had history, or no AUM (below
///    `negligible_aum`), no loan and no transaction for `churned_inactive_months`;
/// 3. new: tenure below `new_tenure_months`;
/// 4. declining: AUM down by `decline_aum_share` over `decline_months`, transactions of the
///    last 3 months down by `decline_tx_share` against the 3 before, or dormant (no
///    transaction for `dormant_months` while holding balances);
/// 5. growing: AUM up by `growth_aum_share` over `growth_months`;
/// 6. mature otherwise.
pub fn lifecycle(f: &Features, c: &LifecycleConfig) -> LifecycleDecision {
    let negligible = (c.negligible_aum * MINOR_PER_MAJOR as f64) as i64;
    let had_history = f.aum.iter().any(|a| *a >= negligible)
        || f.tx_count.iter().any(|t| *t > 0)
        || f.tenure_months > 0;
    without_accounts(f, had_history)
        .or_else(|| inactive(f, c, negligible, had_history))
        .or_else(|| new(f, c))
        .or_else(|| aum_decline(f, c))
        .or_else(|| tx_decline(f, c))
        .or_else(|| dormant(f, c))
        .or_else(|| aum_growth(f, c))
        .unwrap_or_else(|| mature(f))
}

/// Rule 1, and the first half of rule 2: no account at all.
fn without_accounts(f: &Features, had_history: bool) -> Option<LifecycleDecision> {
    if f.open_accounts != 0 || !f.families_held.is_empty() {
        return None;
    }
    Some(if had_history {
        decided(
            LifecycleStage::Churned,
            "no_open_account",
            "no open account left after having had some".to_owned(),
        )
    } else {
        decided(
            LifecycleStage::Prospect,
            "no_account",
            "no account and no history yet".to_owned(),
        )
    })
}

/// The second half of rule 2: nothing held and nothing done for the last months.
fn inactive(
    f: &Features,
    c: &LifecycleConfig,
    negligible: i64,
    had_history: bool,
) -> Option<LifecycleDecision> {
    let k = c.churned_inactive_months;
    let inactive = f.aum.iter().take(k).all(|a| *a < negligible)
        && f.tx_count.iter().take(k).all(|t| *t == 0)
        && f.loans == 0
        && f.card_balance == 0;
    (inactive && had_history).then(|| {
        decided(
            LifecycleStage::Churned,
            "inactive",
            format!("no AUM, no loan and no transaction for {k} month-ends"),
        )
    })
}

fn new(f: &Features, c: &LifecycleConfig) -> Option<LifecycleDecision> {
    (f.tenure_months < c.new_tenure_months).then(|| {
        decided(
            LifecycleStage::New,
            "new",
            format!(
                "tenure {} months, under {}",
                f.tenure_months, c.new_tenure_months
            ),
        )
    })
}

fn aum_decline(f: &Features, c: &LifecycleConfig) -> Option<LifecycleDecision> {
    let d = c.decline_months;
    // `d` is validated to be 1..MONTHS; a window that did not fit would not decide.
    let &then = f.aum.get(d)?;
    let ch = change(f.aum[0] as f64, then as f64)?;
    (ch <= -c.decline_aum_share).then(|| {
        decided(
            LifecycleStage::Declining,
            "aum_decline",
            format!(
                "AUM down {:.0} % over {d} months ({:.0} → {:.0} yuan)",
                -ch * 100.0,
                yuan(then),
                yuan(f.aum[0])
            ),
        )
    })
}

fn tx_decline(f: &Features, c: &LifecycleConfig) -> Option<LifecycleDecision> {
    let (recent, before) = (f.tx_in(0..3), f.tx_in(3..6));
    if before < c.decline_tx_base {
        return None;
    }
    let ch = change(f64::from(recent), f64::from(before))?;
    (ch <= -c.decline_tx_share).then(|| {
        decided(
            LifecycleStage::Declining,
            "tx_decline",
            format!(
                "transactions down {:.0} %: {recent} in the last 3 months against {before} in \
                 the 3 before",
                -ch * 100.0
            ),
        )
    })
}

fn dormant(f: &Features, c: &LifecycleConfig) -> Option<LifecycleDecision> {
    let dm = c.dormant_months;
    let dormant = f.tx_count.iter().take(dm).all(|t| *t == 0) && f.aum[0] > 0;
    dormant.then(|| {
        decided(
            LifecycleStage::Declining,
            "dormant",
            format!(
                "dormant: no transaction for {dm} months while holding {:.0} yuan",
                yuan(f.aum[0])
            ),
        )
    })
}

fn aum_growth(f: &Features, c: &LifecycleConfig) -> Option<LifecycleDecision> {
    let g = c.growth_months;
    // `g` is validated to be 1..MONTHS; a window that did not fit would not decide.
    let &then = f.aum.get(g)?;
    let ch = change(f.aum[0] as f64, then as f64)?;
    (ch >= c.growth_aum_share).then(|| {
        decided(
            LifecycleStage::Growing,
            "aum_growth",
            format!(
                "AUM up {:.0} % over {g} months ({:.0} → {:.0} yuan)",
                ch * 100.0,
                yuan(then),
                yuan(f.aum[0])
            ),
        )
    })
}

fn mature(f: &Features) -> LifecycleDecision {
    decided(
        LifecycleStage::Mature,
        "mature",
        format!(
            "tenure {} months, AUM steady ({:.0} yuan), no decline or growth rule holds",
            f.tenure_months,
            yuan(f.aum[0])
        ),
    )
}
