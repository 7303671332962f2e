//! Churn from a monthly hazard, declines that recover, and the oracle that knows the truth.
//!
//! Every customer with accounts may leave, whatever its archetype. In each generated month `t`
//! from the month it is first at risk (its onboarding month, or the first generated month),
//! its hazard is
//!
//! ```text
//! λ_t = min(HAZARD_CAP, BASE_MONTHLY_HAZARD × exp(β·drivers + frailty + shocks_t))
//! ```
//!
//! where the drivers are read from what the generator decided for the customer ([`Drivers`]),
//! `frailty ~ Normal(0, FRAILTY_SD)` is unobserved, and the shocks are a bank-wide rate shock in
//! [`RATE_SHOCK_MONTHS`] (for customers holding time deposits or wealth products) and a
//! per-customer bad service event, raising the hazard in its month and the
//! [`SERVICE_SHOCK_MONTHS`]` - 1` after. The customer decides to leave in the first month with
//! `uniform < λ_t`, then winds down over `d ∈ 0..=MAX_WIND_DOWN` months (uniform; 0 = abrupt):
//! its churn month is the decision month + `d`, from which its balances sit below
//! [`CHURN_FLOOR_MAX_CNY`]` × 1.2` yuan. [`churn_probability`] gives the true probability that
//! the churn month falls in a window.
use chrono::{Datelike, Months, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::TruthCustomer;
use crate::rng::{normal, rng_for, stream};

/// Monthly hazard of a customer with no driver, shock or frailty (≈ 5 % a year).
pub const BASE_MONTHLY_HAZARD: f64 = 0.004;
/// No month's hazard exceeds this.
pub const HAZARD_CAP: f64 = 0.5;
/// Standard deviation of the unobserved log-frailty.
pub const FRAILTY_SD: f64 = 0.7;
/// Log-hazard of a customer of less than a year (at as-of).
pub const TENURE_UNDER_1Y: f64 = 0.7;
/// Log-hazard of a customer of one to three years (at as-of).
pub const TENURE_UNDER_3Y: f64 = 0.35;
/// Log-hazard per product family held beyond the first (up to [`MAX_EXTRA_FAMILIES`]).
pub const PER_EXTRA_FAMILY: f64 = -0.2;
pub const MAX_EXTRA_FAMILIES: usize = 4;
/// Log-hazard of a customer whose salary is paid into a payroll account here.
pub const PAYROLL: f64 = -0.5;
/// Log-hazard of a high-net-worth customer.
pub const HIGH_NET_WORTH: f64 = -0.3;
/// Log-hazard of a dormant customer.
pub const DORMANT: f64 = 0.6;
/// Log-hazard of an organisation.
pub const ORGANISATION: f64 = -0.5;
/// The months of a competitor's deposit-rate campaign, as indices of the generated months
/// (0 = the oldest of the [`crate::AUM_MONTHS`]).
pub const RATE_SHOCK_MONTHS: [usize; 3] = [8, 9, 18];
/// Log-hazard in a rate-shock month of a customer holding time deposits or wealth products.
pub const RATE_SHOCK: f64 = 1.2;
/// Yearly chance of a bad service event (at most one per customer in the generated months).
pub const SERVICE_SHOCK_YEARLY: f64 = 0.04;
/// Log-hazard in the month of a bad service event and the months after it.
pub const SERVICE_SHOCK: f64 = 1.5;
/// Months a service event raises the hazard, its own month included.
pub const SERVICE_SHOCK_MONTHS: u32 = 3;
/// Wind-down lengths are uniform on `0..=MAX_WIND_DOWN` months.
pub const MAX_WIND_DOWN: u32 = 3;
/// A churner's balances settle at a floor drawn uniformly below this (yuan), ±20 % each month.
pub const CHURN_FLOOR_MAX_CNY: f64 = 800.0;
/// Yearly chance of a temporary dip in balances that recovers (a house bought, a loan to
/// family), for customers who do not decide to leave before it ends.
pub const DIP_YEARLY: f64 = 0.03;
/// A dip takes this share of the balances at its deepest…
pub const DIP_DEPTH: (f64, f64) = (0.4, 0.8);
/// …and lasts 1 to this many months (recovering linearly).
pub const MAX_DIP_MONTHS: usize = 3;

/// What the generator decided for a customer that bears on its hazard.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Drivers {
    pub tenure_months: i64,
    /// Distinct product families held.
    pub families: usize,
    pub payroll: bool,
    pub high_net_worth: bool,
    pub dormant: bool,
    pub organisation: bool,
    /// Holds a time deposit or a wealth-management product.
    pub rate_sensitive: bool,
}

