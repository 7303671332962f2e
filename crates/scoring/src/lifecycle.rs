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
    if f.open_accounts == 0 && f.families_held.is_empty() {
        return if had_history {
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
        };
    }
    let k = c.churned_inactive_months;
    let inactive = f.aum.iter().take(k).all(|a| *a < negligible)
        && f.tx_count.iter().take(k).all(|t| *t == 0)
        && f.loans == 0
        && f.card_balance == 0;
    if inactive && had_history {
        return decided(
            LifecycleStage::Churned,
            "inactive",
            format!("no AUM, no loan and no transaction for {k} month-ends"),
        );
    }
    if f.tenure_months < c.new_tenure_months {
        return decided(
            LifecycleStage::New,
            "new",
            format!(
                "tenure {} months, under {}",
                f.tenure_months, c.new_tenure_months
            ),
        );
    }
    let d = c.decline_months;
    // `d` and `g` are validated to be 1..MONTHS; a window that did not fit would not decide.
    if let Some(&then) = f.aum.get(d)
        && let Some(ch) = change(f.aum[0] as f64, then as f64)
        && ch <= -c.decline_aum_share
    {
        return decided(
            LifecycleStage::Declining,
            "aum_decline",
            format!(
                "AUM down {:.0} % over {d} months ({:.0} → {:.0} yuan)",
                -ch * 100.0,
                yuan(then),
                yuan(f.aum[0])
            ),
        );
    }
    let (recent, before) = (f.tx_in(0..3), f.tx_in(3..6));
    if before >= c.decline_tx_base
        && let Some(ch) = change(f64::from(recent), f64::from(before))
        && ch <= -c.decline_tx_share
    {
        return decided(
            LifecycleStage::Declining,
            "tx_decline",
            format!(
                "transactions down {:.0} %: {recent} in the last 3 months against {before} in \
                 the 3 before",
                -ch * 100.0
            ),
        );
    }
    let dm = c.dormant_months;
    if f.tx_count.iter().take(dm).all(|t| *t == 0) && f.aum[0] > 0 {
        return decided(
            LifecycleStage::Declining,
            "dormant",
            format!(
                "dormant: no transaction for {dm} months while holding {:.0} yuan",
                yuan(f.aum[0])
            ),
        );
    }
    let g = c.growth_months;
    if let Some(&then) = f.aum.get(g)
        && let Some(ch) = change(f.aum[0] as f64, then as f64)
        && ch >= c.growth_aum_share
    {
        return decided(
            LifecycleStage::Growing,
            "aum_growth",
            format!(
                "AUM up {:.0} % over {g} months ({:.0} → {:.0} yuan)",
                ch * 100.0,
                yuan(then),
                yuan(f.aum[0])
            ),
        );
    }
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
