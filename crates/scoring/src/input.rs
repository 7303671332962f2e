//! Checks and helpers on [`Features`]. A row the warehouse should never produce (a negative
//! balance, a NaN share) is refused by [`Features::problems`]: scoring it would give a
//! number that looks right and is not. What the data can legitimately lack is handled where
//! it is used: no transaction in the window (`days_since_last_tx = None`) is the worst
//! recency; a missed repayment without its recency counts as recent.
use std::ops::Range;

use rapport_domain::ProductFamily;

use crate::config::MINOR_PER_MAJOR;
use crate::error::InvalidFeatures;
use crate::features::{Features, MONTHS};

/// Minor units to major units (fen to yuan), for scales and explanations.
pub fn yuan(minor: i64) -> f64 {
    minor as f64 / MINOR_PER_MAJOR as f64
}

/// A window's length in months, as reasons keep it.
pub fn months(k: usize) -> u32 {
    u32::try_from(k).unwrap_or(u32::MAX)
}

impl Features {
    /// Every problem of this row; empty when it can be scored.
    pub fn problems(&self) -> Vec<InvalidFeatures> {
        let mut out = Vec::new();
        let mut bad = |field: String, reason: String| {
            out.push(InvalidFeatures {
                party_id: self.party_id,
                field,
                reason,
            });
        };
        for (name, value) in [
            ("current_deposits", self.current_deposits),
            ("time_deposits", self.time_deposits),
            ("wealth", self.wealth),
            ("funds", self.funds),
            ("insurance", self.insurance),
            ("loans", self.loans),
            ("card_balance", self.card_balance),
            ("maturing_90d", self.maturing_90d),
        ] {
            if value < 0 {
                bad(
                    name.to_owned(),
                    format!("is {value}; balances are at or above 0"),
                );
            }
        }
        for (name, series) in [
            ("aum", &self.aum),
            ("credit_amount", &self.credit_amount),
            ("debit_amount", &self.debit_amount),
        ] {
            if let Some((i, v)) = series.iter().enumerate().find(|(_, v)| **v < 0) {
                bad(
                    format!("{name}[{i}]"),
                    format!("is {v}; amounts are at or above 0"),
                );
            }
        }
        if !(0.0..=1.0).contains(&self.digital_share) {
            bad(
                "digital_share".to_owned(),
                format!("is {}; a share is between 0 and 1", self.digital_share),
            );
        }
        if self.payroll_months > MONTHS as u32 {
            bad(
                "payroll_months".to_owned(),
                format!("is {}; at most {MONTHS}", self.payroll_months),
            );
        }
        if self.missed_repayments == 0 && self.months_since_missed_repayment.is_some() {
            bad(
                "months_since_missed_repayment".to_owned(),
                "is set but missed_repayments is 0".to_owned(),
            );
        }
        out
    }

    /// `Ok` when [`Features::problems`] finds none, else the first.
    pub fn validate(&self) -> Result<(), InvalidFeatures> {
        match self.problems().into_iter().next() {
            Some(first) => Err(first),
            None => Ok(()),
        }
    }

    /// Whether the party holds an open account of this family.
    pub fn holds(&self, family: ProductFamily) -> bool {
        self.families_held.iter().any(|f| f == family.as_str())
    }

    /// Product families held that Rapport knows (unknown names are not counted).
    pub fn family_count(&self) -> usize {
        ProductFamily::ALL
            .iter()
            .filter(|f| self.holds(**f))
            .count()
    }

    /// Wealth management, funds and insurance (minor units).
    pub fn investments(&self) -> i64 {
        self.wealth
            .saturating_add(self.funds)
            .saturating_add(self.insurance)
    }

    /// Whether the party owes anything or holds a credit product: it has a repayment record.
    pub fn has_credit(&self) -> bool {
        self.loans > 0
            || self.card_balance > 0
            || [
                ProductFamily::Mortgage,
                ProductFamily::ConsumerLoan,
                ProductFamily::BusinessLoan,
                ProductFamily::CreditCard,
            ]
            .into_iter()
            .any(|f| self.holds(f))
    }

    /// Transactions over months `months` (0 = as-of month).
    pub fn tx_in(&self, months: Range<usize>) -> u32 {
        self.tx_count
            .iter()
            .skip(months.start)
            .take(months.len())
            .sum()
    }

    pub fn debits_in(&self, months: Range<usize>) -> i64 {
        self.debit_amount
            .iter()
            .skip(months.start)
            .take(months.len())
            .sum()
    }

    pub fn credits_in(&self, months: Range<usize>) -> i64 {
        self.credit_amount
            .iter()
            .skip(months.start)
            .take(months.len())
            .sum()
    }

    /// Coefficient of variation of the 12 month-end AUMs (0 when they are all 0).
    pub fn aum_cv(&self) -> f64 {
        let n = MONTHS as f64;
        let mean = self.aum.iter().map(|a| *a as f64).sum::<f64>() / n;
        if mean <= 0.0 {
            return 0.0;
        }
        let var = self
            .aum
            .iter()
            .map(|a| (*a as f64 - mean).powi(2))
            .sum::<f64>()
            / n;
        var.sqrt() / mean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_balances_and_nan_shares_are_named() {
        let f = Features {
            party_id: 7,
            time_deposits: -5,
            digital_share: f64::NAN,
            ..Features::default()
        };
        let problems = f.problems();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["time_deposits", "digital_share"]);
        assert!(
            f.validate()
                .unwrap_err()
                .to_string()
                .starts_with("party 7: time_deposits")
        );
    }
}
