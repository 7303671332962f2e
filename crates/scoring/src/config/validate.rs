//! Loading and checking a [`ScoringConfig`]: serde refuses unknown keys and wrong types,
//! `validate` refuses values that parse but make no sense (a key named by its TOML path).
use super::{
    ChurnRuleConfig, CreditConfig, LifecycleConfig, ModelConfig, Rates, ScoringConfig, TierConfig,
    ValueConfig,
};
use crate::error::ConfigError;
use crate::features::MONTHS;

impl ScoringConfig {
    /// Parses TOML (every key optional) and validates it.
    pub fn from_toml_str(text: &str) -> Result<Self, ConfigError> {
        let cfg: Self = toml::from_str(text)?;
        cfg.validate()?;
        Ok(cfg)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        check_value(&self.value)?;
        check_rates(&self.rates)?;
        check_tiers(&self.tiers)?;
        check_lifecycle(&self.lifecycle)?;
        check_churn_rules(&self.churn_rules)?;
        non_negative("churn_event.aum_floor", self.churn_event.aum_floor)?;
        share(
            "churn_event.aum_fall_share",
            self.churn_event.aum_fall_share,
        )?;
        for (key, m) in [
            ("churn_model", &self.churn_model),
            ("nbp.model", &self.nbp.model),
        ] {
            check_model(key, m)?;
        }
        if self.nbp.top_n == 0 {
            return invalid("nbp.top_n", "must be at least 1");
        }
        check_credit(&self.credit)?;
        share("clv.high_clv_percentile", self.clv.high_clv_percentile)?;
        share("clv.high_value_percentile", self.clv.high_value_percentile)?;
        Ok(())
    }
}

/// The value score's weights (some above zero) and the financial part's scales.
fn check_value(v: &ValueConfig) -> Result<(), ConfigError> {
    for (key, w) in [
        ("value.financial_weight", v.financial_weight),
        ("value.loyalty_weight", v.loyalty_weight),
        ("value.credit_weight", v.credit_weight),
        ("value.risk_weight", v.risk_weight),
    ] {
        non_negative(key, w)?;
    }
    if v.financial_weight + v.loyalty_weight + v.credit_weight + v.risk_weight <= 0.0 {
        return invalid("value.*_weight", "must not all be zero");
    }
    let f = &v.financial;
    scale("value.financial.aum", f.aum_floor, f.aum_full)?;
    scale("value.financial.loans", f.loans_floor, f.loans_full)?;
    scale(
        "value.financial.investments",
        f.investments_floor,
        f.investments_full,
    )?;
    scale("value.financial.profit", f.profit_floor, f.profit_full)
}

fn check_rates(r: &Rates) -> Result<(), ConfigError> {
    for (key, rate) in [
        ("rates.current_deposit_ftp", r.current_deposit_ftp),
        ("rates.current_deposit_rate", r.current_deposit_rate),
        ("rates.time_deposit_ftp", r.time_deposit_ftp),
        ("rates.time_deposit_rate", r.time_deposit_rate),
        ("rates.loan_ftp", r.loan_ftp),
        ("rates.loan_rate", r.loan_rate),
        ("rates.wealth_fee_rate", r.wealth_fee_rate),
        ("rates.fund_fee_rate", r.fund_fee_rate),
        ("rates.insurance_fee_rate", r.insurance_fee_rate),
        ("rates.card_interchange_rate", r.card_interchange_rate),
    ] {
        share(key, rate)?;
    }
    non_negative("rates.card_spend_months", r.card_spend_months)
}

fn check_tiers(t: &TierConfig) -> Result<(), ConfigError> {
    if !(t.private_banking > t.diamond
        && t.diamond > t.platinum
        && t.platinum > t.gold
        && t.gold > 0)
    {
        return invalid(
            "tiers",
            "thresholds must fall strictly from private_banking to gold and stay above 0",
        );
    }
    months("tiers.upgrade_months", t.upgrade_months)?;
    months("tiers.downgrade_months", t.downgrade_months)
}

fn check_lifecycle(l: &LifecycleConfig) -> Result<(), ConfigError> {
    months(
        "lifecycle.churned_inactive_months",
        l.churned_inactive_months,
    )?;
    months_back("lifecycle.decline_months", l.decline_months)?;
    months("lifecycle.dormant_months", l.dormant_months)?;
    months_back("lifecycle.growth_months", l.growth_months)?;
    share("lifecycle.decline_aum_share", l.decline_aum_share)?;
    share("lifecycle.decline_tx_share", l.decline_tx_share)?;
    non_negative("lifecycle.growth_aum_share", l.growth_aum_share)
}

