//! Time units. A fitted model remembers the unit its data was in, because every rate it estimates
//! (α in particular) is per that unit: asking a weekly model for "12" means 12 weeks, and a CLV
//! horizon in months has to be converted with the model's own unit, never assumed.

/// Average Gregorian month, in days.
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

/// The month length lifetimes uses for weekly data (`freq="W"` → 4.345 weeks). Use it with
/// [`crate::ClvHorizon::with_month_days`] (`LIFETIMES_WEEKS_PER_MONTH * 7.0`) only to reproduce
/// lifetimes' figures; it is 0.07 % shorter than [`DAYS_PER_MONTH`].
pub const LIFETIMES_WEEKS_PER_MONTH: f64 = 4.345;

/// The unit in which recency, age and prediction horizons are expressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeUnit {
    /// One day.
    Days,
    /// Seven days.
    Weeks,
    /// An average month of [`DAYS_PER_MONTH`] days.
    Months,
}

impl TimeUnit {
    /// Length of one unit in days.
    pub const fn days(self) -> f64 {
        match self {
            TimeUnit::Days => 1.0,
            TimeUnit::Weeks => 7.0,
            TimeUnit::Months => DAYS_PER_MONTH,
        }
    }

    /// A duration in days expressed in this unit.
    pub fn from_days(self, days: f64) -> f64 {
        days / self.days()
    }

    /// A duration given in `from` expressed in this unit.
    pub fn convert(self, value: f64, from: TimeUnit) -> f64 {
        if from == self {
            value
        } else {
            value * from.days() / self.days()
        }
    }

    /// A number of average months expressed in this unit.
    pub fn from_months(self, months: f64) -> f64 {
        self.convert(months, TimeUnit::Months)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(TimeUnit::Weeks.convert(2.0, TimeUnit::Weeks), 2.0);
        assert!((TimeUnit::Weeks.from_months(1.0) - 4.348_214_285_7).abs() < 1e-9);
        assert!((TimeUnit::Days.from_months(12.0) - 365.25).abs() < 1e-12);
        assert!((TimeUnit::Weeks.from_days(14.0) - 2.0).abs() < 1e-15);
    }
}
