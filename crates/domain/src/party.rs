//! Parties (客户): individuals, organisations and prospects, and the typed links between them.
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::InvalidValue;

/// Internal surrogate key of a party in the operational store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PartyId(pub i64);

/// The bank's customer number (客户号 / CIF): `C` followed by 10 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CustomerNumber(String);

impl CustomerNumber {
    pub fn from_sequence(n: u64) -> Self {
        Self(format!("C{n:010}"))
    }

    pub fn parse(input: &str) -> Result<Self, InvalidValue> {
        let s = input.trim().to_ascii_uppercase();
        if s.len() == 11
            && s.strip_prefix('C')
                .is_some_and(|digits| digits.bytes().all(|b| b.is_ascii_digit()))
        {
            Ok(Self(s))
        } else {
            Err(InvalidValue::new(
                "customer number must be C followed by 10 digits",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CustomerNumber {
    type Error = InvalidValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CustomerNumber> for String {
    fn from(c: CustomerNumber) -> Self {
        c.0
    }
}

impl fmt::Display for CustomerNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

string_enum! {
    pub enum PartyKind {
        /// 个人客户
        Individual => "individual",
        /// 对公客户
        Organisation => "organisation",
        /// 潜在客户: known to the bank, holds no product yet.
        Prospect => "prospect",
    }
}

string_enum! {
    pub enum Gender {
        Male => "male",
        Female => "female",
    }
}

string_enum! {
    /// A directed link `from → to`; e.g. `Employer`: `from` is employed by `to`.
    pub enum RelationshipKind {
        HouseholdMember => "household_member",
        Spouse => "spouse",
        Employer => "employer",
        CorporateGroup => "corporate_group",
        Guarantor => "guarantor",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_numbers() {
        let c = CustomerNumber::from_sequence(42);
        assert_eq!(c.as_str(), "C0000000042");
        assert_eq!(CustomerNumber::parse("c0000000042").unwrap(), c);
        assert!(CustomerNumber::parse("C42").is_err());
    }

    #[test]
    fn enum_names_round_trip_and_errors_list_choices() {
        for k in RelationshipKind::ALL {
            assert_eq!(k.as_str().parse::<RelationshipKind>().unwrap(), *k);
        }
        let err = "cousin".parse::<RelationshipKind>().unwrap_err();
        assert!(err.reason.contains("household_member"), "{err}");
    }
}

string_enum! {
    /// How a customer prefers to be contacted.
    pub enum ContactChannel {
        Branch => "branch",
        Phone => "phone",
        Sms => "sms",
        Wechat => "wechat",
        Email => "email",
        App => "app",
    }
}
