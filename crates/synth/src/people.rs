//! Names, birth dates, resident IDs, mobiles, addresses and pinyin.
use chrono::{Datelike, Days, NaiveDate};
use rand::Rng;
use rapport_domain::{Gender, Mobile, ResidentId};

use crate::data::names::{
    COMMON_FEMALE_GIVEN, COMMON_MALE_GIVEN, FEMALE_CHARS, MALE_CHARS, SURNAMES,
};
use crate::data::places::{District, ROADS};
use crate::rng::{pick, pick_weighted, scramble};

/// Share of people whose given name is one of the very common names (伟, 芳, 娜 …).
pub const COMMON_GIVEN_NAME_SHARE: f64 = 0.2;
/// Share of the remaining given names that have one character rather than two.
pub const SINGLE_CHAR_GIVEN_SHARE: f64 = 0.3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName {
    pub surname: &'static str,
    pub given: String,
}

impl PersonName {
    pub fn full(&self) -> String {
        format!("{}{}", self.surname, self.given)
    }
}

pub fn surname<R: Rng + ?Sized>(rng: &mut R) -> &'static str {
    pick_weighted(rng, SURNAMES)
}

pub fn given_name<R: Rng + ?Sized>(rng: &mut R, gender: Gender) -> String {
    let (common, chars) = match gender {
        Gender::Male => (COMMON_MALE_GIVEN, MALE_CHARS),
        Gender::Female => (COMMON_FEMALE_GIVEN, FEMALE_CHARS),
    };
    if rng.random_bool(COMMON_GIVEN_NAME_SHARE) {
        return (pick_weighted(rng, common)).to_owned();
    }
    let first = pick(rng, chars);
    if rng.random_bool(SINGLE_CHAR_GIVEN_SHARE) {
        return first.to_owned();
    }
    let mut second = pick(rng, chars);
    if second == first {
        second = pick(rng, chars);
    }
    format!("{first}{second}")
}

pub fn person_name<R: Rng + ?Sized>(rng: &mut R, gender: Gender) -> PersonName {
    PersonName {
        surname: surname(rng),
        given: given_name(rng, gender),
    }
}

/// Pinyin of a surname, honouring the surname readings of polyphonic characters (the same
/// table search uses, so generated pinyin names are searchable).
pub fn surname_pinyin(surname: &str) -> String {
    rapport_domain::names::full_pinyin_keys(surname)
        .into_iter()
        .next()
        .unwrap_or_else(|| hanzi_pinyin(surname))
}

/// Plain pinyin of hanzi (default readings, `ü` written `v`), other characters kept.
pub fn hanzi_pinyin(text: &str) -> String {
    use pinyin::ToPinyin;
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        match c.to_pinyin() {
            Some(p) => out.push_str(&p.plain().replace('ü', "v")),
            None => out.push(c),
        }
    }
    out
}

pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// Parties whose (birth day, ID sequence class) pairs are distinct by construction.
pub const UNIQUE_ID_PARTIES: u64 = 2048 * 500;

/// A pseudo-random bijection of the party number on `[0, UNIQUE_ID_PARTIES)`: its residue
/// modulo 2048 fixes the birth day within a 2048-day window, its quotient the ID sequence class.
fn id_slot(party: u64, seed: u64) -> (i64, u16) {
    const A: u64 = 738_731; // odd and not a multiple of 5: coprime with 2048 × 500
    let m = UNIQUE_ID_PARTIES;
    let q = ((party % m) * A + crate::rng::mix(seed) % m) % m;
    ((q % 2048) as i64, (q / 2048) as u16)
}

/// A birth date about `age_years` before `as_of`, nudged by up to ±1024 days so that, together
/// with the sequence number from [`id_sequence`], resident IDs are unique by construction for
/// banks of up to [`UNIQUE_ID_PARTIES`] parties (whatever their district).
pub fn birth_date(as_of: NaiveDate, party: u64, seed: u64, age_years: f64) -> NaiveDate {
    const WINDOW: i64 = 2048;
    let epoch = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default();
    let min_age_days = 18 * 365 + 5 + WINDOW / 2;
    let max_age_days = 85 * 365 + 20 - WINDOW / 2;
    let target_age = ((age_years * 365.25) as i64).clamp(min_age_days, max_age_days);
    let target = as_of.signed_duration_since(epoch).num_days() - target_age;
    let (k, _) = id_slot(party, seed);
    let lo = target - WINDOW / 2 + 1;
    let day = lo + (k - lo).rem_euclid(WINDOW);
    epoch + chrono::Duration::days(day)
}

/// Sequence number of a resident ID: odd for men, even for women.
pub fn id_sequence(party: u64, seed: u64, gender: Gender) -> u16 {
    let (_, class) = id_slot(party, seed);
    class * 2 + u16::from(gender == Gender::Male)
}

pub fn resident_id(
    region: u32,
    birth: NaiveDate,
    party: u64,
    seed: u64,
    gender: Gender,
) -> Result<ResidentId, crate::SynthError> {
    ResidentId::from_parts(region, birth, id_sequence(party, seed, gender))
        .map_err(|e| crate::SynthError::Internal(format!("resident ID: {e}")))
}

pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age.max(0) as u32
}

/// The date of the `years`th birthday (29 February → 1 March).
pub fn add_years(date: NaiveDate, years: u32) -> NaiveDate {
    date.with_year(date.year() + years as i32)
        .or_else(|| NaiveDate::from_ymd_opt(date.year() + years as i32, 3, 1))
        .unwrap_or(date)
}