impl Drivers {
    /// β·drivers: the log of the drivers' factor on the base hazard.
    fn log_effect(&self) -> f64 {
        let tenure = if self.tenure_months < 12 {
            TENURE_UNDER_1Y
        } else if self.tenure_months < 36 {
            TENURE_UNDER_3Y
        } else {
            0.0
        };
        let extra = self.families.saturating_sub(1).min(MAX_EXTRA_FAMILIES) as f64;
        let flag = |on: bool, effect: f64| if on { effect } else { 0.0 };
        tenure
            + PER_EXTRA_FAMILY * extra
            + flag(self.payroll, PAYROLL)
            + flag(self.high_net_worth, HIGH_NET_WORTH)
            + flag(self.dormant, DORMANT)
            + flag(self.organisation, ORGANISATION)
    }
}

/// A customer's monthly hazard of deciding to leave, as the generator draws it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Hazard {
    /// `BASE_MONTHLY_HAZARD × exp(β·drivers + frailty)`: the hazard of a month without shocks.
    pub monthly_rate: f64,
    /// The first month (its first day) the customer is at risk: its onboarding month, or the
    /// first generated month.
    pub from: NaiveDate,
    /// The month of a bad service event, if any.
    pub service_shock_in: Option<NaiveDate>,
    /// Whether the bank-wide rate shock applies (time deposits or wealth products held).
    pub rate_sensitive: bool,
    /// The bank's rate-shock months (first days), whether or not they apply.
    pub rate_shocks_in: [NaiveDate; RATE_SHOCK_MONTHS.len()],
}

impl Hazard {
    /// The hazard of deciding to leave in `month` (any day of it).
    pub fn in_month(&self, month: NaiveDate) -> f64 {
        let month = first_day(month);
        if month < self.from {
            return 0.0;
        }
        let mut log = 0.0;
        if self.rate_sensitive && self.rate_shocks_in.contains(&month) {
            log += RATE_SHOCK;
        }
        if let Some(s) = self.service_shock_in
            && (0..i64::from(SERVICE_SHOCK_MONTHS)).contains(&months_between(s, month))
        {
            log += SERVICE_SHOCK;
        }
        (self.monthly_rate * f64::exp(log)).min(HAZARD_CAP)
    }
}

/// A temporary dip: the balances lose `depth` in month `start` and recover linearly over
/// `months` months.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dip {
    pub start: usize,
    pub months: usize,
    pub depth: f64,
}

impl Dip {
    /// The share of the balances kept in month `t`.
    fn kept(&self, t: usize) -> f64 {
        match t.checked_sub(self.start) {
            Some(j) if j < self.months => 1.0 - self.depth * (1.0 - j as f64 / self.months as f64),
            _ => 1.0,
        }
    }
}

/// Everything drawn about a customer's leaving and dips, from a stream of its own.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ChurnPlan {
    pub hazard: Hazard,
    /// Index of the month it decided to leave.
    pub decided: Option<usize>,
    pub wind_down: u32,
    /// The floor its balances settle at once churned, in fen.
    pub floor_fen: f64,
    pub dip: Option<Dip>,
}

