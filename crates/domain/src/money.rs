//! Money is a decimal amount with its currency; never a float.
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::InvalidValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    Cny,
    Usd,
    Eur,
    Hkd,
}

impl Currency {
    pub fn code(self) -> &'static str {
        match self {
            Self::Cny => "CNY",
            Self::Usd => "USD",
            Self::Eur => "EUR",
            Self::Hkd => "HKD",
        }
    }

    /// Digits after the decimal point in the currency's minor unit.
    pub fn minor_digits(self) -> u32 {
        2
    }
}

impl FromStr for Currency {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "CNY" | "RMB" => Ok(Self::Cny),
            "USD" => Ok(Self::Usd),
            "EUR" => Ok(Self::Eur),
            "HKD" => Ok(Self::Hkd),
            other => Err(InvalidValue::new(format!("unknown currency '{other}'"))),
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Result<Self, InvalidValue> {
        if amount.scale() > currency.minor_digits()
            && amount.normalize().scale() > currency.minor_digits()
        {
            return Err(InvalidValue::new(format!(
                "amount {amount} has more than {} decimal places",
                currency.minor_digits()
            )));
        }
        Ok(Self { amount, currency })
    }

    pub fn zero(currency: Currency) -> Self {
        Self {
            amount: Decimal::ZERO,
            currency,
        }
    }

    /// Parses a plain decimal such as `1234.56` or `-0.5`: no thousands separators, no exponent,
    /// at most the currency's minor digits.
    pub fn parse(input: &str, currency: Currency) -> Result<Self, InvalidValue> {
        let s = input.trim();
        let well_formed = !s.is_empty()
            && s.trim_start_matches('-')
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.')
            && s.matches('.').count() <= 1
            && s.trim_start_matches('-')
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit());
        if !well_formed {
            return Err(InvalidValue::new(format!(
                "amount '{s}' is not a plain decimal number (digits, one '.', optional leading '-')"
            )));
        }
        let amount = Decimal::from_str(s)
            .map_err(|e| InvalidValue::new(format!("amount '{s}' is out of range: {e}")))?;
        Self::new(amount, currency)
    }

    /// The amount in minor units (fen for CNY), as stored by the operational store.
    pub fn to_minor_units(self) -> Result<i64, InvalidValue> {
        let scaled = self.amount * Decimal::from(10_i64.pow(self.currency.minor_digits()));
        i64::try_from(scaled.trunc())
            .map_err(|_| InvalidValue::new(format!("amount {} is too large to store", self.amount)))
    }

    pub fn from_minor_units(minor: i64, currency: Currency) -> Self {
        Self {
            amount: Decimal::new(minor, currency.minor_digits()),
            currency,
        }
    }

    pub fn checked_add(self, other: Self) -> Result<Self, InvalidValue> {
        if self.currency != other.currency {
            return Err(InvalidValue::new(format!(
                "cannot add {} to {}",
                other.currency, self.currency
            )));
        }
        let amount = self
            .amount
            .checked_add(other.amount)
            .ok_or_else(|| InvalidValue::new("amount overflow"))?;
        Ok(Self {
            amount,
            currency: self.currency,
        })
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}",
            self.amount.round_dp(self.currency.minor_digits()),
            self.currency
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn parse_of_format_is_identity(minor in -1_000_000_000_000_000_i64..1_000_000_000_000_000) {
            let m = Money::from_minor_units(minor, Currency::Cny);
            prop_assert_eq!(Money::parse(&m.amount.to_string(), Currency::Cny).unwrap(), m);
            prop_assert_eq!(m.to_minor_units().unwrap(), minor);
        }

        #[test]
        fn addition_is_exact(a in -1_000_000_000_000_i64..1_000_000_000_000, b in -1_000_000_000_000_i64..1_000_000_000_000) {
            let sum = Money::from_minor_units(a, Currency::Cny).checked_add(Money::from_minor_units(b, Currency::Cny)).unwrap();
            prop_assert_eq!(sum.to_minor_units().unwrap(), a + b);
        }
    }

    #[test]
    fn minor_units_round_trip_exactly() {
        for minor in [0_i64, 1, -1, 123_456_789_012, i64::MAX / 1000] {
            let m = Money::from_minor_units(minor, Currency::Cny);
            assert_eq!(m.to_minor_units().unwrap(), minor);
        }
    }

    #[test]
    fn parses_plain_decimals_only() {
        assert_eq!(
            Money::parse("1234.56", Currency::Cny)
                .unwrap()
                .to_minor_units()
                .unwrap(),
            123_456
        );
        assert_eq!(
            Money::parse("-0.5", Currency::Cny)
                .unwrap()
                .to_minor_units()
                .unwrap(),
            -50
        );
        for bad in ["1,234.56", "1e5", "12.345", "", "abc", "1.2.3", ".5", "--1"] {
            assert!(Money::parse(bad, Currency::Cny).is_err(), "{bad}");
        }
    }

    #[test]
    fn addition_is_exact_and_currency_checked() {
        let a = Money::parse("0.10", Currency::Cny).unwrap();
        let b = Money::parse("0.20", Currency::Cny).unwrap();
        assert_eq!(
            a.checked_add(b).unwrap(),
            Money::parse("0.30", Currency::Cny).unwrap()
        );
        assert!(a.checked_add(Money::zero(Currency::Usd)).is_err());
    }
}