/// Mobile prefixes (13x/15x/17x/18x/19x) with relative weights.
pub const MOBILE_PREFIXES: &[(u16, u32)] = &[
    (130, 4),
    (131, 4),
    (132, 4),
    (133, 3),
    (134, 4),
    (135, 7),
    (136, 7),
    (137, 7),
    (138, 8),
    (139, 8),
    (150, 5),
    (151, 5),
    (152, 4),
    (153, 3),
    (155, 3),
    (156, 3),
    (157, 2),
    (158, 5),
    (159, 5),
    (173, 2),
    (176, 2),
    (177, 2),
    (178, 2),
    (180, 3),
    (181, 3),
    (182, 3),
    (183, 3),
    (185, 3),
    (186, 4),
    (187, 3),
    (188, 3),
    (189, 4),
    (191, 1),
    (195, 1),
    (198, 2),
    (199, 2),
];

/// A mobile's subscriber digits are a bijection of the party number, so numbers are unique
/// across the bank whatever prefix is drawn.
pub fn mobile_number(prefix: u16, party: u64, seed: u64) -> Result<Mobile, crate::SynthError> {
    let body = scramble(party, 8, seed ^ 0x0000_6D6F_6269_6C65);
    Mobile::parse(&format!("{prefix}{body:08}"))
        .map_err(|e| crate::SynthError::Internal(format!("mobile: {e}")))
}

pub fn mobile_prefix<R: Rng + ?Sized>(rng: &mut R) -> u16 {
    pick_weighted(rng, MOBILE_PREFIXES)
}

/// A street address in a district.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Address {
    pub district: &'static District,
    /// Chinese and English name of the road.
    pub road: (&'static str, &'static str),
    pub number: u32,
    pub building: u32,
    pub room: u32,
}

impl Address {
    pub fn random<R: Rng + ?Sized>(rng: &mut R, district: &'static District) -> Self {
        let floor = rng.random_range(1..=28u32);
        Self {
            district,
            road: pick(rng, ROADS),
            number: rng.random_range(1..=999),
            building: rng.random_range(1..=30),
            room: floor * 100 + rng.random_range(1..=4u32),
        }
    }

    /// `{省}{市}{区}{路}{n}号{栋}栋{室}室`; the municipalities omit the province.
    pub fn format(&self) -> String {
        let mut s = self.locality();
        self.push_street(&mut s);
        s
    }

    /// `{省}{市}{区}`, the province left out for the municipalities.
    fn locality(&self) -> String {
        let d = self.district;
        let mut s = String::with_capacity(64);
        if !d.is_municipality() {
            s.push_str(d.province);
        }
        s.push_str(d.city);
        s.push_str(d.district);
        s
    }

    /// Street, number, building and room only.
    pub fn push_street(&self, s: &mut String) {
        use std::fmt::Write;
        let _ = write!(
            s,
            "{}{}号{}栋{}室",
            self.road.0, self.number, self.building, self.room
        );
    }

    /// An organisation's address: street and number, no flat.
    pub fn format_office(&self) -> String {
        let mut s = self.locality();
        s.push_str(self.road.0);
        s.push_str(&format!("{}号", self.number));
        s
    }
}

/// Adds `days` (may be negative) to a date, saturating at the calendar's ends.
pub fn shift(date: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        date.checked_add_days(Days::new(days as u64))
            .unwrap_or(date)
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
            .unwrap_or(date)
    }
}

/// A uniformly random date in `[from, to]` (returns `from` if the range is empty).
pub fn date_between<R: Rng + ?Sized>(rng: &mut R, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = to.signed_duration_since(from).num_days();
    if span <= 0 {
        return from;
    }
    shift(from, rng.random_range(0..=span))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::places::DISTRICTS;
    use std::collections::HashSet;

    #[test]
    fn birth_dates_and_ids_are_unique_and_in_range() {
        let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        let mut seen = HashSet::new();
        let mut days = HashSet::new();
        for p in 1..200_000u64 {
            let age = 18.0 + (p % 68) as f64;
            let b = birth_date(as_of, p, 42, age);
            let a = age_on(b, as_of);
            assert!((18..=85).contains(&a), "{p} {age} {b} {a}");
            assert!(
                seen.insert((b, id_sequence(p, 42, Gender::Male) / 2)),
                "{p}"
            );
            if p <= 1000 {
                days.insert(b);
            }
        }
        assert!(days.len() > 950, "birth days spread out: {}", days.len());
    }

    #[test]
    fn pinyin_of_names() {
        assert_eq!(surname_pinyin("曾"), "zeng");
        assert_eq!(surname_pinyin("张"), "zhang");
        assert_eq!(hanzi_pinyin("伟"), "wei");
        assert_eq!(surname_pinyin("欧阳"), "ouyang");
        assert_eq!(hanzi_pinyin("吕"), "lv");
    }

    #[test]
    fn addresses() {
        let a = Address {
            district: &DISTRICTS[0],
            road: ROADS[0],
            number: 12,
            building: 3,
            room: 1502,
        };
        assert_eq!(a.format(), "北京市东城区人民路12号3栋1502室");
        let hz = DISTRICTS.iter().find(|d| d.code == 330106).unwrap();
        let a = Address { district: hz, ..a };
        assert_eq!(a.format(), "浙江省杭州市西湖区人民路12号3栋1502室");
    }
}
