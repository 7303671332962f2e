//! Resident identity card number (居民身份证号码), GB 11643-1999.
//!
//! 18 characters: 6-digit administrative division code, birth date `YYYYMMDD`, 3-digit sequence
//! (odd for men, even for women) and a check character from ISO 7064 MOD 11-2 (`0`–`9` or `X`).
//! The older 15-digit form has a 2-digit year and no check character; it is upgraded on parse.
use std::fmt;

use chrono::NaiveDate;

use crate::{Gender, InvalidValue};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [u8; 11] = *b"10X98765432";

/// Province-level division codes (the first two digits) in use.
const PROVINCE_CODES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// A valid 18-character resident ID number, always in upgraded, upper-case form.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResidentId(String);

impl ResidentId {
    /// Parses an 18-character number (check character verified) or a 15-digit one (upgraded).
    /// Surrounding whitespace and a lower-case `x` are accepted; nothing else is repaired.
    pub fn parse(input: &str) -> Result<Self, InvalidValue> {
        let s = input.trim().to_ascii_uppercase();
        // Every valid form is ASCII; checking first keeps the byte slicing below on character
        // boundaries whatever was typed.
        if !s.is_ascii() {
            return Err(InvalidValue::new(
                "resident ID must be 17 digits followed by a digit or X",
            ));
        }
        match s.len() {
            18 => {
                let Some((body, &[given])) = s
                    .split_at_checked(17)
                    .map(|(body, check)| (body, check.as_bytes()))
                    .filter(|(body, _)| body.bytes().all(|b| b.is_ascii_digit()))
                else {
                    return Err(InvalidValue::new(
                        "resident ID must be 17 digits followed by a digit or X",
                    ));
                };
                let expected = check_char(body);
                if given != expected {
                    return Err(InvalidValue::new(format!(
                        "resident ID check character is {} but should be {}",
                        given as char, expected as char
                    )));
                }
                validate_body(body)?;
                Ok(Self(s))
            }
            15 => Self::upgrade_15(&s),
            n => Err(InvalidValue::new(format!(
                "resident ID must have 18 characters (or 15 digits for the old form), got {n}"
            ))),
        }
    }