impl ChurnPlan {
    /// Draws the plan of party `party` over the generated `months` (first days, oldest first),
    /// at risk from month index `from`.
    pub fn draw(
        seed: u64,
        party: u64,
        months: &[NaiveDate],
        from: usize,
        drivers: &Drivers,
    ) -> ChurnPlan {
        let mut rng = rng_for(seed, stream::CHURN, party);
        let n = months.len();
        let frailty = FRAILTY_SD * normal(&mut rng);
        let month_at = |i: usize| months.get(i.min(n.saturating_sub(1))).copied();
        let years = n as f64 / 12.0;
        let service = rng.random_bool((SERVICE_SHOCK_YEARLY * years).min(1.0));
        let service_month = rng.random_range(0..n.max(1));
        let dipping = rng.random_bool((DIP_YEARLY * years).min(1.0));
        let dip = Dip {
            start: rng.random_range(0..n.max(1)),
            months: rng.random_range(1..=MAX_DIP_MONTHS),
            depth: rng.random_range(DIP_DEPTH.0..DIP_DEPTH.1),
        };
        let first = month_at(0).unwrap_or_default();
        let hazard = Hazard {
            monthly_rate: BASE_MONTHLY_HAZARD * (drivers.log_effect() + frailty).exp(),
            from: month_at(from).unwrap_or(first),
            service_shock_in: if service {
                month_at(service_month)
            } else {
                None
            },
            rate_sensitive: drivers.rate_sensitive,
            rate_shocks_in: RATE_SHOCK_MONTHS.map(|i| month_at(i).unwrap_or(first)),
        };
        let decided = months
            .iter()
            .position(|m| rng.random::<f64>() < hazard.in_month(*m));
        let wind_down = rng.random_range(0..=MAX_WIND_DOWN);
        let floor_fen = rng.random_range(0.0..CHURN_FLOOR_MAX_CNY) * 100.0;
        // A dip is a false alarm: it starts once the customer is at risk and is over before
        // any decision to leave.
        let dip =
            (dipping && dip.start >= from && decided.is_none_or(|d| dip.start + dip.months <= d))
                .then_some(dip);
        ChurnPlan {
            hazard,
            decided,
            wind_down,
            floor_fen,
            dip,
        }
    }

    /// Index of the churn month, which may lie past the generated months.
    pub fn churn_index(&self) -> Option<usize> {
        self.decided.map(|d| d + self.wind_down as usize)
    }

    /// Reshapes the balance curve `values` (fen, oldest first, the last month at its level
    /// without noise): a dip, then from the decision month a noisy wind-down and the floor.
    pub fn shape(&self, rng: &mut ChaCha8Rng, values: &mut [f64]) {
        if let Some(dip) = &self.dip {
            for (t, v) in values.iter_mut().enumerate() {
                *v *= dip.kept(t);
            }
        }
        let (Some(decided), Some(churn)) = (self.decided, self.churn_index()) else {
            return;
        };
        let steps = f64::from(self.wind_down + 1);
        for (t, v) in values.iter_mut().enumerate().skip(decided) {
            if t >= churn {
                *v = self.floor_fen * rng.random_range(0.8..1.2);
            } else {
                // The share still held: (churn - t) / (d + 1), give or take a quarter.
                let share = (churn - t) as f64 / steps;
                *v *= (share * (1.0 + 0.25 * normal(rng))).clamp(0.02, 1.0);
            }
        }
    }

