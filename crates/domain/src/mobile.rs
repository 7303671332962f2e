//! Mainland China mobile numbers: 11 digits starting with 1[3-9].
use std::fmt;

use crate::InvalidValue;

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mobile(String);

impl Mobile {
    /// Accepts `13812345678`, `+86 138 1234 5678`, `0086-138-1234-5678` and full-width digits;
    /// stores the bare 11 digits.
    pub fn parse(input: &str) -> Result<Self, InvalidValue> {
        let mut digits = String::with_capacity(16);
        for c in input.trim().chars() {
            match c {
                '0'..='9' => digits.push(c),
                // Full-width digits (U+FF10..U+FF19) as typed on Chinese keyboards.
                '０'..='９' => digits.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
                ' ' | '-' | '+' | '(' | ')' | '\u{3000}' => {}
                _ => {
                    return Err(InvalidValue::new(format!(
                        "mobile number contains '{c}', expected digits"
                    )));
                }
            }
        }
        // `digits` is ASCII only, so stripping a prefix cannot split a character.
        let national = match (
            digits.len(),
            digits.strip_prefix("0086"),
            digits.strip_prefix("86"),
        ) {
            (15, Some(rest), _) | (13, _, Some(rest)) => rest,
            _ => digits.as_str(),
        };
        if national.len() != 11 {
            return Err(InvalidValue::new(format!(
                "mobile number must have 11 digits, got {}",
                national.len()
            )));
        }
        if !matches!(national.as_bytes(), [b'1', b'3'..=b'9', ..]) {
            return Err(InvalidValue::new(
                "mobile number must start with 13–19 (mainland China)",
            ));
        }
        Ok(Self(national.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn last4(&self) -> &str {
        // Always 11 ASCII digits (see `parse`); the fallback is never taken.
        self.0.get(7..).unwrap_or_default()
    }
}

impl fmt::Debug for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mobile({})", crate::mask::mask_mobile(&self.0))
    }
}

identifier_text!(Mobile);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_common_forms() {
        for input in [
            "13812345678",
            "+86 138 1234 5678",
            "0086-138-1234-5678",
            "１３８１２３４５６７８",
        ] {
            assert_eq!(
                Mobile::parse(input).unwrap().as_str(),
                "13812345678",
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_bad_numbers() {
        assert!(
            Mobile::parse("1381234567")
                .unwrap_err()
                .reason
                .contains("11 digits")
        );
        assert!(
            Mobile::parse("12812345678")
                .unwrap_err()
                .reason
                .contains("13–19")
        );
        assert!(
            Mobile::parse("1381234567a")
                .unwrap_err()
                .reason
                .contains("'a'")
        );
        assert!(Mobile::parse("").is_err());
    }

    #[test]
    fn last4_and_debug_mask() {
        let m = Mobile::parse("13812345678").unwrap();
        assert_eq!(m.last4(), "5678");
        assert_eq!(format!("{m:?}"), "Mobile(138****5678)");
    }
}