    fn upgrade_15(s: &str) -> Result<Self, InvalidValue> {
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidValue::new(
                "a 15-digit resident ID must be all digits",
            ));
        }
        let Some((region, rest)) = s.split_at_checked(6) else {
            return Err(InvalidValue::new(
                "a 15-digit resident ID must be all digits",
            ));
        };
        let body = format!("{region}19{rest}");
        validate_body(&body)?;
        let check = check_char(&body) as char;
        Ok(Self(format!("{body}{check}")))
    }

    /// Builds a number from its parts, computing the check character (used by the generator).
    pub fn from_parts(region: u32, birth: NaiveDate, sequence: u16) -> Result<Self, InvalidValue> {
        if sequence > 999 {
            return Err(InvalidValue::new("resident ID sequence must be 0–999"));
        }
        let body = format!("{region:06}{}{sequence:03}", birth.format("%Y%m%d"));
        if body.len() != 17 {
            return Err(InvalidValue::new(
                "resident ID region code must have 6 digits",
            ));
        }
        validate_body(&body)?;
        let check = check_char(&body) as char;
        Ok(Self(format!("{body}{check}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 6-digit administrative division code of the issuing registration.
    pub fn region_code(&self) -> &str {
        // Always 18 ASCII characters (see `parse`); the fallback is never taken.
        self.0.get(..6).unwrap_or_default()
    }

    pub fn birth_date(&self) -> NaiveDate {
        // Validated at construction.
        NaiveDate::parse_from_str(self.0.get(6..14).unwrap_or_default(), "%Y%m%d")
            .unwrap_or_default()
    }

    pub fn gender(&self) -> Gender {
        let seq_last = self
            .0
            .as_bytes()
            .get(16)
            .map_or(0, |b| b.wrapping_sub(b'0'));
        if seq_last % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    /// The 15-digit form (for source systems that still carry it): drops the century and check.
    pub fn to_legacy_15(&self) -> String {
        format!(
            "{}{}",
            self.0.get(..6).unwrap_or_default(),
            self.0.get(8..17).unwrap_or_default()
        )
    }

    /// Checks the number against a separately recorded birth date and gender.
    pub fn check_consistent(
        &self,
        birth_date: Option<NaiveDate>,
        gender: Option<Gender>,
    ) -> Result<(), InvalidValue> {
        if let Some(b) = birth_date
            && b != self.birth_date()
        {
            return Err(InvalidValue::new(format!(
                "birth date {b} does not match the resident ID's {}",
                self.birth_date()
            )));
        }
        if let Some(g) = gender
            && g != self.gender()
        {
            return Err(InvalidValue::new(format!(
                "gender {g} does not match the resident ID's {}",
                self.gender()
            )));
        }
        Ok(())
    }
}

/// The ISO 7064 MOD 11-2 check character of the first 17 digits.
pub fn check_char(body17: &str) -> u8 {
    let sum: u32 = body17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    // `sum % 11` is always below CHECK_CHARS.len() == 11.
    CHECK_CHARS
        .get((sum % 11) as usize)
        .copied()
        .unwrap_or(b'?')
}

fn validate_body(body: &str) -> Result<(), InvalidValue> {
    let province: u8 = body.get(..2).and_then(|p| p.parse().ok()).unwrap_or(0);
    if !PROVINCE_CODES.contains(&province) {
        return Err(InvalidValue::new(format!(
            "resident ID region code {} is not a province of China",
            body.get(..6).unwrap_or(body)
        )));
    }
    let date = body.get(6..14).unwrap_or_default();
    let birth = NaiveDate::parse_from_str(date, "%Y%m%d").map_err(|_| {
        InvalidValue::new(format!(
            "resident ID birth date {date} is not a calendar date"
        ))
    })?;
    let year = chrono::Datelike::year(&birth);
    if !(1900..=2100).contains(&year) {
        return Err(InvalidValue::new(format!(
            "resident ID birth year {year} is out of range"
        )));
    }
    Ok(())
}

impl fmt::Debug for ResidentId {
    // Never print an identifier in full by accident (logs, panics).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", crate::mask::mask_resident_id(&self.0))
    }
}

identifier_text!(ResidentId);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn parse_of_format_is_identity_and_15_digit_forms_upgrade(days in 0_i64..40_000, seq in 0_u16..1000) {
            let birth = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
            let id = ResidentId::from_parts(330106, birth, seq).unwrap();
            prop_assert_eq!(ResidentId::parse(id.as_str()).unwrap(), id.clone());
            prop_assert_eq!(id.birth_date(), birth);
            if birth.format("%Y").to_string().starts_with("19") {
                prop_assert_eq!(ResidentId::parse(&id.to_legacy_15()).unwrap(), id);
            }
        }

        #[test]
        fn one_mistyped_digit_is_always_caught(days in 0_i64..40_000, seq in 0_u16..1000, pos in 0_usize..17, delta in 1_u8..10) {
            let birth = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
            let id = ResidentId::from_parts(330106, birth, seq).unwrap();
            let mut bytes = id.as_str().as_bytes().to_vec();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let typo = String::from_utf8(bytes).unwrap();
            prop_assert!(ResidentId::parse(&typo).is_err());
        }
    }

    #[test]
    fn accepts_valid_18_digit_numbers() {
        // GB 11643 worked example.
        let id = ResidentId::parse("11010519491231002X").unwrap();
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(id.region_code(), "110105");
        assert!(ResidentId::parse("11010519491231002x").is_ok());
    }

    #[test]
    fn multi_byte_input_is_refused_not_a_panic() {
        // 16 digits and a two-byte character: 18 bytes, byte 17 inside the character.
        for input in [
            "1101051949123100é",
            "11010519491231é2X",
            "一二三四五六",
            "110105194912310é",
        ] {
            assert!(ResidentId::parse(input).is_err(), "{input}");
        }
    }

    #[test]
    fn rejects_bad_check_character() {
        let err = ResidentId::parse("110105194912310021").unwrap_err();
        assert!(err.reason.contains("check character"), "{err}");
    }

    #[test]
    fn rejects_impossible_birth_date_and_region() {
        let body = "11010519490231002";
        let id = format!("{body}{}", check_char(body) as char);
        assert!(
            ResidentId::parse(&id)
                .unwrap_err()
                .reason
                .contains("calendar date")
        );
        let body = "99010519491231002";
        let id = format!("{body}{}", check_char(body) as char);
        assert!(
            ResidentId::parse(&id)
                .unwrap_err()
                .reason
                .contains("province")
        );
    }

    #[test]
    fn rejects_wrong_length_and_letters() {
        assert!(ResidentId::parse("1101051949123100").is_err());
        assert!(ResidentId::parse("1101051949A231002X").is_err());
        assert!(ResidentId::parse("").is_err());
    }

    #[test]
    fn upgrades_15_digit_numbers() {
        let id = ResidentId::parse("110105491231002").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.to_legacy_15(), "110105491231002");
    }

    #[test]
    fn from_parts_round_trips() {
        let birth = NaiveDate::from_ymd_opt(1985, 7, 9).unwrap();
        let id = ResidentId::from_parts(310104, birth, 123).unwrap();
        let again = ResidentId::parse(id.as_str()).unwrap();
        assert_eq!(id, again);
        assert_eq!(again.birth_date(), birth);
        assert_eq!(again.gender(), Gender::Male);
    }

    #[test]
    fn checks_consistency_with_recorded_birth_date_and_gender() {
        let id = ResidentId::parse("11010519491231002X").unwrap();
        assert!(
            id.check_consistent(NaiveDate::from_ymd_opt(1949, 12, 31), Some(Gender::Female))
                .is_ok()
        );
        assert!(
            id.check_consistent(NaiveDate::from_ymd_opt(1950, 1, 1), None)
                .is_err()
        );
        assert!(id.check_consistent(None, Some(Gender::Male)).is_err());
    }

    #[test]
    fn debug_does_not_reveal_the_number() {
        let id = ResidentId::parse("11010519491231002X").unwrap();
        assert!(!format!("{id:?}").contains("11010519491231002X"));
    }
}
