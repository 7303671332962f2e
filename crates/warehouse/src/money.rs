//! Exact decimal money: text ⇄ minor units (hundredths), never through a float.

/// Largest magnitude a `Decimal128(18, 2)` holds, in minor units.
pub const MAX_MINOR: i128 = 999_999_999_999_999_999;

/// Why an amount was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("empty amount")]
    Empty,
    #[error("not a plain decimal number (digits, an optional `-`, `.` and at most 2 decimals)")]
    Syntax,
    #[error("more than 2 decimals")]
    TooManyDecimals,
    #[error("larger than a DECIMAL(18,2)")]
    TooLarge,
}

/// Parses `-?digits(.d{1,2})?` into minor units. Surrounding ASCII spaces are allowed; signs
/// other than a leading `-`, exponents, thousands separators and currency symbols are not,
/// because each of them has been seen to hide a wrong amount in some extract.
pub fn parse_minor(text: &str) -> Result<i128, MoneyError> {
    let s = text.trim_matches(' ').as_bytes();
    if s.is_empty() {
        return Err(MoneyError::Empty);
    }
    let (negative, s) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    // Before the first dot, and after it if there is one.
    let mut parts = s.splitn(2, |&b| b == b'.');
    let (int, frac) = (parts.next().unwrap_or_default(), parts.next());
    if int.is_empty() || !int.iter().all(u8::is_ascii_digit) {
        return Err(MoneyError::Syntax);
    }
    let frac = frac.unwrap_or(b"");
    if frac.is_empty() && s.len() != int.len() {
        return Err(MoneyError::Syntax);
    }
    if !frac.iter().all(u8::is_ascii_digit) {
        return Err(MoneyError::Syntax);
    }
    if frac.len() > 2 {
        return Err(MoneyError::TooManyDecimals);
    }
    let digits = int.iter().skip_while(|&&b| b == b'0').count();
    if digits > 16 {
        return Err(MoneyError::TooLarge);
    }
    let mut minor: i128 = 0;
    for &b in int.iter().chain(frac) {
        minor = minor * 10 + i128::from(b - b'0');
    }
    if frac.len() == 1 {
        minor *= 10;
    } else if frac.is_empty() {
        minor *= 100;
    }
    Ok(if negative { -minor } else { minor })
}

/// Formats minor units as `-?digits.dd`, the inverse of [`parse_minor`].
pub fn format_minor(minor: i128) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_accepted_shapes() {
        assert_eq!(parse_minor("12.30"), Ok(1230));
        assert_eq!(parse_minor("12.3"), Ok(1230));
        assert_eq!(parse_minor("12"), Ok(1200));
        assert_eq!(parse_minor("-0.01"), Ok(-1));
        assert_eq!(parse_minor(" 7.05 "), Ok(705));
        assert_eq!(parse_minor("9999999999999999.99"), Ok(MAX_MINOR));
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "", " ", "-", "+1", "1e3", "1,000.00", "1.", ".5", "1.2.3", "¥5", "0x10", "--1",
        ] {
            assert!(parse_minor(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(parse_minor("1.005"), Err(MoneyError::TooManyDecimals));
        assert_eq!(parse_minor("10000000000000000"), Err(MoneyError::TooLarge));
    }
}