    /// Index of the first month the balances no longer follow the archetype (a dip or the
    /// decision to leave).
    pub fn disturbed_from(&self) -> Option<usize> {
        match (self.dip.map(|d| d.start), self.decided) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// The share of a customer's usual everyday activity left in `month` (a first day): fading
/// over the wind-down, none from the churn month, a little less in a dip's first month.
pub(crate) fn activity(truth: &TruthCustomer, month: NaiveDate) -> f64 {
    if let (Some(decided), Some(d)) = (truth.decided_in, truth.wind_down_months) {
        let since = months_between(decided, month);
        if since >= 0 {
            let left = i64::from(d) - since;
            return if left <= 0 {
                0.0
            } else {
                left as f64 / f64::from(d + 1)
            };
        }
    }
    if truth.dip_in == Some(first_day(month)) {
        0.7
    } else {
        1.0
    }
}

/// The first day of `d`'s month.
pub(crate) fn first_day(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// Whole months from `from`'s month to `to`'s month; negative when `to` is earlier.
pub(crate) fn months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month())
}

fn add_months(d: NaiveDate, m: u32) -> NaiveDate {
    d.checked_add_months(Months::new(m)).unwrap_or(d)
}

/// The true probability, as the generator knows it, that `truth`'s customer churns (its
/// balances reach their floor) in one of the `horizon_months` months after the month of
/// `snapshot_month_end` (any day of that month will do).
///
/// A customer who had decided to leave by the snapshot's month churns in the window or not
/// (1 or 0); otherwise this sums, over the wind-down lengths `d` (each `1 / (MAX_WIND_DOWN +
/// 1)`), the chance that it first decides in a month `t` after the snapshot with `t + d` in the
/// window, from the monthly hazards (shocks included). Prospects and customers without a
/// hazard get 0. Past the generated months the hazard is the customer's monthly rate (no rate
/// shock, no new service event).
pub fn churn_probability(
    truth: &TruthCustomer,
    snapshot_month_end: NaiveDate,
    horizon_months: u32,
) -> f64 {
    let snapshot = first_day(snapshot_month_end);
    if let (Some(decided), Some(d)) = (truth.decided_in, truth.wind_down_months)
        && decided <= snapshot
    {
        let ahead = months_between(snapshot, add_months(decided, d));
        return if (1..=i64::from(horizon_months)).contains(&ahead) {
            1.0
        } else {
            0.0
        };
    }
    let Some(hazard) = &truth.hazard else {
        return 0.0;
    };
    let lengths = f64::from(MAX_WIND_DOWN + 1);
    let (mut still, mut p) = (1.0, 0.0);
    for k in 1..=horizon_months {
        let lambda = hazard.in_month(add_months(snapshot, k));
        // Deciding in month k, it churns in the window if its wind-down is at most h - k.
        let fitting = f64::from((horizon_months - k).min(MAX_WIND_DOWN) + 1);
        p += still * lambda * fitting / lengths;
        still *= 1.0 - lambda;
    }
    p.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use rapport_domain::{CustomerNumber, PartyId, PartyKind};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn customer(rate: f64) -> TruthCustomer {
        TruthCustomer {
            party_id: PartyId(1),
            customer_number: CustomerNumber::from_sequence(1),
            kind: PartyKind::Individual,
            archetype: Some(crate::Archetype::Steady),
            churned_in: None,
            decided_in: None,
            wind_down_months: None,
            hazard: Some(Hazard {
                monthly_rate: rate,
                from: date(2024, 7, 1),
                service_shock_in: Some(date(2025, 9, 1)),
                rate_sensitive: true,
                rate_shocks_in: [date(2025, 3, 1), date(2025, 4, 1), date(2026, 1, 1)],
            }),
            dip_in: None,
        }
    }

    #[test]
    fn a_customer_who_decided_before_the_snapshot_churns_in_the_window_or_not() {
        let mut c = customer(0.01);
        c.decided_in = Some(date(2025, 5, 1));
        c.wind_down_months = Some(2);
        c.churned_in = Some(date(2025, 7, 1));
        assert_eq!(churn_probability(&c, date(2025, 5, 31), 3), 1.0);
        assert_eq!(churn_probability(&c, date(2025, 6, 30), 1), 1.0);
        // The churn month is past the window, or already behind the snapshot.
        assert_eq!(churn_probability(&c, date(2025, 5, 31), 1), 0.0);
        assert_eq!(churn_probability(&c, date(2025, 7, 31), 6), 0.0);
        // Deciding after the snapshot is not known at the snapshot.
        let p = churn_probability(&c, date(2025, 4, 30), 6);
        assert!(p > 0.0 && p < 1.0, "{p}");
    }

    #[test]
    fn no_hazard_no_churn() {
        let c = customer(0.0);
        assert_eq!(churn_probability(&c, date(2025, 6, 30), 6), 0.0);
        let mut prospect = customer(0.0);
        prospect.hazard = None;
        assert_eq!(churn_probability(&prospect, date(2025, 6, 30), 6), 0.0);
        // Not at risk before onboarding.
        let mut late = customer(0.2);
        if let Some(h) = late.hazard.as_mut() {
            h.from = date(2026, 1, 1);
        }
        assert_eq!(churn_probability(&late, date(2025, 6, 30), 6), 0.0);
        assert!(churn_probability(&late, date(2025, 6, 30), 7) > 0.0);
    }

    #[test]
    fn probabilities_are_in_range_and_grow_with_the_horizon() {
        for rate in [0.0, 0.001, 0.004, 0.05, 0.3, 0.5] {
            let c = customer(rate);
            for snapshot in [date(2024, 6, 30), date(2025, 2, 28), date(2025, 12, 31)] {
                let mut last = 0.0;
                for h in 0..=36 {
                    let p = churn_probability(&c, snapshot, h);
                    assert!((0.0..=1.0).contains(&p), "{p}");
                    assert!(p >= last, "{rate} {snapshot} {h}: {p} < {last}");
                    last = p;
                }
            }
        }
    }

    #[test]
    fn shocks_raise_the_hazard_in_their_months_only() {
        let h = customer(0.01).hazard.unwrap();
        assert_eq!(h.in_month(date(2025, 1, 15)), 0.01);
        assert!((h.in_month(date(2025, 3, 31)) - 0.01 * RATE_SHOCK.exp()).abs() < 1e-12);
        for m in 9..=11 {
            assert!((h.in_month(date(2025, m, 1)) - 0.01 * SERVICE_SHOCK.exp()).abs() < 1e-12);
        }
        assert_eq!(h.in_month(date(2025, 12, 1)), 0.01);
        assert_eq!(h.in_month(date(2024, 6, 1)), 0.0, "before it is at risk");
        let capped = customer(0.3).hazard.unwrap();
        assert_eq!(capped.in_month(date(2025, 3, 1)), HAZARD_CAP);
        let insensitive = Hazard {
            rate_sensitive: false,
            ..h
        };
        assert_eq!(insensitive.in_month(date(2025, 3, 1)), 0.01);
    }

    #[test]
    fn a_dip_recovers_and_a_churner_settles_below_a_thousand_yuan() {
        let months: Vec<NaiveDate> = (0..24).map(|k| add_months(date(2024, 7, 1), k)).collect();
        let mut rng = rng_for(1, 99, 1);
        let mut plan = ChurnPlan::draw(1, 1, &months, 0, &Drivers::default());
        plan.decided = Some(10);
        plan.wind_down = 3;
        plan.dip = Some(Dip {
            start: 2,
            months: 3,
            depth: 0.6,
        });
        let mut values = vec![1_000_000.0; 24];
        plan.shape(&mut rng, &mut values);
        assert!((values[2] - 400_000.0).abs() < 1.0);
        assert!(values[3] > values[2] && values[4] > values[3] && values[5] == 1_000_000.0);
        assert!(values[10] < 1_000_000.0 && values[12] < 1_000_000.0);
        assert!(values[13..].iter().all(|v| *v < 100_000.0), "{values:?}");
        let mut c = customer(0.01);
        c.decided_in = Some(months[10]);
        c.wind_down_months = Some(3);
        c.dip_in = Some(months[2]);
        let active = |t: usize| activity(&c, months[t]);
        assert_eq!(active(13), 0.0);
        assert_eq!(active(20), 0.0);
        assert_eq!(active(9), 1.0);
        assert!(active(12) < active(11) && active(11) < active(10) && active(10) < 1.0);
        assert!(active(2) < 1.0 && active(3) == 1.0);
    }
}
