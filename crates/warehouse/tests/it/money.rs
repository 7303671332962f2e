use proptest::prelude::*;
use rapport_warehouse::money::{MAX_MINOR, format_minor, parse_minor};

proptest! {
    #[test]
    fn minor_units_round_trip(minor in -MAX_MINOR..=MAX_MINOR) {
        let text = format_minor(minor);
        prop_assert_eq!(parse_minor(&text), Ok(minor));
    }

    #[test]
    fn any_accepted_text_means_what_it_says(int in 0u64..10_000_000_000_000_000, frac in proptest::option::of(0u8..100), one_digit in any::<bool>()) {
        let (text, expected) = match frac {
            None => (int.to_string(), i128::from(int) * 100),
            Some(f) if one_digit => (format!("{int}.{}", f / 10), i128::from(int) * 100 + i128::from(f / 10) * 10),
            Some(f) => (format!("{int}.{f:02}"), i128::from(int) * 100 + i128::from(f)),
        };
        prop_assert_eq!(parse_minor(&text), Ok(expected));
        prop_assert_eq!(parse_minor(&format!("-{text}")), Ok(-expected));
    }

    #[test]
    fn decimals_beyond_cents_are_refused(int in 0u32..1_000_000, frac in 0u32..1000) {
        let text = format!("{int}.{frac:03}");
        prop_assert!(parse_minor(&text).is_err(), "{} accepted", text);
    }
}
