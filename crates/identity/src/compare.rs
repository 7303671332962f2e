//! Field comparators: each turns two standardised values into an agreement level
//! (higher = closer), or `None` when either side is missing.
use chrono::Datelike;
use strsim::jaro_winkler;

use crate::standardise::{IdNumber, Standardised};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    ResidentId,
    Mobile,
    BirthDate,
    Address,
    Gender,
    Email,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::ResidentId => "resident_id",
            Self::Mobile => "mobile",
            Self::BirthDate => "birth_date",
            Self::Address => "address",
            Self::Gender => "gender",
            Self::Email => "email",
        }
    }

    /// Number of agreement levels (0 = disagree … levels-1 = agree exactly).
    pub fn levels(self) -> usize {
        match self {
            Self::Name => 4,
            Self::ResidentId | Self::BirthDate | Self::Address => 3,
            Self::Mobile | Self::Gender | Self::Email => 2,
        }
    }
}

pub const FIELDS: [Field; 7] = [
    Field::Name,
    Field::ResidentId,
    Field::Mobile,
    Field::BirthDate,
    Field::Address,
    Field::Gender,
    Field::Email,
];

/// One agreement level per field of [`FIELDS`].
pub type Comparison = [Option<u8>; 7];

fn name(a: &Standardised, b: &Standardised) -> Option<u8> {
    if a.pinyin.is_empty() || b.pinyin.is_empty() {
        return None;
    }
    if a.hanzi.is_some() && a.hanzi == b.hanzi {
        return Some(3);
    }
    // Same sound: homophones, or hanzi against pinyin.
    if a.pinyin.iter().any(|p| b.pinyin.contains(p)) {
        return Some(2);
    }
    let best = a
        .pinyin
        .iter()
        .flat_map(|x| b.pinyin.iter().map(move |y| jaro_winkler(x, y)))
        .fold(0.0_f64, f64::max);
    Some(if best >= 0.92 { 1 } else { 0 })
}

fn differing_positions(a: &str, b: &str) -> usize {
    if a.len() != b.len() {
        return usize::MAX;
    }
    a.bytes().zip(b.bytes()).filter(|(x, y)| x != y).count()
}

fn resident_id(a: &Standardised, b: &Standardised) -> Option<u8> {
    let (x, y) = (a.id.as_ref()?, b.id.as_ref()?);
    Some(match differing_positions(x.digits(), y.digits()) {
        0 => 2,
        // One mistyped digit: only when at least one side fails its check.
        1 if matches!(x, IdNumber::Invalid(_)) || matches!(y, IdNumber::Invalid(_)) => 1,
        _ => 0,
    })
}

fn birth(a: &Standardised, b: &Standardised) -> Option<u8> {
    let (x, y) = (a.birth?, b.birth?);
    if x == y {
        return Some(2);
    }
    let swapped = x.year() == y.year() && x.month() == y.day() && x.day() == y.month();
    let typo = differing_positions(
        &x.format("%Y%m%d").to_string(),
        &y.format("%Y%m%d").to_string(),
    ) == 1;
    Some(if swapped || typo { 1 } else { 0 })
}

fn address(a: &Standardised, b: &Standardised) -> Option<u8> {
    let (x, y) = (a.address.as_ref()?, b.address.as_ref()?);
    if x == y {
        return Some(2);
    }
    let same_district = a.district.is_some() && a.district == b.district;
    Some(if same_district && jaro_winkler(x, y) >= 0.9 {
        1
    } else {
        0
    })
}

fn same<T: PartialEq>(x: Option<&T>, y: Option<&T>) -> Option<u8> {
    Some(u8::from(x? == y?))
}

/// Compares two standardised records; symmetric by construction.
pub fn compare(a: &Standardised, b: &Standardised) -> Comparison {
    [
        name(a, b),
        resident_id(a, b),
        same(a.mobile.as_ref(), b.mobile.as_ref()),
        birth(a, b),
        address(a, b),
        same(a.gender.as_ref(), b.gender.as_ref()),
        same(a.email.as_ref(), b.email.as_ref()),
    ]
}