fn check_churn_rules(c: &ChurnRuleConfig) -> Result<(), ConfigError> {
    share("churn_rules.balance_drop_share", c.balance_drop_share)?;
    share("churn_rules.decline_share", c.decline_share)?;
    months_back("churn_rules.decline_months", c.decline_months)?;
    share("churn_rules.spend_drop_share", c.spend_drop_share)?;
    share("churn_rules.tx_drop_share", c.tx_drop_share)?;
    share(
        "churn_rules.model_alert_probability",
        c.model_alert_probability,
    )?;
    months_back("churn_rules.outflow_months", c.outflow_months)
}

/// A model's training settings; `key` is where the model sits in the file.
fn check_model(key: &str, m: &ModelConfig) -> Result<(), ConfigError> {
    if !(m.budget.is_finite() && m.budget > 0.0) {
        return invalid(&format!("{key}.budget"), "must be above 0");
    }
    if !(m.test_share > 0.0 && m.test_share < 1.0) {
        return invalid(&format!("{key}.test_share"), "must be between 0 and 1");
    }
    if m.threads == 0 {
        return invalid(&format!("{key}.threads"), "must be at least 1");
    }
    if m.max_rows < 1_000 {
        return invalid(&format!("{key}.max_rows"), "must be at least 1000");
    }
    Ok(())
}

fn check_credit(cr: &CreditConfig) -> Result<(), ConfigError> {
    share("credit.missed_old_factor", cr.missed_old_factor)?;
    if !(cr.leverage_full > cr.leverage_start && cr.leverage_start >= 0.0) {
        return invalid(
            "credit.leverage_full",
            "must be above credit.leverage_start",
        );
    }
    if cr
        .grade_floors
        .windows(2)
        .any(|w| matches!(w, [higher, lower] if higher <= lower))
    {
        return invalid("credit.grade_floors", "must fall strictly from AAA to CC");
    }
    Ok(())
}

fn invalid<T>(key: &str, reason: &str) -> Result<T, ConfigError> {
    Err(ConfigError::Invalid {
        key: key.to_owned(),
        reason: reason.to_owned(),
    })
}

fn non_negative(key: &str, x: f64) -> Result<(), ConfigError> {
    if x.is_finite() && x >= 0.0 {
        Ok(())
    } else {
        invalid(key, &format!("is {x}; must be a number at or above 0"))
    }
}

fn share(key: &str, x: f64) -> Result<(), ConfigError> {
    if (0.0..=1.0).contains(&x) {
        Ok(())
    } else {
        invalid(key, &format!("is {x}; must be between 0 and 1"))
    }
}

fn scale(key: &str, floor: f64, full: f64) -> Result<(), ConfigError> {
    if floor > 0.0 && full > floor && full.is_finite() {
        Ok(())
    } else {
        invalid(
            &format!("{key}_full"),
            "must be above its _floor, and _floor above 0",
        )
    }
}

/// A run of month-ends, at most the months a feature row holds.
fn months(key: &str, n: usize) -> Result<(), ConfigError> {
    if (1..=MONTHS).contains(&n) {
        Ok(())
    } else {
        invalid(key, &format!("is {n}; must be 1 to {MONTHS}"))
    }
}

/// A look-back: the month-end `n` months before as-of must be in the row.
fn months_back(key: &str, n: usize) -> Result<(), ConfigError> {
    if (1..MONTHS).contains(&n) {
        Ok(())
    } else {
        invalid(key, &format!("is {n}; must be 1 to {}", MONTHS - 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_round_trip_through_toml() {
        let cfg = ScoringConfig::default();
        cfg.validate().unwrap();
        let text = toml::to_string(&cfg).unwrap();
        assert_eq!(ScoringConfig::from_toml_str(&text).unwrap(), cfg);
    }

    #[test]
    fn an_empty_file_gives_the_defaults() {
        assert_eq!(
            ScoringConfig::from_toml_str("").unwrap(),
            ScoringConfig::default()
        );
    }

    #[test]
    fn tiers_out_of_order_are_refused_by_key() {
        let err = ScoringConfig::from_toml_str("[tiers]\ngold = 9000000\n").unwrap_err();
        assert!(err.to_string().contains("tiers"), "{err}");
    }
}
