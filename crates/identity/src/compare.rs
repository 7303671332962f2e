//! Field comparators: each turns two standardised values into an agreement level
//! (higher = closer), or `None` when either side is missing.
use chrono::Datelike;
use strsim::{jaro_winkler, osa_distance};

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
    OtherId,
    Postcode,
    Locality,
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
            Self::OtherId => "other_id",
            Self::Postcode => "postcode",
            Self::Locality => "locality",
        }
    }

    /// Number of agreement levels (0 = disagree … levels-1 = agree exactly).
    pub fn levels(self) -> usize {
        match self {
            Self::Name => 5,
            Self::ResidentId | Self::BirthDate | Self::Address | Self::Locality => 3,
            Self::OtherId | Self::Postcode => 4,
            Self::Mobile | Self::Gender | Self::Email => 2,
        }
    }
}

pub const FIELDS: [Field; 10] = [
    Field::Name,
    Field::ResidentId,
    Field::Mobile,
    Field::BirthDate,
    Field::Address,
    Field::Gender,
    Field::Email,
    Field::OtherId,
    Field::Postcode,
    Field::Locality,
];

/// One agreement level per field of [`FIELDS`].
pub type Comparison = [Option<u8>; 10];

/// Agreement level at or above which two names are compatible (a close spelling at least).
pub const NAME_COMPATIBLE: u8 = 2;

fn name(a: &Standardised, b: &Standardised) -> Option<u8> {
    if a.pinyin.is_empty() || b.pinyin.is_empty() {
        return None;
    }
    // Same writing: the same hanzi, or (neither in hanzi) the same letters in the same order.
    let same_writing = match (&a.hanzi, &b.hanzi) {
        (Some(x), Some(y)) => x == y,
        (None, None) => a.pinyin.first() == b.pinyin.first(),
        _ => false,
    };
    if same_writing {
        return Some(4);
    }
    // Same sound: homophones, hanzi against pinyin, or given name and surname swapped.
    if a.pinyin.iter().any(|p| b.pinyin.contains(p)) {
        return Some(3);
    }
    // Heteronyms multiply spellings; the first two carry the usual readings.
    let best = a
        .pinyin
        .iter()
        .take(2)
        .flat_map(|x| b.pinyin.iter().take(2).map(move |y| jaro_winkler(x, y)))
        .fold(0.0_f64, f64::max);
    if best >= 0.92 {
        return Some(2);
    }
    // Part of the name: one of its words (given name or surname kept apart by the source), or
    // a looser spelling. Siblings share a surname too; EM weighs the level from the data.
    let shares_word = a.name_words.iter().any(|w| b.name_words.contains(w));
    Some(u8::from(shares_word || best >= 0.8))
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

/// The date as the eight digits YYYYMMDD.
fn digits(d: chrono::NaiveDate) -> [u8; 8] {
    let mut out = [0u8; 8];
    let mut v = d.year().unsigned_abs() * 10_000 + d.month() * 100 + d.day();
    for slot in out.iter_mut().rev() {
        *slot = (v % 10) as u8;
        v /= 10;
    }
    out
}

fn birth(a: &Standardised, b: &Standardised) -> Option<u8> {
    let (x, y) = (a.birth?, b.birth?);
    if x == y {
        return Some(2);
    }
    let swapped = x.year() == y.year() && x.month() == y.day() && x.day() == y.month();
    let (dx, dy) = (digits(x), digits(y));
    let typo = dx.iter().zip(&dy).filter(|(p, q)| p != q).count() == 1;
    Some(if swapped || typo { 1 } else { 0 })
}

fn address(a: &Standardised, b: &Standardised) -> Option<u8> {
    let (x, y) = (a.address.as_ref()?, b.address.as_ref()?);
    if x == y {
        return Some(2);
    }
    // A similar street in another district is another place.
    if a.district != b.district {
        return Some(0);
    }
    let similarity = jaro_winkler(x, y);
    Some(u8::from(similarity >= 0.9 || one_contains_the_other(x, y)))
}

/// One address is the other cut short (`83` against `83 carslaw street`, a Chinese address
/// without its building and flat): the shorter says less, not something else.
fn one_contains_the_other(x: &str, y: &str) -> bool {
    let (short, long) = if x.len() <= y.len() { (x, y) } else { (y, x) };
    if short.chars().count() < 2 {
        return false;
    }
    if long.starts_with(short) {
        return true;
    }
    let words: Vec<&str> = long.split_whitespace().collect();
    let mut short_words = short.split_whitespace().peekable();
    short_words.peek().is_some() && short_words.all(|w| words.contains(&w))
}

/// Exact, one or two keystrokes off (a wrong, missing or extra character, or two swapped), or
/// not.
fn code(x: Option<&String>, y: Option<&String>) -> Option<u8> {
    let (x, y) = (x?, y?);
    Some(match osa_distance(x, y) {
        0 => 3,
        1 => 2,
        2 => 1,
        _ => 0,
    })
}

fn locality(x: Option<&String>, y: Option<&String>) -> Option<u8> {
    let (x, y) = (x?, y?);
    Some(if x == y {
        2
    } else if jaro_winkler(x, y) >= 0.88 {
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
        code(a.other_id.as_ref(), b.other_id.as_ref()),
        code(a.postcode.as_ref(), b.postcode.as_ref()),
        locality(a.locality.as_ref(), b.locality.as_ref()),
    ]
}
