//! Source-system copies of customers, and the noise each system introduces.
//!
//! Every rate is a named constant here and documented in `docs/synthetic-bank.md`; the
//! integration tests measure each one against the ground truth.
use chrono::{Datelike, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rapport_domain::{Gender, PartyId, PartyKind, ResidentId, SourceSystem};

use crate::batch::{AccountInfo, Entity};
use crate::data::names::HOMOPHONES;
use crate::data::places::District;
use crate::people::{capitalise, date_between, hanzi_pinyin, mobile_prefix, surname_pinyin};
use crate::reference::Layout;
use crate::rng::{pick, scramble};
use crate::{SourceAccount, SourceRecord};

/// Share of individuals with an internet-banking profile.
pub const INTERNET_BANKING_SHARE: f64 = 0.5;
/// Share of individuals known to the call center.
pub const CALL_CENTER_SHARE: f64 = 0.25;
/// Share of prospects with an internet-banking profile (all prospects are in the call center).
pub const PROSPECT_INTERNET_BANKING_SHARE: f64 = 0.3;
/// Share of hanzi names (persons) with one character replaced by a homophone (同音字).
pub const NAME_HOMOPHONE_RATE: f64 = 0.10;
/// Share of internet-banking person records whose name is in pinyin.
pub const INTERNET_BANKING_PINYIN_RATE: f64 = 0.5;
/// Share of records whose mobile is missing (of records of parties with a mobile).
pub const PHONE_MISSING_RATE: f64 = 0.15;
/// Share of records whose mobile is outdated: another valid number, unrelated to the current one.
pub const PHONE_OUTDATED_RATE: f64 = 0.15;
/// Share of call-center person records without a resident ID.
pub const CALL_CENTER_ID_MISSING_RATE: f64 = 0.40;
/// Share of records carrying a resident ID of someone born before 2000 that give the old
/// 15-digit form.
pub const ID_LEGACY_15_RATE: f64 = 0.05;
/// Share of the remaining 18-digit resident IDs with one mistyped digit (checksum fails).
pub const ID_TYPO_RATE: f64 = 0.02;
/// Share of addresses abbreviated or reformatted.
pub const ADDRESS_REFORMAT_RATE: f64 = 0.30;
/// Share of birth dates in a system's usual format; the rest use any of the four formats.
pub const BIRTH_DATE_USUAL_FORMAT: f64 = 0.7;
/// Share of internet-banking records that carry an address.
pub const INTERNET_BANKING_ADDRESS_SHARE: f64 = 0.3;
/// Share of call-center records that carry a birth date.
pub const CALL_CENTER_BIRTH_DATE_SHARE: f64 = 0.5;
/// Share of internet-banking and call-center records without a gender.
pub const GENDER_MISSING_RATE: f64 = 0.3;

/// Birth-date formats found across the systems.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFormat {
    /// `1985-07-09`
    Iso,
    /// `19850709`
    Compact,
    /// `1985/7/9`
    Slashed,
    /// `1985年7月9日`
    Chinese,
}

pub fn format_date(d: NaiveDate, f: DateFormat) -> String {
    match f {
        DateFormat::Iso => d.format("%Y-%m-%d").to_string(),
        DateFormat::Compact => d.format("%Y%m%d").to_string(),
        DateFormat::Slashed => format!("{}/{}/{}", d.year(), d.month(), d.day()),
        DateFormat::Chinese => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
    }
}

/// Parses any of the four formats (for tests and downstream tools).
pub fn parse_any_date(s: &str) -> Option<NaiveDate> {
    rapport_domain::dates::parse_any_date(s)
}

fn usual_format(system: SourceSystem) -> DateFormat {
    match system {
        SourceSystem::Card => DateFormat::Compact,
        SourceSystem::InternetBanking => DateFormat::Slashed,
        SourceSystem::CallCenter => DateFormat::Chinese,
        _ => DateFormat::Iso,
    }
}

fn gender_code(system: SourceSystem, g: Gender) -> &'static str {
    match (system, g) {
        (SourceSystem::CoreBanking, Gender::Male) => "M",
        (SourceSystem::CoreBanking, Gender::Female) => "F",
        (SourceSystem::Card, Gender::Male) => "1",
        (SourceSystem::Card, Gender::Female) => "2",
        (SourceSystem::CallCenter, Gender::Male) => "男",
        (SourceSystem::CallCenter, Gender::Female) => "女",
        (_, Gender::Male) => "male",
        (_, Gender::Female) => "female",
    }
}

pub fn key_prefix(system: SourceSystem) -> &'static str {
    match system {
        SourceSystem::CoreBanking => "CORE",
        SourceSystem::Card => "CARD",
        SourceSystem::InternetBanking => "IB",
        SourceSystem::CallCenter => "CC",
        SourceSystem::Rapport => "RAP",
    }
}

