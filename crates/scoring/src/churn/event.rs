//! Churn as an event (issue 23): what the churn model predicts, read off the month-ends after a
//! snapshot, never off a state the customer was already in at it.
//!
//! A customer is **at risk** at snapshot S when they hold an open account and at least
//! `aum_floor` of AUM. They **churn** within the horizon h when, at some month-end in (S, S + h],
//! they hold no open account, or their AUM has fallen by more than `aum_fall_share` of its level
//! at S to below `aum_floor`. A customer not at risk at S (already below the floor, or without
//! an open account) is no example at all: the label cannot be a state they were already in.
//!
//! The outcome is read from the feature row at S + h, whose month-end series cover exactly the
//! months (S, S + h]; a row of any other date is refused, so the outcome window can neither
//! overlap the features' window nor leave a gap.
use chrono::{Datelike, Months, NaiveDate};
use rapport_domain::reason::{ChurnDefinition, percent};
use serde::{Deserialize, Serialize};

use crate::config::MINOR_PER_MAJOR;
use crate::error::ScoringError;
use crate::features::{Features, MONTHS};

/// The definition of a churn event, in the scoring settings' `[churn_event]` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChurnEventConfig {
    /// AUM (yuan) a customer must hold at the snapshot to be at risk, and the level their AUM
    /// must fall below for the AUM event.
    pub aum_floor: f64,
    /// The share of the snapshot's AUM that must be lost for the AUM event (0.9 = more than
    /// 90 %).
    pub aum_fall_share: f64,
}

impl Default for ChurnEventConfig {
    fn default() -> Self {
        Self {
            aum_floor: 1_000.0,
            aum_fall_share: 0.9,
        }
    }
}

impl ChurnEventConfig {
    fn floor_minor(&self) -> i64 {
        (self.aum_floor * MINOR_PER_MAJOR as f64).round() as i64
    }

    /// The event over `horizon` months, as a score carries it.
    pub fn definition(&self, horizon: u32) -> ChurnDefinition {
        ChurnDefinition {
            horizon_months: horizon,
            aum_fall_percent: percent(self.aum_fall_share),
            aum_floor_minor: self.floor_minor(),
        }
    }
}

/// What happened to one customer after a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChurnOutcome {
    /// Not an example: already below the floor or without an open account at the snapshot.
    NotAtRisk,
    Retained,
    /// The event happened; `months_after` is the first month-end (1 ≤ it ≤ h) it was seen at.
    Churned {
        months_after: u32,
    },
}

fn outcome_window(reason: String) -> ScoringError {
    ScoringError::NotTrainable {
        model: "churn".to_owned(),
        reason,
    }
}

/// The outcome of the customer whose features at the snapshot are `at`, given their features
/// `horizon` month-ends later (`None`: the warehouse no longer knows the customer, who has left).
pub fn churn_outcome(
    at: &Features,
    after: Option<&Features>,
    horizon: u32,
    cfg: &ChurnEventConfig,
) -> Result<ChurnOutcome, ScoringError> {
    let h = horizon as usize;
    if h == 0 || h > MONTHS {
        return Err(outcome_window(format!(
            "a horizon of {horizon} months: the outcome is read from 1 to {MONTHS} month-ends"
        )));
    }
    let floor = cfg.floor_minor();
    if at.open_accounts == 0 || at.aum[0] < floor {
        return Ok(ChurnOutcome::NotAtRisk);
    }
    let Some(after) = after else {
        return Ok(ChurnOutcome::Churned {
            months_after: horizon,
        });
    };
    let window_end = month_end_after(at.as_of, horizon);
    if Some(after.as_of) != window_end {
        return Err(outcome_window(format!(
            "the outcome of party {} at {} is read at {}, not {horizon} month-ends later",
            at.party_id, at.as_of, after.as_of
        )));
    }
    // Index k of `after.aum` is the month-end h − k months after the snapshot.
    let fell = |aum: &i64| {
        *aum < floor && (at.aum[0] - aum) as f64 > cfg.aum_fall_share * at.aum[0] as f64
    };
    // The earliest month-end after the snapshot is the highest index.
    let first_fall = after.aum.iter().take(h).rposition(fell);
    Ok(match (first_fall, after.open_accounts) {
        (Some(k), _) => ChurnOutcome::Churned {
            months_after: (h - k) as u32,
        },
        (None, 0) => ChurnOutcome::Churned {
            months_after: horizon,
        },
        (None, _) => ChurnOutcome::Retained,
    })
}

/// The last day of the month `months` after `date`'s.
fn month_end_after(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    date.with_day(1)?
        .checked_add_months(Months::new(months + 1))?
        .pred_opt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(as_of: NaiveDate, aum_yuan: &[i64], open_accounts: u32) -> Features {
        let mut f = Features {
            party_id: 1,
            as_of,
            ..Features::default()
        };
        for (k, a) in aum_yuan.iter().enumerate() {
            f.aum[k] = a * MINOR_PER_MAJOR;
        }
        f.open_accounts = open_accounts;
        f
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_event_is_read_in_the_months_after_the_snapshot() {
        let cfg = ChurnEventConfig::default();
        let s = row(date(2026, 3, 31), &[50_000], 2);
        // Newest first: June, May, April. April kept it, May lost 99 %, June recovered.
        let after = row(date(2026, 6, 30), &[40_000, 400, 50_000], 2);
        assert_eq!(
            churn_outcome(&s, Some(&after), 3, &cfg).unwrap(),
            ChurnOutcome::Churned { months_after: 2 }
        );
        // A fall of 80 % to 10,000 is above the floor: no event.
        let after = row(date(2026, 6, 30), &[10_000, 10_000, 10_000], 2);
        assert_eq!(
            churn_outcome(&s, Some(&after), 3, &cfg).unwrap(),
            ChurnOutcome::Retained
        );
        // Every account closed is an event whatever the AUM.
        let after = row(date(2026, 6, 30), &[50_000, 50_000, 50_000], 0);
        assert_eq!(
            churn_outcome(&s, Some(&after), 3, &cfg).unwrap(),
            ChurnOutcome::Churned { months_after: 3 }
        );
        assert_eq!(
            churn_outcome(&s, None, 3, &cfg).unwrap(),
            ChurnOutcome::Churned { months_after: 3 }
        );
    }

    #[test]
    fn a_customer_already_churned_at_the_snapshot_is_no_example() {
        let cfg = ChurnEventConfig::default();
        let after = row(date(2026, 6, 30), &[0, 0, 0], 0);
        let below_floor = row(date(2026, 3, 31), &[999], 1);
        let no_account = row(date(2026, 3, 31), &[50_000], 0);
        for s in [below_floor, no_account] {
            assert_eq!(
                churn_outcome(&s, Some(&after), 3, &cfg).unwrap(),
                ChurnOutcome::NotAtRisk
            );
        }
    }

    #[test]
    fn an_outcome_read_at_another_date_is_refused() {
        let cfg = ChurnEventConfig::default();
        let s = row(date(2026, 3, 31), &[50_000], 2);
        // Two months later for a horizon of three: a month of the window would be missing.
        let early = row(date(2026, 5, 31), &[0, 0, 0], 0);
        let err = churn_outcome(&s, Some(&early), 3, &cfg).unwrap_err();
        assert!(err.to_string().contains("2026-05-31"), "{err}");
        for horizon in [0, 13] {
            assert!(churn_outcome(&s, None, horizon, &cfg).is_err());
        }
    }
}
