//! Unified social credit code (统一社会信用代码), GB 32100-2015.
//!
//! 18 characters from a 31-symbol alphabet (digits and upper-case letters without I, O, S, V, Z):
//! registration authority, organisation type, 6-digit division code, 9-character organisation
//! code (GB 11714, with its own check), and a check character (weights 3^i mod 31).
use std::fmt;

use crate::InvalidValue;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

fn symbol_value(b: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == b).map(|p| p as u32)
}

/// The GB 32100 check character for the first 17 characters (which must be from the alphabet).
pub fn check_char(body17: &str) -> Option<u8> {
    let mut sum = 0;
    for (b, w) in body17.bytes().zip(WEIGHTS) {
        sum += symbol_value(b)? * w;
    }
    let c = (31 - sum % 31) % 31;
    ALPHABET.get(c as usize).copied()
}

/// The GB 11714 check character of an 8-character organisation code body.
pub fn organisation_code_check(body8: &str) -> Option<u8> {
    let mut sum = 0;
    for (b, w) in body8.bytes().zip(ORG_WEIGHTS) {
        let v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            _ => return None,
        };
        sum += v * w;
    }
    Some(match 11 - sum % 11 {
        10 => b'X',
        11 => b'0',
        d => b'0' + d as u8,
    })
}

impl Uscc {
    pub fn parse(input: &str) -> Result<Self, InvalidValue> {
        let s = input.trim().to_ascii_uppercase();
        if s.len() != 18 {
            return Err(InvalidValue::new(format!(
                "unified social credit code must have 18 characters, got {}",
                s.chars().count()
            )));
        }
        if let Some(bad) = s.bytes().find(|b| symbol_value(*b).is_none()) {
            return Err(InvalidValue::new(format!(
                "unified social credit code contains '{}', which GB 32100 does not use",
                bad as char
            )));
        }
        // Every byte is from the ASCII alphabet now, so byte ranges are character ranges.
        if !s
            .get(2..8)
            .is_some_and(|division| division.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(InvalidValue::new(
                "unified social credit code characters 3–8 must be a division code",
            ));
        }
        let Some((body, &[given])) = s
            .split_at_checked(17)
            .map(|(body, check)| (body, check.as_bytes()))
        else {
            return Err(InvalidValue::new(
                "unified social credit code must have 18 characters",
            ));
        };
        let expected = check_char(body).unwrap_or(b'?');
        if given != expected {
            return Err(InvalidValue::new(format!(
                "unified social credit code check character is {} but should be {}",
                given as char, expected as char
            )));
        }
        Ok(Self(s))
    }

    /// Builds a code from its parts (used by the generator): `authority_and_type` is 2 symbols,
    /// `division` 6 digits, `org_body` 8 digits/letters; both check characters are computed.
    pub fn from_parts(
        authority_and_type: &str,
        division: u32,
        org_body: &str,
    ) -> Result<Self, InvalidValue> {
        let org_check = organisation_code_check(org_body).ok_or_else(|| {
            InvalidValue::new("organisation code body must be 8 digits or letters")
        })?;
        let body = format!(
            "{authority_and_type}{division:06}{org_body}{}",
            org_check as char
        );
        if body.len() != 17 {
            return Err(InvalidValue::new(
                "unified social credit code parts have the wrong length",
            ));
        }
        let check = check_char(&body).ok_or_else(|| {
            InvalidValue::new("unified social credit code uses a letter GB 32100 excludes")
        })?;
        Self::parse(&format!("{body}{}", check as char))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uscc({})", self.0)
    }
}

identifier_text!(Uscc);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_published_codes() {
        // Codes printed on public business licences.
        for code in ["91350100M000100Y43", "91110000802100433B"] {
            Uscc::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
        }
    }

    #[test]
    fn rejects_bad_check_and_alphabet() {
        assert!(
            Uscc::parse("91350100M000100Y44")
                .unwrap_err()
                .reason
                .contains("check")
        );
        assert!(
            Uscc::parse("91350100M000100I43")
                .unwrap_err()
                .reason
                .contains("does not use")
        );
        assert!(
            Uscc::parse("9135010")
                .unwrap_err()
                .reason
                .contains("18 characters")
        );
    }

    #[test]
    fn from_parts_builds_valid_codes() {
        let code = Uscc::from_parts("91", 310115, "MA1FL7X2").unwrap();
        assert_eq!(Uscc::parse(code.as_str()).unwrap(), code);
    }

    #[test]
    fn organisation_code_check_matches_gb11714() {
        // The standard's worked example: 12345678 → check 8.
        assert_eq!(organisation_code_check("12345678"), Some(b'8'));
    }
}