/// `CORE-012345678`: a per-system bijection of (party, file number), so keys are unique per
/// system and reveal nothing about the party or about keys in other systems.
pub fn source_key(system: SourceSystem, party: u64, file: u64, seed: u64) -> String {
    let salt = seed ^ (system as u64 + 1).wrapping_mul(0x9E37_79B9);
    format!(
        "{}-{:09}",
        key_prefix(system),
        scramble(party * 2 + file, 9, salt)
    )
}

/// Replaces one character of a hanzi name with a homophone; falls back to inserting a space
/// between surname and given name when no character has one.
pub fn homophone_typo(rng: &mut ChaCha8Rng, surname: &str, given: &str) -> String {
    let chars: Vec<char> = format!("{surname}{given}").chars().collect();
    let sn = surname.chars().count();
    let mut candidates: Vec<(usize, char)> = chars
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, ch)| {
            let mut b = [0u8; 4];
            let c: &str = ch.encode_utf8(&mut b);
            HOMOPHONES.iter().any(|(k, _)| *k == c)
        })
        .collect();
    // Prefer the given name: surnames are usually spelt out on the phone.
    if candidates.iter().any(|&(i, _)| i >= sn) && rng.random_bool(0.8) {
        candidates.retain(|&(i, _)| i >= sn);
    }
    if candidates.is_empty() {
        return format!("{surname} {given}");
    }
    let (i, ch) = pick(rng, &candidates);
    let mut b = [0u8; 4];
    let c: &str = ch.encode_utf8(&mut b);
    let subs = HOMOPHONES
        .iter()
        .find(|(k, _)| *k == c)
        .map(|(_, v)| *v)
        .unwrap_or(&[]);
    let mut out = String::new();
    for (j, ch) in chars.iter().enumerate() {
        if j == i
            && !subs.is_empty()
            && let Some(sub) = subs.get(rng.random_range(0..subs.len()))
        {
            out.push_str(sub);
        } else {
            out.push(*ch);
        }
    }
    out
}

/// `ZHANG WEI`, `Zhang Wei` or `zhangwei`.
pub fn pinyin_name(rng: &mut ChaCha8Rng, surname: &str, given: &str) -> String {
    let s = surname_pinyin(surname);
    let g = hanzi_pinyin(given);
    match rng.random_range(0..3) {
        0 => format!("{} {}", s.to_uppercase(), g.to_uppercase()),
        1 => format!("{} {}", capitalise(&s), capitalise(&g)),
        _ => format!("{s}{g}"),
    }
}

