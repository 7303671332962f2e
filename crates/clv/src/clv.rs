//! Customer lifetime value: discounted expected purchases times expected spend.
//!
//! CLV is an estimate in `f64`; it is not money. A caller that shows or stores it converts it
//! to its decimal money type at that point (and rounds there), never earlier.

use crate::bgnbd::BgNbd;
use crate::error::{Result, arg_err, non_negative_arg, positive_arg};
use crate::gamma_gamma::GammaGamma;
use crate::summary::Summary;
use crate::unit::DAYS_PER_MONTH;

/// How far ahead CLV looks and how it discounts: `months` monthly steps, each discounted by
/// `(1 + monthly_discount_rate)^i`, a month being `month_days` long.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClvHorizon {
    months: u32,
    monthly_discount_rate: f64,
    month_days: f64,
}

impl ClvHorizon {
    /// `months` calendar months of [`DAYS_PER_MONTH`] days.
    pub fn new(months: u32, monthly_discount_rate: f64) -> Result<Self> {
        non_negative_arg("monthly_discount_rate", monthly_discount_rate)?;
        if months == 0 {
            return Err(arg_err("months", "is 0, must be at least 1".into()));
        }
        Ok(ClvHorizon {
            months,
            monthly_discount_rate,
            month_days: DAYS_PER_MONTH,
        })
    }

    /// The same horizon with another month length, e.g. lifetimes' 4.345 weeks
    /// (`LIFETIMES_WEEKS_PER_MONTH * 7.0` days) to reproduce its figures.
    pub fn with_month_days(self, month_days: f64) -> Result<Self> {
        positive_arg("month_days", month_days)?;
        Ok(ClvHorizon { month_days, ..self })
    }

    /// Number of monthly steps.
    pub fn months(&self) -> u32 {
        self.months
    }

    /// Discount rate per month.
    pub fn monthly_discount_rate(&self) -> f64 {
        self.monthly_discount_rate
    }

    /// Month length in days.
    pub fn month_days(&self) -> f64 {
        self.month_days
    }
}

/// Σᵢ (E[X(i months)] − E[X((i−1) months)]) / (1+d)^i for a customer with (x, t_x, T), the
/// months converted into the model's own time unit. It depends on the customer only through
/// (x, t_x, T), so over a book it is computed once per pattern and multiplied by each
/// customer's expected spend.
pub fn discounted_expected_purchases(
    bg: &BgNbd,
    x: u32,
    t_x: f64,
    age: f64,
    horizon: &ClvHorizon,
) -> Result<f64> {
    let step = bg.unit().from_days(horizon.month_days);
    let mut previous = 0.0;
    let mut total = 0.0;
    let mut discount = 1.0;
    for i in 1..=horizon.months {
        let cumulative = bg.expected_purchases(step * f64::from(i), x, t_x, age)?;
        discount /= 1.0 + horizon.monthly_discount_rate;
        total += (cumulative - previous) * discount;
        previous = cumulative;
    }
    Ok(total)
}

/// CLV over `horizon_months` calendar months at `monthly_discount_rate`, computed as lifetimes'
/// `customer_lifetime_value` does: discounted monthly increments of conditional expected
/// purchases times the Gamma-Gamma expected average spend. An estimate in `f64`, not money:
/// convert to decimal for display.
pub fn clv(
    bg: &BgNbd,
    gg: &GammaGamma,
    summary: &Summary,
    horizon_months: u32,
    monthly_discount_rate: f64,
) -> Result<f64> {
    clv_with(
        bg,
        gg,
        summary,
        &ClvHorizon::new(horizon_months, monthly_discount_rate)?,
    )
}

/// [`clv`] with an explicit [`ClvHorizon`] (e.g. another month length).
pub fn clv_with(
    bg: &BgNbd,
    gg: &GammaGamma,
    summary: &Summary,
    horizon: &ClvHorizon,
) -> Result<f64> {
    summary.validate(0).map_err(crate::bgnbd::as_argument)?;
    let spend = gg.expected_average_spend(summary.frequency, summary.monetary)?;
    let purchases = discounted_expected_purchases(
        bg,
        summary.frequency,
        summary.recency,
        summary.age,
        horizon,
    )?;
    Ok(purchases * spend)
}