fn full_width_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32('０' as u32 + (c as u32 - '0' as u32)).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Abbreviates or reformats an address: drops the province (or the municipality's 市),
/// writes `号` as `#` and `栋…室` as `-`, or uses full-width digits; one or two of these.
pub fn reformat_address(rng: &mut ChaCha8Rng, address: &str, d: &District) -> String {
    let mut s = address.to_owned();
    let ops = rng.random_range(1..=3u8);
    if ops & 1 == 1 {
        match rng.random_range(0..3) {
            0 => {
                let prefix = if d.is_municipality() {
                    d.city.to_owned()
                } else {
                    format!("{}{}", d.province, d.city)
                };
                if let Some(rest) = s.strip_prefix(&prefix) {
                    s = rest.to_owned();
                }
            }
            1 => {
                if !d.is_municipality()
                    && let Some(rest) = s.strip_prefix(d.province)
                {
                    s = rest.to_owned();
                }
                s = s.replacen(d.city, d.city_short(), 1);
            }
            _ => {
                s = s.replace('号', "#").replace('栋', "-").replace('室', "");
            }
        }
    }
    if ops & 2 == 2 {
        s = full_width_digits(&s);
    }
    if s == address {
        s = full_width_digits(&s);
    }
    s
}

fn mistype_digit(rng: &mut ChaCha8Rng, id: &str) -> String {
    let mut bytes: Vec<u8> = id.bytes().collect();
    let i = rng.random_range(0..17.min(bytes.len()));
    if let Some(digit) = bytes.get_mut(i) {
        let old = *digit;
        let mut new = b'0' + rng.random_range(0..10u8);
        if new == old {
            new = b'0' + ((old - b'0' + 1) % 10);
        }
        *digit = new;
    }
    String::from_utf8(bytes).unwrap_or_else(|_| id.to_owned())
}

struct Ctx {
    seed: u64,
    as_of: NaiveDate,
}

#[allow(clippy::too_many_arguments)]
pub fn source_records(
    rng: &mut ChaCha8Rng,
    e: &Entity,
    accounts: &[AccountInfo],
    layout: &Layout,
    seed: u64,
    as_of: NaiveDate,
    records: &mut Vec<SourceRecord>,
    source_accounts: &mut Vec<SourceAccount>,
) {
    let ctx = Ctx { seed, as_of };
    let p = e.record.id.0 as u64;
    let has_core = accounts
        .iter()
        .any(|a| a.record.source_system == SourceSystem::CoreBanking);
    let has_card = accounts
        .iter()
        .any(|a| a.record.source_system == SourceSystem::Card);
    let branch_code = |sub: usize| layout.sub_branches.get(sub).map(|s| &s.code);
    let home_code = branch_code(e.home_sub);
    if has_core {
        records.push(record(
            &ctx,
            rng,
            e,
            SourceSystem::CoreBanking,
            0,
            home_code,
        ));
        if let Some(other) = e.second_core_sub {
            let code = branch_code(other);
            records.push(record(&ctx, rng, e, SourceSystem::CoreBanking, 1, code));
        }
    }
    if has_card {
        records.push(record(&ctx, rng, e, SourceSystem::Card, 0, home_code));
    }
    match e.record.kind {
        PartyKind::Individual => {
            if rng.random_bool(INTERNET_BANKING_SHARE) {
                records.push(record(&ctx, rng, e, SourceSystem::InternetBanking, 0, None));
            }
            if rng.random_bool(CALL_CENTER_SHARE) {
                records.push(record(&ctx, rng, e, SourceSystem::CallCenter, 0, None));
            }
        }
        PartyKind::Prospect => {
            records.push(record(&ctx, rng, e, SourceSystem::CallCenter, 0, None));
            if rng.random_bool(PROSPECT_INTERNET_BANKING_SHARE) {
                records.push(record(&ctx, rng, e, SourceSystem::InternetBanking, 0, None));
            }
        }
        PartyKind::Organisation => {}
    }
    for a in accounts {
        let r = &a.record;
        let system = r.source_system;
        let file = if system == SourceSystem::CoreBanking {
            u64::from(a.core_file)
        } else {
            0
        };
        source_accounts.push(SourceAccount {
            source_system: system,
            source_key: source_key(system, p, file, seed),
            account_number: r.account_number.clone(),
            product_code: r.product_code.clone(),
            family: r.family,
            balance: r.balance,
            limit: r.limit,
            opened_on: r.opened_on,
            matures_on: r.matures_on,
            status: r.status,
            closed_on: r.closed_on,
            branch_code: layout
                .branch_codes
                .get(&r.branch_id)
                .cloned()
                .unwrap_or_default(),
        });
    }
}

fn record(
    ctx: &Ctx,
    rng: &mut ChaCha8Rng,
    e: &Entity,
    system: SourceSystem,
    file: u64,
    branch_code: Option<&String>,
) -> SourceRecord {
    let t = &e.record;
    let p = t.id.0 as u64;
    let name = noisy_name(rng, e, system);
    let optional = matches!(
        system,
        SourceSystem::InternetBanking | SourceSystem::CallCenter
    );
    let gender = t
        .gender
        .filter(|_| !(optional && rng.random_bool(GENDER_MISSING_RATE)))
        .map(|g| gender_code(system, g).to_owned());
    let birth_date = noisy_birth_date(rng, t.birth_date, system);
    let resident_id = noisy_resident_id(rng, t.resident_id.as_ref(), system);
    let mobile = t
        .mobile
        .as_ref()
        .and_then(|m| noisy_mobile(rng, m.as_str()));
    let address = noisy_address(rng, e, system);
    let email = t
        .email
        .clone()
        .filter(|_| system != SourceSystem::CallCenter || rng.random_bool(0.3));
    let updated_at = date_between(rng, t.onboarded_on, ctx.as_of);
    SourceRecord {
        source_system: system,
        source_key: source_key(system, p, file, ctx.seed),
        party_id: PartyId(p as i64),
        name,
        gender,
        birth_date,
        resident_id,
        uscc: t.uscc.as_ref().map(|u| u.as_str().to_owned()),
        mobile,
        address,
        email,
        branch_code: branch_code.cloned(),
        updated_at,
    }
}

/// A person's name as the system spells it: in pinyin (internet banking), with a homophone
/// typo, or as it is. Organisation names are never altered.
fn noisy_name(rng: &mut ChaCha8Rng, e: &Entity, system: SourceSystem) -> String {
    match e.person.as_ref() {
        Some(n) => {
            if system == SourceSystem::InternetBanking
                && rng.random_bool(INTERNET_BANKING_PINYIN_RATE)
            {
                pinyin_name(rng, n.surname, &n.given)
            } else if rng.random_bool(NAME_HOMOPHONE_RATE) {
                homophone_typo(rng, n.surname, &n.given)
            } else {
                e.record.name.clone()
            }
        }
        None => e.record.name.clone(),
    }
}

/// The birth date in the system's usual format or any other; the call center often has none.
fn noisy_birth_date(
    rng: &mut ChaCha8Rng,
    birth_date: Option<NaiveDate>,
    system: SourceSystem,
) -> Option<String> {
    let birth_present = match system {
        SourceSystem::CallCenter => rng.random_bool(CALL_CENTER_BIRTH_DATE_SHARE),
        _ => true,
    };
    birth_date.filter(|_| birth_present).map(|b| {
        let f = if rng.random_bool(BIRTH_DATE_USUAL_FORMAT) {
            usual_format(system)
        } else {
            pick(
                rng,
                &[
                    DateFormat::Iso,
                    DateFormat::Compact,
                    DateFormat::Slashed,
                    DateFormat::Chinese,
                ],
            )
        };
        format_date(b, f)
    })
}

/// The resident ID in its legacy 15-digit form, mistyped, or as it is; often missing in the
/// call center.
fn noisy_resident_id(
    rng: &mut ChaCha8Rng,
    resident_id: Option<&ResidentId>,
    system: SourceSystem,
) -> Option<String> {
    let id_present =
        !(system == SourceSystem::CallCenter && rng.random_bool(CALL_CENTER_ID_MISSING_RATE));
    resident_id.filter(|_| id_present).map(|id| {
        let born_1900s = id.birth_date().year() < 2000;
        if born_1900s && rng.random_bool(ID_LEGACY_15_RATE) {
            id.to_legacy_15()
        } else if rng.random_bool(ID_TYPO_RATE) {
            mistype_digit(rng, id.as_str())
        } else {
            id.as_str().to_owned()
        }
    })
}

/// The mobile `m` as a record holds it: missing, outdated or current.
fn noisy_mobile(rng: &mut ChaCha8Rng, m: &str) -> Option<String> {
    let u: f64 = rng.random();
    if u < PHONE_MISSING_RATE {
        None
    } else if u < PHONE_MISSING_RATE + PHONE_OUTDATED_RATE {
        // A number the person used before: unrelated to the current one, as in life.
        loop {
            let old = format!(
                "{}{:08}",
                mobile_prefix(rng),
                rng.random_range(0..100_000_000_u32)
            );
            if old != m {
                break Some(old);
            }
        }
    } else {
        Some(m.to_owned())
    }
}

/// The address, sometimes reformatted; the core and card systems always hold one, internet
/// banking sometimes, the call center never.
fn noisy_address(rng: &mut ChaCha8Rng, e: &Entity, system: SourceSystem) -> Option<String> {
    let address_present = match system {
        SourceSystem::CoreBanking | SourceSystem::Card => true,
        SourceSystem::InternetBanking => rng.random_bool(INTERNET_BANKING_ADDRESS_SHARE),
        _ => false,
    };
    match (&e.record.address, e.address) {
        (Some(a), Some(parts)) if address_present => {
            if rng.random_bool(ADDRESS_REFORMAT_RATE) {
                Some(reformat_address(rng, a, parts.district))
            } else {
                Some(a.clone())
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::places::DISTRICTS;
    use rand::SeedableRng;

    #[test]
    fn date_formats_round_trip() {
        let d = NaiveDate::from_ymd_opt(1985, 7, 9).unwrap();
        assert_eq!(format_date(d, DateFormat::Iso), "1985-07-09");
        assert_eq!(format_date(d, DateFormat::Compact), "19850709");
        assert_eq!(format_date(d, DateFormat::Slashed), "1985/7/9");
        assert_eq!(format_date(d, DateFormat::Chinese), "1985年7月9日");
        for f in [
            DateFormat::Iso,
            DateFormat::Compact,
            DateFormat::Slashed,
            DateFormat::Chinese,
        ] {
            assert_eq!(parse_any_date(&format_date(d, f)), Some(d));
        }
    }

    #[test]
    fn noise_functions_change_their_input() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..200 {
            let n = homophone_typo(&mut rng, "张", "伟");
            assert_ne!(n, "张伟");
            assert_eq!(n.chars().count(), 2);
            let a = "浙江省杭州市西湖区人民路12号3栋1502室";
            assert_ne!(reformat_address(&mut rng, a, &DISTRICTS[47]), a);
            let p = pinyin_name(&mut rng, "曾", "伟");
            assert!(
                ["ZENG WEI", "Zeng Wei", "zengwei"].contains(&p.as_str()),
                "{p}"
            );
        }
    }

    #[test]
    fn keys_are_unique_per_system() {
        let mut seen = std::collections::HashSet::new();
        for p in 1..20_000 {
            for f in 0..2 {
                assert!(seen.insert(source_key(SourceSystem::CoreBanking, p, f, 42)));
            }
        }
    }
}
